"""Plumbing tables every service has: the outbox (events to publish), the inbox (events
already applied) and the dead letters (events a consumer gave up on)."""

import uuid

from django.db import models
from django.db.models import Q


class OutboxEvent(models.Model):
    """An event written in the same transaction as the change it announces; the relay
    publishes it after commit and marks it sent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, help_text="The event id.")
    type = models.CharField(max_length=100)
    version = models.PositiveSmallIntegerField()
    occurred_at = models.DateTimeField()
    producer = models.CharField(max_length=50)
    correlation_id = models.CharField(max_length=128)
    # The W3C trace context of the span that wrote it: the consumer's span continues it.
    traceparent = models.CharField(max_length=60, blank=True, default="")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(published_at__isnull=True), name="outbox_pending_idx"),
            models.Index(fields=["published_at"], name="outbox_published_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


# What an event carries on the wire, in this order: the relay reads these columns of the outbox
# straight from its claim statement and builds the envelopes from the rows (model instances were
# a quarter of its CPU).
ENVELOPE_FIELDS = ("id", "type", "version", "occurred_at", "producer", "correlation_id", "traceparent", "payload")


def envelope_of(event_id, event_type, version, occurred_at, producer, correlation_id, traceparent, payload) -> dict:
    return {
        "id": str(event_id),
        "type": event_type,
        "version": version,
        "occurred_at": occurred_at.isoformat(),
        "producer": producer,
        "correlation_id": correlation_id,
        "traceparent": traceparent,
        "payload": payload,
    }


class InboxEvent(models.Model):
    """(consumer, event id) recorded in the same transaction as the consumer's effect: a
    redelivered event finds its row and changes nothing."""

    id = models.BigAutoField(primary_key=True)
    consumer = models.CharField(max_length=150)
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=100)
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-processed_at"]
        constraints = [models.UniqueConstraint(fields=["consumer", "event_id"], name="inbox_once_per_consumer")]

    def __str__(self) -> str:
        return f"{self.consumer} <- {self.event_type} {self.event_id}"


class DeadLetter(models.Model):
    """An event this service's consumer gave up on (also in RabbitMQ's dead-letter queue),
    kept for the operator to inspect and replay once the cause is fixed."""

    id = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(db_index=True)
    event_type = models.CharField(max_length=100)
    envelope = models.JSONField()
    error = models.TextField()
    attempts = models.PositiveIntegerField()
    failed_at = models.DateTimeField(auto_now_add=True)
    replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-failed_at"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
