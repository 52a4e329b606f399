"""Reads of the orders service: a caller sees only their own orders."""

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound

from .models import Order


def order_list(*, user_id) -> QuerySet[Order]:
    return Order.objects.filter(user_id=user_id).prefetch_related("lines")


def order_get(*, user_id, order_id) -> Order:
    # Someone else's order is "not found", not "forbidden": its existence is not disclosed.
    order = order_list(user_id=user_id).filter(pk=order_id).first()
    if order is None:
        raise NotFound("No such order.")
    return order
