"""Reads of the notifications service: a caller sees only their own notifications."""

from django.db import connection
from django.db.models import QuerySet

from servicekit.errors import NotFoundError

from .models import Notification, Recipient

# Asked once per event that tells a user something: written out once (building it through the
# ORM cost more CPU than PostgreSQL spent answering it).
_RECIPIENT_EMAIL_SQL = f"SELECT email FROM {Recipient._meta.db_table} WHERE user_id = %s"  # noqa: S608 (our own name)


def recipient_email(*, user_id) -> str | None:
    """The address auth told us of for this user; None while their registration has not arrived."""
    with connection.cursor() as cursor:
        cursor.execute(_RECIPIENT_EMAIL_SQL, [user_id])
        row = cursor.fetchone()
    return row[0] if row else None


def notification_list(*, user_id, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(user_id=user_id)
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def notification_get(*, user_id, notification_id) -> Notification:
    notification = notification_list(user_id=user_id).filter(pk=notification_id).first()
    if notification is None:
        raise NotFoundError("No such notification.")
    return notification
