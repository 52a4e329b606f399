"""The watchdog: how it reads RabbitMQ's queue listing, and how it waits at rest."""

import threading

import psycopg

from deploy.watchdog import Outbox, Watchdog, counted
from servicekit.outbox_lag import OUTBOX_CHANNEL

from .support import service_env


def _watching_the_orders_outbox() -> Watchdog:
    watchdog = Watchdog.__new__(Watchdog)  # only its outboxes are used here
    watchdog.outboxes = [Outbox("orders")]
    watchdog.outboxes[0].lag()  # connects, and listens
    return watchdog


def test_at_rest_the_watchdog_wakes_when_an_event_is_written():
    """A commit that writes an outbox row notifies the channel: the watchdog looks at once
    instead of at its next quiet tick (a stall as work begins is judged that much sooner)."""
    watchdog = _watching_the_orders_outbox()

    def commit_an_event():
        with psycopg.connect(service_env("orders")["DATABASE_URL"], autocommit=True) as db:
            db.execute(f"NOTIFY {OUTBOX_CHANNEL}")

    writer = threading.Timer(0.2, commit_an_event)
    writer.start()
    assert watchdog.wait_for_work(timeout=120) is True
    writer.join()


def test_at_rest_with_nothing_written_the_watchdog_waits_out_its_quiet_tick():
    watchdog = _watching_the_orders_outbox()
    assert watchdog.wait_for_work(timeout=0.3) is False


def test_a_queue_listed_without_its_counts_is_left_out_of_this_look():
    """Right after a broker restart a queue can be listed before its counts are (seen as
    `KeyError: 'messages_ready'` failing every tick)."""
    listing = [
        {"name": "orders.events", "messages_ready": 3, "messages_unacknowledged": 1, "consumers": 1},
        {"name": "inventory.events", "consumers": 0},  # still being recovered by the broker
    ]
    assert list(counted(listing)) == ["orders.events"]
    assert counted(listing)["orders.events"]["messages_ready"] == 3


def test_every_queue_with_its_counts_is_kept():
    listing = [
        {"name": name, "messages_ready": 0, "messages_unacknowledged": 0, "consumers": 1, "message_stats": {"ack": 7}}
        for name in ("orders.events", "inventory.events", "notifications.events")
    ]
    assert set(counted(listing)) == {"orders.events", "inventory.events", "notifications.events"}
