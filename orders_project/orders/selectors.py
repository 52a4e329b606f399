"""Reads of the orders service: a caller sees only their own orders."""

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
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


def catalogue_entries(*, product_ids: list[UUID]) -> dict[UUID, CatalogueEntry]:
    """Orders' own copy of these products (kept from inventory's events), by id."""
    return CatalogueEntry.objects.in_bulk(product_ids)


def order_list(*, user_id) -> QuerySet[Order]:
    return Order.objects.filter(user_id=user_id).prefetch_related("lines")


def order_get(*, user_id, order_id) -> Order:
    # Someone else's order is "not found", not "forbidden": its existence is not disclosed.
    # By primary key, without the list's ordering.
    try:
        return Order.objects.prefetch_related("lines").get(pk=order_id, user_id=user_id)
    except (Order.DoesNotExist, ValidationError):
        raise NotFoundError("No such order.") from None
