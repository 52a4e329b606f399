"""The events orders consumes: inventory's answer to each new order."""

from servicekit.events.consumer import handles

from . import services


@handles("inventory.stock.reserved")
def confirm_reserved_order(event: dict) -> None:
    services.order_confirm(order_id=event["payload"]["order_id"])


@handles("inventory.stock.reservation_failed")
def reject_unreservable_order(event: dict) -> None:
    services.order_reject(order_id=event["payload"]["order_id"], reasons=event["payload"]["reasons"])
