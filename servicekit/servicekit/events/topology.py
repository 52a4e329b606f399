"""Where events travel in RabbitMQ (vhost `shop`).

- `shop.events`: one durable topic exchange; the routing key is the event type.
- `<service>.events`: each consuming service's own durable queue, bound to the types it
  handles (and to `<service>.events.retry`, the route of its own retries and replays, so a
  retry never reaches another service). Producers never know their consumers.
- `<service>.cpu`: a service's second lane, for CPU-heavy jobs started by its own events
  (product images, bulk imports): bound to those types only, and consumed by a worker of its
  own, so events never wait behind a job (a bulkhead).
- `shop.dlx` → `<service>.events.dead`: where a message of either lane goes when its
  consumer gives up.

Queues are declared at provisioning time, before any producer publishes: a topic exchange
silently drops an event that no queue matches. Durable classic queues, persistent messages.
"""

from kombu import Exchange, Queue, binding

EVENTS_EXCHANGE = Exchange("shop.events", type="topic", durable=True)
DEAD_LETTER_EXCHANGE = Exchange("shop.dlx", type="direct", durable=True)
EVENT_TASK = "events.handle"


EVENTS_LANE, CPU_LANE = "events", "cpu"
LANES = (EVENTS_LANE, CPU_LANE)


def queue_name(service: str, lane: str = EVENTS_LANE) -> str:
    return f"{service}.{lane}"


def retry_routing_key(service: str, lane: str = EVENTS_LANE) -> str:
    return f"{service}.{lane}.retry"


def consumer_queue(service: str, event_types: list[str], lane: str = EVENTS_LANE) -> Queue:
    keys = [*event_types, retry_routing_key(service, lane)]
    return Queue(
        queue_name(service, lane),
        bindings=[binding(EVENTS_EXCHANGE, routing_key=key) for key in keys],
        durable=True,
        queue_arguments={
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE.name,
            "x-dead-letter-routing-key": queue_name(service),  # one dead-letter queue per service
        },
    )


def dead_letter_queue(service: str) -> Queue:
    name = queue_name(service)
    return Queue(f"{name}.dead", exchange=DEAD_LETTER_EXCHANGE, routing_key=name, durable=True)


def declare(connection, service: str, lanes: dict[str, list[str]]) -> None:
    """Declare the exchanges and, for a consumer, its lanes' queues and bindings and its
    dead-letter queue. `lanes` maps a lane to the event types it handles."""
    channel = connection.default_channel
    EVENTS_EXCHANGE(channel).declare()
    if any(lanes.values()):
        DEAD_LETTER_EXCHANGE(channel).declare()
        for lane, event_types in lanes.items():
            if event_types:
                consumer_queue(service, event_types, lane)(channel).declare()
        dead_letter_queue(service)(channel).declare()
