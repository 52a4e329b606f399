"""The watchdog reads RabbitMQ's queue listing; right after a broker restart a queue can be
listed before its counts are (seen as `KeyError: 'messages_ready'` failing every tick)."""

from deploy.watchdog import counted


def test_a_queue_listed_without_its_counts_is_left_out_of_this_look():
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
