"""Writes of the notifications service, and what each notification says."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from servicekit import tracing
from servicekit.db.insert import insert
from servicekit.errors import NotFoundError
from servicekit.events.contracts import ReservationFailure

from .models import Notification, Recipient
from .selectors import recipient_email

logger = logging.getLogger(__name__)


class RecipientUnknown(Exception):
    """The user's registration has not reached us yet (events from different producers may
    arrive in any order): retrying later is the cure."""


SUBJECTS = {
    Notification.Kind.WELCOME: "Welcome to the shop",
    Notification.Kind.ORDER_CONFIRMED: "Your order is confirmed",
    Notification.Kind.ORDER_REJECTED: "We could not accept your order",
    Notification.Kind.ORDER_CANCELLED: "Your order is cancelled",
    Notification.Kind.ANNOUNCEMENT: "News from the shop",
}


def notification_create(*, user_id, kind: str, message: str, data: dict | None = None, email: str = "") -> Notification:
    """Record a notification and, when an address is given, e-mail a copy once it is stored."""
    # One per event handled: written by servicekit's insert, whose statement is built once.
    (notification,) = insert(
        Notification(user_id=user_id, kind=kind, message=message, data=data or {}, emailed_to=email)
    )
    tracing.annotate(**{"notification.id": notification.pk, "notification.kind": kind})
    if email:
        transaction.on_commit(lambda: _send_email(notification))
    return notification


def _send_email(notification: Notification) -> None:
    with tracing.span(
        "send e-mail", **{"notification.id": str(notification.pk), "notification.kind": notification.kind}
    ):
        send_mail(
            subject=SUBJECTS.get(notification.kind, "A message from the shop"),
            message=notification.message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.emailed_to],
        )
    logger.info("e-mailed the %s notification %s", notification.kind, notification.pk)


def notification_mark_read(*, notification_id, user_id) -> Notification:
    # Marking twice is harmless: the first read time is kept.
    Notification.objects.filter(pk=notification_id, user_id=user_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification = Notification.objects.filter(pk=notification_id, user_id=user_id).first()
    if notification is None:
        raise NotFoundError("No such notification.")
    return notification


def recipient_remember(*, user_id, email: str, full_name: str) -> Recipient:
    recipient, _ = Recipient.objects.update_or_create(
        user_id=user_id, defaults={"email": email, "full_name": full_name}
    )
    return recipient


def notification_send(*, user_id, kind: str, message: str, data: dict | None = None) -> Notification:
    """An in-app notification plus an e-mail to the address auth told us about."""
    email = recipient_email(user_id=user_id)
    if email is None:
        raise RecipientUnknown(f"no recipient known for user {user_id}")
    return notification_create(user_id=user_id, kind=kind, message=message, data=data, email=email)


# What the shop tells a user when something happens to them (the event handlers only adapt).
REASONS = {
    ReservationFailure.INSUFFICIENT_STOCK: "not enough in stock",
    ReservationFailure.UNKNOWN_PRODUCT: "no longer sold",
}


def _short(order_id: str) -> str:
    return order_id.split("-")[0]


@transaction.atomic
def user_welcome(*, user_id, email: str, full_name: str) -> Notification:
    """Remember a new user's address and welcome them."""
    recipient_remember(user_id=user_id, email=email, full_name=full_name)
    return notification_send(
        user_id=user_id, kind=Notification.Kind.WELCOME, message=f"Welcome to the shop, {full_name or email}!"
    )


def order_confirmation_send(*, user_id, order_id: str, total: str) -> Notification:
    return notification_send(
        user_id=user_id,
        kind=Notification.Kind.ORDER_CONFIRMED,
        message=f"Your order {_short(order_id)} is confirmed. Total: {total}.",
        data={"order_id": order_id, "total": total},
    )


def order_rejection_send(*, user_id, order_id: str, reasons: list[dict]) -> Notification:
    why = "; ".join(REASONS.get(r.get("reason"), r.get("reason", "?")) for r in reasons)
    return notification_send(
        user_id=user_id,
        kind=Notification.Kind.ORDER_REJECTED,
        message=f"We could not accept your order {_short(order_id)}: {why}.",
        data={"order_id": order_id, "reasons": reasons},
    )


def order_cancellation_send(*, user_id, order_id: str, released: list[dict]) -> Notification:
    return notification_send(
        user_id=user_id,
        kind=Notification.Kind.ORDER_CANCELLED,
        message=f"Your order {_short(order_id)} is cancelled.",
        data={"order_id": order_id, "released": released},
    )
