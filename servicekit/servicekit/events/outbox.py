"""The transactional outbox: an event is a row written with the change it announces."""

import json
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..models import OutboxEvent
from ..request_id import current_request_id
from ..tracing import current_traceparent, record
from .contracts import LATEST, contract_for

# Every event of every producer is this one statement, written out once: building it through
# the ORM (`OutboxEvent.objects.create`) cost more CPU than the rest of a small handler. Its
# text never changes, so PostgreSQL also prepares it once per connection.
_INSERT_SQL = (
    f"INSERT INTO {OutboxEvent._meta.db_table} "  # noqa: S608 (our own table name)
    "(id, type, version, occurred_at, producer, correlation_id, traceparent, payload, created_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s::jsonb, clock_timestamp())"  # ordered as written
)


def publish_event(event_type: str, payload: dict, *, version: int | None = None) -> uuid.UUID:
    """Record an event to be published once the current transaction commits; returns its id.

    Must run inside the transaction of the state change (the event is published if and only
    if the change commits). The payload is checked against its contract here, so a bad event
    fails the producer's request instead of a consumer far away.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("publish_event must run inside the transaction of the change it announces")
    version = version or LATEST[event_type]
    contract_for(event_type, version).check(payload)
    event_id = uuid.uuid4()
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_SQL,
            [
                event_id,
                event_type,
                version,
                timezone.now(),
                settings.SERVICE_NAME,
                current_request_id(),
                current_traceparent(),
                json.dumps(payload),
            ],
        )
    record(f"publish {event_type}", **{"event.id": event_id})
    return event_id
