"""Reads of the orders service: a caller sees only their own orders."""

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet

from servicekit.errors import NotFoundError

from .models import CatalogueEntry, Order


@dataclass(frozen=True)
class ProductSnapshot:
    """A product as orders sells it: copied into the order line, never looked up again."""

    id: UUID
    sku: str
    name: str
    price: Decimal


# Read for every order placed: written out once (the ORM's `in_bulk` spent more CPU building
# the query than PostgreSQL spent answering it).
# Columns in SQL, attribute names for `from_db` (as servicekit.db.insert does).
_CATALOGUE_FIELDS = CatalogueEntry._meta.concrete_fields
_CATALOGUE_NAMES = [field.attname for field in _CATALOGUE_FIELDS]
_CATALOGUE_SQL = (
    f"SELECT {', '.join(field.column for field in _CATALOGUE_FIELDS)} "  # noqa: S608 (our own names)
    f"FROM {CatalogueEntry._meta.db_table} WHERE product_id = ANY(%s::uuid[])"
)


def catalogue_entries(*, product_ids: list[UUID]) -> dict[UUID, CatalogueEntry]:
    """Orders' own copy of these products (kept from inventory's events), by id."""
    with connection.cursor() as cursor:
        cursor.execute(_CATALOGUE_SQL, [product_ids])
        entries = [CatalogueEntry.from_db("default", _CATALOGUE_NAMES, row) for row in cursor.fetchall()]
    return {entry.pk: entry for entry in entries}


def order_list(*, user_id) -> QuerySet[Order]:
    return Order.objects.filter(user_id=user_id).prefetch_related("lines")


def order_get(*, user_id, order_id) -> Order:
    # Someone else's order is "not found", not "forbidden": its existence is not disclosed.
    # By primary key, without the list's ordering.
    try:
        return Order.objects.prefetch_related("lines").get(pk=order_id, user_id=user_id)
    except (Order.DoesNotExist, ValidationError):
        raise NotFoundError("No such order.") from None
