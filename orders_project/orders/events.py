"""The events orders consumes: inventory's answer to each new order, and its catalogue."""

from servicekit.events.consumer import handles

from . import services


@handles("inventory.stock.reserved")
def confirm_reserved_order(event: dict) -> None:
    services.order_confirm(order_id=event["payload"]["order_id"])


@handles("inventory.stock.reservation_failed")
def reject_unreservable_order(event: dict) -> None:
    services.order_reject(order_id=event["payload"]["order_id"], reasons=event["payload"]["reasons"])


@handles("inventory.product.changed")
def keep_catalogue_copy(event: dict) -> None:
    payload = event["payload"]
    services.catalogue_remember(
        product_id=payload["product_id"],
        sku=payload["sku"],
        name=payload["name"],
        price=payload["price"],
        is_active=payload["is_active"],
        changed_at=payload["updated_at"],
    )
