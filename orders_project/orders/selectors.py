"""Reads of the orders service: a caller sees only their own orders."""

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet

from servicekit.db import rows
from servicekit.errors import NotFoundError

from .models import CatalogueEntry, Order, OrderLine


@dataclass(frozen=True)
class ProductSnapshot:
    """A product as orders sells it: copied into the order line, never looked up again."""

    id: UUID
    sku: str
    name: str
    price: Decimal


# Read for every order placed: written out once (the ORM's `in_bulk` spent more CPU building
# the query than PostgreSQL spent answering it).
_CATALOGUE_SQL = (
    f'SELECT {rows.columns(CatalogueEntry)} FROM "{CatalogueEntry._meta.db_table}" '  # noqa: S608 (our own names)
    "WHERE product_id = ANY(%s::uuid[])"
)


def catalogue_entries(*, product_ids: list[UUID]) -> dict[UUID, CatalogueEntry]:
    """Orders' own copy of these products (kept from inventory's events), by id."""
    with connection.cursor() as cursor:
        cursor.execute(_CATALOGUE_SQL, [product_ids])
        entries = [rows.instance(CatalogueEntry, row) for row in cursor.fetchall()]
    return {entry.pk: entry for entry in entries}


def order_list(*, user_id) -> QuerySet[Order]:
    return Order.objects.filter(user_id=user_id).prefetch_related("lines")


# An order page: the order with its lines in one statement, written out once (the ORM's
# `prefetch_related("lines")` compiled two queries for it). The caller's id is in the WHERE:
# someone else's order is "not found", not "forbidden", so its existence is not disclosed.
_ORDER_SQL = (
    f"SELECT {rows.columns(Order, 'o')}, {rows.columns(OrderLine, 'l')} "  # noqa: S608 (our own names)
    f'FROM "{Order._meta.db_table}" o '
    f'LEFT JOIN "{OrderLine._meta.db_table}" l ON l."{OrderLine._meta.get_field("order").column}" = o."id" '
    'WHERE o."id" = %s AND o."user_id" = %s ORDER BY l."id"'
)


def order_get(*, user_id, order_id) -> Order:
    try:  # as the ORM converts a lookup's values
        order_id, user_id = Order._meta.pk.to_python(order_id), Order._meta.get_field("user_id").to_python(user_id)
    except ValidationError:
        raise NotFoundError("No such order.") from None
    with connection.cursor() as cursor:
        cursor.execute(_ORDER_SQL, [order_id, user_id])
        found = cursor.fetchall()
    if not found:
        raise NotFoundError("No such order.")
    order = rows.instance(Order, found[0])
    lines = [line for row in found if (line := rows.instance(OrderLine, row, rows.width(Order))) is not None]
    for line in lines:
        OrderLine.order.field.set_cached_value(line, order)
    rows.set_prefetched(order, "lines", lines)
    return order
