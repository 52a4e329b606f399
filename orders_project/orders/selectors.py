"""Reads of the orders service: a caller sees only their own orders."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from servicekit.errors import NotFoundError

from .models import Order


def order_list(*, user_id) -> QuerySet[Order]:
    return Order.objects.filter(user_id=user_id).prefetch_related("lines")


def order_get(*, user_id, order_id) -> Order:
    # Someone else's order is "not found", not "forbidden": its existence is not disclosed.
    # By primary key, without the list's ordering.
    try:
        return Order.objects.prefetch_related("lines").get(pk=order_id, user_id=user_id)
    except (Order.DoesNotExist, ValidationError):
        raise NotFoundError("No such order.") from None
