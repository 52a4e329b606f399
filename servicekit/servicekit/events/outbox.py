"""The transactional outbox: an event is a row written with the change it announces."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import OutboxEvent
from ..request_id import current_request_id
from ..tracing import current_traceparent, record
from .contracts import LATEST, contract_for

# The PostgreSQL NOTIFY channel that wakes a service's relays. NOTIFY is per database and each
# service has its own, so one name serves every service. A trigger on the outbox table sends
# it (migration 0002): no extra round trip per event, and, NOTIFY being transactional, the
# relay is woken exactly when the rows become visible.
OUTBOX_CHANNEL = "servicekit_outbox"


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
        traceparent=current_traceparent(),
        payload=payload,
    )
    record(f"publish {event_type}", **{"event.id": event.pk})
    return event
