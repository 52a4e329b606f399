"""Where events travel in RabbitMQ (vhost `shop`).

- `shop.events`: one durable topic exchange; the routing key is the event type.
- `<service>.events`: each consuming service's own durable queue, bound to the types it
  handles (and to `<service>.events.retry`, the route of its own retries and replays, so a
  retry never reaches another service). Producers never know their consumers.
- `shop.dlx` → `<service>.events.dead`: where a message goes when its consumer gives up.

Queues are declared at provisioning time, before any producer publishes: a topic exchange
silently drops an event that no queue matches. Durable classic queues, persistent messages.
"""

from kombu import Exchange, Queue, binding

EVENTS_EXCHANGE = Exchange("shop.events", type="topic", durable=True)
DEAD_LETTER_EXCHANGE = Exchange("shop.dlx", type="direct", durable=True)
EVENT_TASK = "events.handle"


def queue_name(service: str) -> str:
    return f"{service}.events"


def retry_routing_key(service: str) -> str:
    return f"{service}.events.retry"


def consumer_queue(service: str, event_types: list[str]) -> Queue:
    name = queue_name(service)
    keys = [*event_types, retry_routing_key(service)]
    return Queue(
        name,
        bindings=[binding(EVENTS_EXCHANGE, routing_key=key) for key in keys],
        durable=True,
        queue_arguments={"x-dead-letter-exchange": DEAD_LETTER_EXCHANGE.name, "x-dead-letter-routing-key": name},
    )


def dead_letter_queue(service: str) -> Queue:
    name = queue_name(service)
    return Queue(f"{name}.dead", exchange=DEAD_LETTER_EXCHANGE, routing_key=name, durable=True)


def declare(connection, service: str, event_types: list[str]) -> None:
    """Declare the exchanges and, for a consumer, its queue, bindings and dead-letter queue."""
    channel = connection.default_channel
    EVENTS_EXCHANGE(channel).declare()
    if event_types:
        DEAD_LETTER_EXCHANGE(channel).declare()
        consumer_queue(service, event_types)(channel).declare()
        dead_letter_queue(service)(channel).declare()
