"""Reads of the notifications service: a caller sees only their own notifications."""

from django.db.models import QuerySet

from servicekit.errors import NotFoundError

from .models import Notification


def notification_list(*, user_id, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(user_id=user_id)
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def notification_get(*, user_id, notification_id) -> Notification:
    notification = notification_list(user_id=user_id).filter(pk=notification_id).first()
    if notification is None:
        raise NotFoundError("No such notification.")
    return notification
