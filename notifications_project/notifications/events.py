"""The events notifications consumes, and what each one tells the user."""

from servicekit.events.consumer import handles
from servicekit.events.contracts import ReservationFailure

from . import services
from .models import Notification

REASONS = {
    ReservationFailure.INSUFFICIENT_STOCK: "not enough in stock",
    ReservationFailure.UNKNOWN_PRODUCT: "no longer sold",
}


def _short(order_id: str) -> str:
    return order_id.split("-")[0]


@handles("auth.user.registered")
def welcome_new_user(event: dict) -> None:
    payload = event["payload"]
    services.recipient_remember(user_id=payload["user_id"], email=payload["email"], full_name=payload["full_name"])
    name = payload["full_name"] or payload["email"]
    services.notification_send(
        user_id=payload["user_id"], kind=Notification.Kind.WELCOME, message=f"Welcome to the shop, {name}!"
    )


@handles("auth.user.changed")
def remember_changed_user(event: dict) -> None:
    payload = event["payload"]
    services.recipient_remember(user_id=payload["user_id"], email=payload["email"], full_name=payload["full_name"])


@handles("orders.order.confirmed")
def tell_order_confirmed(event: dict) -> None:
    payload = event["payload"]
    services.notification_send(
        user_id=payload["user_id"],
        kind=Notification.Kind.ORDER_CONFIRMED,
        message=f"Your order {_short(payload['order_id'])} is confirmed. Total: {payload['total']}.",
        data={"order_id": payload["order_id"], "total": payload["total"]},
    )


@handles("orders.order.rejected")
def tell_order_rejected(event: dict) -> None:
    payload = event["payload"]
    why = "; ".join(REASONS.get(r.get("reason"), r.get("reason", "?")) for r in payload["reasons"])
    services.notification_send(
        user_id=payload["user_id"],
        kind=Notification.Kind.ORDER_REJECTED,
        message=f"We could not accept your order {_short(payload['order_id'])}: {why}.",
        data={"order_id": payload["order_id"], "reasons": payload["reasons"]},
    )


@handles("inventory.stock.released")
def tell_order_cancelled(event: dict) -> None:
    payload = event["payload"]
    services.notification_send(
        user_id=payload["user_id"],
        kind=Notification.Kind.ORDER_CANCELLED,
        message=f"Your order {_short(payload['order_id'])} is cancelled.",
        data={"order_id": payload["order_id"], "released": payload["lines"]},
    )
