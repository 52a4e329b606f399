"""The outbox relay against the real broker: a batch goes out, is confirmed, and only then
is marked sent; a batch the broker refuses stays pending, to be published again."""

import uuid

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from kombu import Exchange

from config.celery import app
from servicekit.events.publisher import BatchNotConfirmed, ConfirmedPublisher
from servicekit.events.relay import OutboxRelay
from servicekit.models import OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)
# No queue is bound to this key: the topic exchange drops the messages, but still confirms
# them, so these tests publish without reaching any consumer of the running system.
UNROUTED = "orders.test.unrouted"


def pending_events(count: int) -> list[OutboxEvent]:
    return [
        OutboxEvent.objects.create(
            type=UNROUTED,
            version=1,
            occurred_at=timezone.now(),
            producer="orders",
            correlation_id=f"test-{uuid.uuid4().hex[:8]}",
            payload={"n": n},
        )
        for n in range(count)
    ]


def test_a_batch_is_published_confirmed_and_then_marked_sent():
    events = pending_events(5)
    relay = OutboxRelay(app)
    try:
        assert relay.drain() == 5
    finally:
        relay.publisher.close()
    assert OutboxEvent.objects.filter(pk__in=[e.pk for e in events], published_at__isnull=False).count() == 5


def test_a_batch_the_broker_refuses_stays_pending():
    events = pending_events(3)
    relay = OutboxRelay(app)
    relay.publisher = ConfirmedPublisher(app.conf.broker_url, exchange=Exchange("shop.no-such-exchange", "topic"))
    with pytest.raises(Exception):  # noqa: B017 (the broker's channel error, whatever its class)
        relay.publish_pending()
    # The claim's transaction was rolled back: no row stays locked, the connection is usable.
    assert connection.connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert OutboxEvent.objects.filter(pk__in=[e.pk for e in events], published_at__isnull=True).count() == 3
    relay.publisher = ConfirmedPublisher(app.conf.broker_url)  # the broker is fine again
    try:
        assert relay.drain() == 3
    finally:
        relay.publisher.close()
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()


def test_rows_another_relay_holds_are_skipped_then_published_once_released():
    held, _free = pending_events(2)
    relay = OutboxRelay(app)
    # Another relay, in the middle of its batch: a second connection, made as Django makes one.
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.execute("SELECT id FROM servicekit_outboxevent WHERE id = %s FOR UPDATE", [held.pk])
        assert relay.drain() == 1
        assert list(OutboxEvent.objects.filter(published_at__isnull=True).values_list("pk", flat=True)) == [held.pk]
        other.rollback()  # it died before marking: the row is free again
        assert relay.drain() == 1
    finally:
        other.close()
        relay.publisher.close()
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()


def test_the_publisher_reuses_its_channel_and_counts_confirms_across_batches():
    publisher = ConfirmedPublisher(app.conf.broker_url)
    try:
        for _ in range(3):
            envelopes = [{"id": str(uuid.uuid4()), "type": UNROUTED, "version": 1, "payload": {}} for _ in range(4)]
            publisher.publish(app, envelopes)  # returns only once all four are confirmed
        assert publisher._sent == 12 and not publisher._unconfirmed
    finally:
        publisher.close()


def test_an_unconfirmed_batch_is_an_error():
    publisher = ConfirmedPublisher(app.conf.broker_url, confirm_timeout=0.0)
    envelopes = [{"id": str(uuid.uuid4()), "type": UNROUTED, "version": 1, "payload": {}}]
    with pytest.raises(BatchNotConfirmed):
        publisher.publish(app, envelopes)
    assert publisher._connection is None  # the next batch starts on a fresh connection


class RecordingPublisher(ConfirmedPublisher):
    """The real publisher, noting what it was given."""

    published: list

    def publish(self, app, envelopes):
        self.published = envelopes
        super().publish(app, envelopes)


def test_the_envelope_published_is_the_outbox_row_as_written():
    (event,) = pending_events(1)
    OutboxEvent.objects.filter(pk=event.pk).update(traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01")
    event.refresh_from_db()
    relay = OutboxRelay(app)
    relay.publisher = RecordingPublisher(app.conf.broker_url)
    try:
        assert relay.publish_pending() == 1
    finally:
        relay.publisher.close()
    assert relay.publisher.published == [
        {
            "id": str(event.pk),
            "type": UNROUTED,
            "version": 1,
            "occurred_at": event.occurred_at.isoformat(),
            "producer": "orders",
            "correlation_id": event.correlation_id,
            "traceparent": event.traceparent,
            "payload": {"n": 0},
        }
    ]
