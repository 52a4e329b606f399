"""The event worker acknowledges a message as soon as its handler is done (servicekit's consumer).

With the solo pool the handler runs on the event loop's own thread; Celery would hand the
acknowledgement back to that loop, which sends it only after its next poll of the sockets,
and that poll waits for the broker, which waits for the acknowledgement (up to a second per
round). These check the two sides on a real kombu event loop: an acknowledgement made on the
loop's thread is sent before the call returns, one made on a pool thread is left to the loop.
"""

import threading

from kombu.asynchronous import Hub

from servicekit.celery_consumer import PromptlyReconnectingConsumer


def _consumer_on(hub: Hub) -> PromptlyReconnectingConsumer:
    consumer = PromptlyReconnectingConsumer.__new__(PromptlyReconnectingConsumer)  # only its hub is used
    consumer.hub = hub
    return consumer


def test_an_ack_made_on_the_loops_own_thread_is_sent_at_once():
    hub, sent = Hub(), []
    _consumer_on(hub).call_soon_ack(sent.append, "ack 1")
    assert sent == ["ack 1"]
    hub.run_once()  # and not a second time by the loop
    assert sent == ["ack 1"]


def test_an_ack_made_on_a_pool_thread_is_left_to_the_loop_that_owns_the_connection():
    hub, sent = Hub(), []
    pool_thread = threading.Thread(target=_consumer_on(hub).call_soon_ack, args=(sent.append, "ack 2"))
    pool_thread.start()
    pool_thread.join()
    assert sent == []  # not written from the pool's thread
    hub.run_once()
    assert sent == ["ack 2"]


def test_without_an_event_loop_the_ack_is_sent_at_once_as_celery_does():
    sent = []
    _consumer_on(None).call_soon_ack(sent.append, "ack 3")
    assert sent == ["ack 3"]
