"""The events notifications consumes: thin adapters to the services that tell users."""

from servicekit.events.consumer import handles

from . import services


@handles("auth.user.registered")
def welcome_new_user(event: dict) -> None:
    payload = event["payload"]
    services.user_welcome(user_id=payload["user_id"], email=payload["email"], full_name=payload["full_name"])


@handles("auth.user.changed")
def remember_changed_user(event: dict) -> None:
    payload = event["payload"]
    services.recipient_remember(user_id=payload["user_id"], email=payload["email"], full_name=payload["full_name"])


@handles("orders.order.confirmed")
def tell_order_confirmed(event: dict) -> None:
    payload = event["payload"]
    services.order_confirmation_send(user_id=payload["user_id"], order_id=payload["order_id"], total=payload["total"])


@handles("orders.order.rejected")
def tell_order_rejected(event: dict) -> None:
    payload = event["payload"]
    services.order_rejection_send(user_id=payload["user_id"], order_id=payload["order_id"], reasons=payload["reasons"])


@handles("inventory.stock.released")
def tell_order_cancelled(event: dict) -> None:
    payload = event["payload"]
    services.order_cancellation_send(
        user_id=payload["user_id"], order_id=payload["order_id"], released=payload["lines"]
    )
