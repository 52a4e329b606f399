"""Faults in the event flow lose nothing and apply nothing twice."""

import re
import subprocess
import uuid
from contextlib import contextmanager

import pytest
from kombu import Connection

from servicekit.testing import event_envelope as new_envelope

from .support import (
    ROOT,
    dead_lettered_confirmation,
    dead_letters,
    eventually,
    manage_all,
    new_product,
    notifications_in_db,
    place_order,
    publish_raw_event,
    query,
    registration_arrives,
    service_env,
    settled,
    sign_in_through_the_form,
    stock_of,
)


def reservations_for(order_id: str) -> int:
    return query("inventory", "SELECT count(*) FROM inventory_reservation WHERE order_id = %s", [order_id])[0][0]


def test_the_same_event_delivered_twice_is_applied_once(gateway, staff):
    product = new_product(gateway, staff, stock=10)
    order_id = str(uuid.uuid4())
    event = new_envelope(
        "orders.order.created",
        {
            "order_id": order_id,
            "user_id": str(uuid.uuid4()),
            "lines": [{"product_id": product["id"], "quantity": 4}],
            "total": "4.00",
        },
        producer="orders",
    )
    publish_raw_event("orders", event)
    publish_raw_event("orders", event)  # a redelivery: same event id
    eventually(
        lambda: (
            query("inventory", "SELECT count(*) FROM servicekit_inboxevent WHERE event_id = %s", [event["id"]])[0][0]
            == 1
        )
    )
    eventually(lambda: "already applied" in _worker_log_for(event["id"]))
    assert reservations_for(order_id) == 1
    assert stock_of(gateway, staff, product["id"]) == (6, 4)


def _worker_log_for(event_id: str) -> str:
    log = (ROOT / "var" / "log" / "inventory-worker.log").read_text()
    return "\n".join(line for line in log.splitlines() if event_id in line)


def test_a_poison_event_ends_in_the_dead_letter_queue_and_is_replayed_after_the_fix():
    user_id, confirmed = dead_lettered_confirmation()
    assert "RecipientUnknown" in dead_letters("notifications")
    assert _queue_depth("notifications", "notifications.events.dead") >= 1
    assert notifications_in_db(user_id, "order_confirmed") == 0

    registration_arrives(user_id)  # the fix; then the operator replays the dead letter
    replay = manage_all("manage", "notifications", "dead_letters", "replay", confirmed["id"])
    assert "replayed 1" in replay.stdout, replay.stderr
    eventually(lambda: notifications_in_db(user_id, "order_confirmed") == 1)
    assert confirmed["id"] not in dead_letters("notifications").split("depth")[-1].split("\n", 1)[-1]
    # Replaying again changes nothing: the dead letter is marked replayed, the inbox holds.
    manage_all("manage", "notifications", "dead_letters", "replay", confirmed["id"])
    assert notifications_in_db(user_id, "order_confirmed") == 1


def _queue_depth(service: str, queue: str) -> int:
    with Connection(service_env(service)["BROKER_URL"], connect_timeout=3) as conn:
        return conn.default_channel.queue_declare(queue=queue, passive=True).message_count


def test_a_relay_killed_between_publish_and_mark_causes_no_duplicate_effect(gateway, staff, account, stopped):
    product = new_product(gateway, staff, stock=10)
    stopped("orders-relay")
    order = place_order(gateway, account, [{"product_id": product["id"], "quantity": 3}]).json()
    event_sql = "SELECT id::text, published_at FROM servicekit_outboxevent WHERE payload->>'order_id' = %s"
    ((event_id, published_at),) = query("orders", event_sql, [order["id"]])
    assert published_at is None

    crashed = subprocess.run(  # noqa: S603
        [str(ROOT / "manage_all.sh"), "manage", "orders", "run_outbox_relay", "--once", "--exit-after-publish"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert crashed.returncode == 3, crashed.stderr  # it died after the broker confirmed
    assert query("orders", event_sql, [order["id"]])[0][1] is None  # ...so the row is still unmarked
    assert settled(gateway, account, order["id"]) == "CONFIRMED"  # the first copy was delivered

    assert manage_all("start", "orders-relay").returncode == 0  # the relay publishes it again
    eventually(lambda: query("orders", event_sql, [order["id"]])[0][1] is not None)
    eventually(lambda: "already applied" in _worker_log_for(event_id))
    assert reservations_for(order["id"]) == 1
    assert stock_of(gateway, staff, product["id"]) == (7, 3)


@pytest.mark.parametrize(
    ("user", "queue"),
    [("inventory", "orders.events"), ("orders", "notifications.events"), ("notifications", "inventory.events.dead")],
)
def test_a_service_cannot_read_another_services_queue(user, queue):
    with (
        Connection(service_env(user)["BROKER_URL"], connect_timeout=3) as conn,
        pytest.raises(Exception, match=r"ACCESS_REFUSED"),
    ):
        conn.default_channel.basic_get(queue=queue)


def test_a_producer_only_service_can_only_publish_events():
    with (
        Connection(service_env("auth")["BROKER_URL"], connect_timeout=3) as conn,
        pytest.raises(Exception, match=r"ACCESS_REFUSED"),
    ):
        conn.default_channel.queue_declare(queue="auth.sneaky", durable=False, auto_delete=True)


def test_flower_is_for_staff_only(gateway, staff, account):
    from .support import Gateway

    anonymous = Gateway().get("/flower/")
    assert anonymous.status_code == 302 and "/auth/login/" in anonymous.headers["Location"]
    customer = gateway.get("/flower/", headers=account.auth)
    assert customer.status_code == 403
    assert customer.json()["error"]["code"] == "permission_denied"
    page = eventually(lambda: (r := gateway.get("/flower/", headers=staff.auth)).status_code == 200 and r)
    assert re.search(r"flower", page.text, re.IGNORECASE)
    workers = gateway.get("/flower/api/workers", params={"refresh": "false"}, headers=staff.auth)
    assert workers.status_code == 200


def test_a_dead_letter_can_be_replayed_from_the_admin(gateway):
    from .support import Gateway, secret

    user_id, confirmed = dead_lettered_confirmation()
    registration_arrives(user_id)

    admin = Gateway()
    sign_in_through_the_form(admin, "admin@shop.local", secret("DEMO_ADMIN_PASSWORD"), "/notifications/admin/")
    url = "/notifications/admin/servicekit/deadletter/"
    page = admin.get(url, params={"q": confirmed["id"]})
    assert page.status_code == 200
    dead_letter_pk = re.search(r'name="_selected_action" value="(\d+)"', page.text).group(1)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    replayed = admin.post(
        url,
        data={"action": "replay", "_selected_action": dead_letter_pk, "csrfmiddlewaretoken": csrf, "index": "0"},
        headers={"Referer": f"https://localhost:8443{url}", "Origin": "https://localhost:8443"},
    )
    assert replayed.status_code == 302, replayed.text[:500]
    eventually(lambda: notifications_in_db(user_id, "order_confirmed") == 1)


@contextmanager
def broker_down():
    """Stop RabbitMQ's application (the node stays up) and always start it again."""
    subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, timeout=60)  # noqa: S607
    try:
        yield
    finally:
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, timeout=120)  # noqa: S607


def test_orders_taken_while_the_broker_is_down_complete_when_it_returns(gateway, staff, account):
    product = new_product(gateway, staff, stock=5)
    sql = "SELECT count(*) FROM orders_catalogueentry WHERE product_id = %s"
    eventually(lambda: query("orders", sql, [product["id"]])[0][0] == 1)
    with broker_down():
        placed = place_order(gateway, account, [{"product_id": product["id"], "quantity": 1}])
        assert placed.status_code == 201  # the event waits in the outbox, not in memory
        order_id = placed.json()["id"]
        assert (
            query(
                "orders",
                "SELECT count(*) FROM servicekit_outboxevent WHERE payload->>'order_id' = %s AND published_at IS NULL",
                [order_id],
            )[0][0]
            == 1
        )
    assert settled(gateway, account, order_id) == "CONFIRMED"
    assert stock_of(gateway, staff, product["id"]) == (4, 1)
