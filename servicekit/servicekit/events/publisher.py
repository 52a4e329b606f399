"""Publishing a batch of outbox events to RabbitMQ with one wait for the broker's confirms.

Each event goes out as the Celery task message that consumers' workers run (`events.handle`,
protocol 2, JSON, persistent, to the topic exchange with the event type as routing key), built
here once with Celery's own `as_task_v2` rather than through `send_task`, which would repr the
arguments, fire signals and wait for the broker to confirm each message before sending the next.
The channel is in confirm mode: a batch is published, then this waits until the broker has
confirmed every message of it. A nack, a timeout or a lost connection fails the whole batch,
which then stays unmarked in the outbox and is published again; consumers' inboxes drop copies.
"""

import contextlib
import time

from celery.utils.nodenames import anon_nodename
from kombu import Connection, Exchange, Producer

from .topology import EVENT_TASK, EVENTS_EXCHANGE


class BatchNotConfirmed(Exception):
    """The broker refused, or did not confirm in time, a message of the batch."""


class ConfirmedPublisher:
    def __init__(self, broker_url: str, *, exchange: Exchange = EVENTS_EXCHANGE, confirm_timeout: float = 10.0):
        self.broker_url = broker_url
        self.exchange = exchange
        self.confirm_timeout = confirm_timeout
        self.origin = anon_nodename()
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._sent = 0  # delivery tags are numbered per channel from 1
        self._unconfirmed: set[int] = set()
        self._refused = False

    def _open(self) -> None:
        if self._connection is not None and self._connection.connected:
            return
        self.close()
        # No heartbeats: the relay idles between bursts and nobody would answer them; a
        # broken connection shows at the next publish and the relay reconnects.
        self._connection = Connection(self.broker_url, heartbeat=0, connect_timeout=5)
        channel = self._connection.channel()
        channel.confirm_select()
        channel.events["basic_ack"].add(self._settle)
        channel.events["basic_nack"].add(self._on_nack)
        self._producer = Producer(channel, exchange=self.exchange, serializer="json", auto_declare=False)
        self._sent = 0
        self._unconfirmed.clear()

    def _settle(self, tag: int, multiple: bool) -> None:
        if multiple:
            self._unconfirmed = {t for t in self._unconfirmed if t > tag}
        else:
            self._unconfirmed.discard(tag)

    def _on_nack(self, tag: int, multiple: bool) -> None:
        self._refused = True
        self._settle(tag, multiple)

    def task_message(self, app, envelope: dict):
        """The Celery task message (headers, properties, body) for one event."""
        return app.amqp.as_task_v2(
            envelope["id"],
            EVENT_TASK,
            args=[envelope],
            argsrepr=f"[{envelope['type']} {envelope['id']}]",
            kwargsrepr="{}",
            ignore_result=True,
            origin=self.origin,
        )

    def publish(self, app, envelopes: list[dict]) -> None:
        """Publish every envelope; return once the broker has confirmed them all."""
        self._open()
        self._refused = False
        try:
            for envelope in envelopes:
                message = self.task_message(app, envelope)
                # The trace context rides in the message headers too (and in the envelope).
                headers = {**message.headers, "traceparent": envelope.get("traceparent", "")}
                self._producer.publish(
                    message.body,
                    routing_key=envelope["type"],
                    headers=headers,
                    delivery_mode=2,  # persistent
                    retry=False,
                    **message.properties,
                )
                self._sent += 1
                self._unconfirmed.add(self._sent)
            deadline = time.monotonic() + self.confirm_timeout
            while self._unconfirmed and not self._refused:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise BatchNotConfirmed(f"{len(self._unconfirmed)} of {len(envelopes)} not confirmed in time")
                self._connection.drain_events(timeout=remaining)
        except Exception:
            self.close()  # a fresh connection and channel for the next batch
            raise
        if self._refused:
            self.close()
            raise BatchNotConfirmed("the broker refused a message of the batch")

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # already broken: nothing to close cleanly
                self._connection.close()
        self._connection = None
        self._producer = None
