"""Consuming events: one handler per event type, applied once per event.

Each consuming service has one Celery task, `events.handle`, bound to its own queue. It
checks the event against its contract and runs the handler in one transaction together
with an inbox row (consumer, event id), so a redelivered event changes nothing. Messages
are acknowledged after that transaction commits (acks_late; a worker that dies mid-way has
its message redelivered). A failing handler is retried with exponential backoff and jitter
on the service's own retry route; after `EVENT_MAX_RETRIES`, or at once for an event that
breaks its contract, the message is rejected into the dead-letter queue and recorded. A
database that cannot be reached is not the event's fault: such an event is retried for as long
as the outage lasts (backoff capped at `OUTAGE_RETRY_MAX_SECONDS`), never dead-lettered.

A handler belongs to a lane: `events` (the default: quick, one transaction with the inbox
row) or `cpu` (CPU-heavy jobs on their own queue and worker, `<service>.cpu`). A `cpu` handler
runs outside any transaction and without the inbox: it is a long job that commits its own
progress as it goes and is idempotent by it (a redelivered job resumes, a finished one is a
no-op), so that a worker killed mid-job loses only the batch it was in.
"""

import logging
import random
import time
from collections.abc import Callable
from contextlib import contextmanager

from celery.exceptions import Reject
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction

from .. import metrics, tracing
from ..request_id import _current as _request_id
from .contracts import ContractViolation, contract_for
from .topology import CPU_LANE, EVENT_TASK, EVENTS_EXCHANGE, EVENTS_LANE, LANES, retry_routing_key

logger = logging.getLogger(__name__)
_handlers: dict[str, Callable[[dict], None]] = {}
_lanes: dict[str, str] = {}  # event type -> lane
OUTAGE_ERRORS = (OperationalError, InterfaceError)  # the database is down, restarting or cut off
OUTAGE_RETRY_MAX_SECONDS = 5.0


class PermanentEventError(Exception):
    """Retrying cannot help (the event itself is wrong): dead-letter it at once."""


def handles(event_type: str, *, lane: str = EVENTS_LANE):
    """Register the decorated function as this service's handler of `event_type`."""
    if lane not in LANES:
        raise ValueError(f"unknown lane {lane!r}; one of {LANES}")

    def register(handler: Callable[[dict], None]):
        if event_type in _handlers and _handlers[event_type] is not handler:
            raise RuntimeError(f"{event_type} already has a handler: {_handlers[event_type].__qualname__}")
        _handlers[event_type] = handler
        _lanes[event_type] = lane
        return handler

    return register


def handled_types(lane: str = EVENTS_LANE) -> list[str]:
    return sorted(event_type for event_type in _handlers if _lanes[event_type] == lane)


def handled_lanes() -> dict[str, list[str]]:
    return {lane: handled_types(lane) for lane in LANES}


def lane_of(event_type: str) -> str:
    return _lanes.get(event_type, EVENTS_LANE)


@contextmanager
def _correlated(correlation_id: str):
    # Log lines and the events a handler emits carry the id of the request that started it all.
    token = _request_id.set(correlation_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def apply_event(envelope: dict) -> bool:
    """Run the handler for this event once. Returns False when it was already applied."""
    from ..models import InboxEvent  # the Celery app is built before Django's models load

    event_type = envelope.get("type", "")
    contract_for(event_type, envelope.get("version", 0)).check(envelope.get("payload", {}))
    handler = _handlers.get(event_type)
    if handler is None:
        logger.warning("no handler for %s; dropped", event_type)
        return False
    if _lanes[event_type] == CPU_LANE:  # a job: its own transactions, idempotent by its progress
        with _correlated(envelope.get("correlation_id") or "-"), _event_span(envelope):
            started = time.perf_counter()
            handler(envelope)
        metrics.CPU_JOB_SECONDS.labels(event_type).observe(time.perf_counter() - started)
        return True
    consumer = f"{handler.__module__}.{handler.__qualname__}"
    with _correlated(envelope.get("correlation_id") or "-"), _event_span(envelope), transaction.atomic():
        if not _inbox_claim(InboxEvent, consumer=consumer, event_id=envelope["id"], event_type=event_type):
            logger.info("%s %s already applied; skipped", event_type, envelope["id"])
            metrics.INBOX_DUPLICATES.labels(event_type).inc()
            return False
        handler(envelope)
    metrics.EVENTS_HANDLED.labels(event_type).inc()
    return True


def _event_span(envelope: dict):
    """The handler's span, continuing the trace of the request that caused the event."""
    return tracing.span(
        f"handle {envelope.get('type', '?')}",
        traceparent=envelope.get("traceparent", ""),
        kind=tracing.trace.SpanKind.CONSUMER,
        **{
            "event.id": envelope.get("id", ""),
            "event.type": envelope.get("type", ""),
            "event.producer": envelope.get("producer", ""),
            "request_id": envelope.get("correlation_id", ""),
            **{f"payload.{key}": value for key, value in _ids(envelope.get("payload", {})).items()},
        },
    )


def _ids(payload: dict) -> dict:
    """The payload's ids (order_id, product_id, user_id...): what a trace is searched by."""
    return {key: str(value) for key, value in payload.items() if key.endswith("_id") and isinstance(value, str | int)}


def _inbox_claim(inbox, *, consumer: str, event_id: str, event_type: str) -> bool:
    """Record the event in the inbox; False if this consumer already has it. One statement
    (ON CONFLICT DO NOTHING) where a savepoint, an insert and a release took three round trips;
    a concurrent copy of the event waits on the unique index until this transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {inbox._meta.db_table} (consumer, event_id, event_type, processed_at) "  # noqa: S608
            "VALUES (%s, %s, %s, now()) ON CONFLICT (consumer, event_id) DO NOTHING RETURNING 1",
            [consumer, event_id, event_type],
        )
        return cursor.fetchone() is not None


def retry_delay(attempt: int) -> float:
    """Exponential backoff with jitter: base * 2^attempt up to a ceiling, scaled by a random 50-100 %."""
    backoff = min(settings.EVENT_RETRY_BASE_SECONDS * 2 ** min(attempt, 16), settings.EVENT_RETRY_MAX_SECONDS)
    return backoff * random.uniform(0.5, 1.0)  # noqa: S311


def give_up(envelope: dict, error: Exception, attempts: int) -> Reject:
    """Record the dead letter and return the rejection that sends the message to the
    dead-letter queue. The message goes there even if the record cannot be written."""
    from ..models import DeadLetter

    logger.error(
        "dead-lettering %s %s after %d attempts: %s", envelope.get("type"), envelope.get("id"), attempts, error
    )
    metrics.DEAD_LETTERED.labels(envelope.get("type", "?")).inc()
    try:
        DeadLetter.objects.create(
            event_id=envelope.get("id"),
            event_type=envelope.get("type", "?"),
            envelope=envelope,
            error=f"{type(error).__name__}: {error}",
            attempts=attempts,
        )
    except Exception:
        logger.exception("could not record the dead letter; it is still in the dead-letter queue")
    return Reject(str(error), requeue=False)


def register_event_task(app):
    """Define `events.handle` on this service's Celery app."""

    @app.task(name=EVENT_TASK, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
    def handle(task, envelope: dict):
        attempts = task.request.retries + 1
        try:
            apply_event(envelope)
        except (ContractViolation, PermanentEventError) as exc:
            raise give_up(envelope, exc, attempts) from exc
        except Exception as exc:
            outage = isinstance(exc, OUTAGE_ERRORS)
            if attempts > settings.EVENT_MAX_RETRIES and not outage:
                raise give_up(envelope, exc, attempts) from exc
            logger.warning("%s %s failed (attempt %d): %s", envelope.get("type"), envelope.get("id"), attempts, exc)
            if outage:
                connection.close()  # a broken connection is not reused; the next attempt opens one
            delay = retry_delay(task.request.retries)
            raise task.retry(
                exc=exc,
                countdown=min(delay, OUTAGE_RETRY_MAX_SECONDS) if outage else delay,
                exchange=EVENTS_EXCHANGE.name,
                routing_key=retry_routing_key(settings.SERVICE_NAME, lane_of(envelope.get("type", ""))),
            ) from exc

    return handle
