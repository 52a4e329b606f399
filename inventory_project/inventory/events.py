"""The events inventory consumes: orders to reserve stock for, and cancellations."""

from servicekit.events.consumer import handles

from . import services


@handles("orders.order.created")
def reserve_stock_for_order(event: dict) -> None:
    payload = event["payload"]
    services.stock_reserve(order_id=payload["order_id"], lines=payload["lines"])


@handles("orders.order.cancelled")
def release_stock_of_cancelled_order(event: dict) -> None:
    payload = event["payload"]
    services.stock_release(order_id=payload["order_id"], user_id=payload["user_id"])
