"""The transactional outbox: an event is a row written with the change it announces."""

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..models import OutboxEvent
from ..request_id import current_request_id
from .contracts import LATEST, contract_for


def outbox_channel(service: str) -> str:
    """The PostgreSQL NOTIFY channel that wakes the service's relays."""
    return f"outbox_{service}"


def publish_event(event_type: str, payload: dict, *, version: int | None = None) -> OutboxEvent:
    """Record an event to be published once the current transaction commits.

    Must run inside the transaction of the state change (the event is published if and only
    if the change commits). The payload is checked against its contract here, so a bad event
    fails the producer's request instead of a consumer far away.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("publish_event must run inside the transaction of the change it announces")
    version = version or LATEST[event_type]
    contract_for(event_type, version).check(payload)
    event = OutboxEvent.objects.create(
        type=event_type,
        version=version,
        occurred_at=timezone.now(),
        producer=settings.SERVICE_NAME,
        correlation_id=current_request_id(),
        payload=payload,
    )
    # NOTIFY is transactional: the relay is woken exactly when the row becomes visible.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, '')", [outbox_channel(settings.SERVICE_NAME)])
    return event
