"""Dead letters: list them, and replay one once its cause is fixed.

A replay takes the message out of RabbitMQ's dead-letter queue and sends the recorded event
again on the service's own retry route of the event's lane (no other consumer sees it), with
a fresh retry budget. The inbox still guards against applying it twice.
"""

from django.conf import settings
from django.utils import timezone

from ..models import DeadLetter
from .consumer import lane_of
from .topology import EVENT_TASK, EVENTS_EXCHANGE, dead_letter_queue, retry_routing_key


def dead_letter_queue_depth(app) -> int:
    with app.connection_for_read() as conn:
        queue = dead_letter_queue(settings.SERVICE_NAME)(conn.default_channel)
        return queue.queue_declare(passive=True).message_count


def _take_from_queue(app, event_id: str) -> int:
    """Remove the messages of `event_id` from the dead-letter queue; leave the others."""
    taken, keep = 0, []
    with app.connection_for_read() as conn:
        queue = dead_letter_queue(settings.SERVICE_NAME)(conn.default_channel)
        for _ in range(queue.queue_declare(passive=True).message_count):
            message = queue.get(no_ack=False)
            if message is None:
                break
            if message.headers.get("id") == event_id:
                message.ack()
                taken += 1
            else:
                keep.append(message)
        for message in keep:
            message.requeue()
    return taken


def dead_letter_replay(app, dead_letter: DeadLetter) -> None:
    _take_from_queue(app, str(dead_letter.event_id))
    app.send_task(
        EVENT_TASK,
        args=[dead_letter.envelope],
        task_id=str(dead_letter.event_id),
        exchange=EVENTS_EXCHANGE.name,
        routing_key=retry_routing_key(settings.SERVICE_NAME, lane_of(dead_letter.event_type)),
    )
    dead_letter.replayed_at = timezone.now()
    dead_letter.save(update_fields=["replayed_at"])
