"""Following one order: a connected trace across the services, its story told by
`./manage_all.sh trace`, and the metrics every service and the watchdog expose (on loopback
only: the gateway routes none of it)."""

import re

import pytest
import requests

from servicekit import trace_story

from .support import (
    MANIFEST,
    SERVICES,
    VAR,
    eventually,
    manage_all,
    new_product,
    notifications_of,
    place_order,
    service_port,
    settled,
)


@pytest.fixture(scope="module")
def confirmed_order(gateway, staff):
    from .support import register_and_login

    account = register_and_login(gateway)
    product = new_product(gateway, staff, stock=5)
    response = place_order(gateway, account, [{"product_id": product["id"], "quantity": 1}])
    assert response.status_code == 201, response.text
    order = response.json()
    assert settled(gateway, account, order["id"]) == "CONFIRMED"
    eventually(lambda: any(n["kind"] == "order_confirmed" for n in notifications_of(gateway, account)))
    return {**order, "request_id": response.headers["X-Request-ID"]}


def _trace_of(order_id: str) -> list[dict]:
    def whole():
        spans = trace_story.find(VAR / "traces", order_id)
        return spans if any(s["name"] == "send e-mail" for s in spans) else None

    return eventually(whole, timeout=10)


def test_one_order_is_one_connected_trace_across_orders_inventory_and_notifications(confirmed_order):
    spans = _trace_of(confirmed_order["id"])
    assert {"orders", "inventory", "notifications"} <= {span["service"] for span in spans}
    assert len({span["trace_id"] for span in spans}) == 1
    (root,) = trace_story.roots(spans)  # connected: every other span's parent is in the trace
    assert root["service"] == "orders" and root["name"] == "POST /api/orders/"
    assert root["attributes"]["request_id"] == confirmed_order["request_id"]
    names = [span["name"] for span in spans]
    for expected in ("handle orders.order.created", "handle inventory.stock.reserved", "handle orders.order.confirmed"):
        assert expected in names


def test_manage_all_trace_tells_the_story_in_time_order(confirmed_order):
    _trace_of(confirmed_order["id"])

    def told():  # the gateway writes its access log every few seconds (buffered)
        result = manage_all("trace", confirmed_order["id"])
        return result if "gateway: POST /api/orders/" in result.stdout else None

    result = eventually(told, timeout=15, interval=1)
    assert result.returncode == 0, result.stderr
    heading, *lines = result.stdout.splitlines()
    assert confirmed_order["request_id"] in heading
    story = "\n".join(lines)
    for expected in (
        "gateway: POST /api/orders/ → 201",
        "POST /api/orders/",
        "publish orders.order.created",
        "handle orders.order.created",
        "publish inventory.stock.reserved",
        "order.status=CONFIRMED",
        "handle orders.order.confirmed",
        "send e-mail",
        "e-mailed the order_confirmed notification",
    ):
        assert expected in story, expected
    stamps = [line.split()[0] for line in lines if re.match(r"\d\d:\d\d:\d\d\.\d{3} ", line)]
    assert len(stamps) >= 7 and stamps == sorted(stamps)
    assert stamps[0] == next(line for line in lines if "gateway: POST" in line).split()[0]  # it all began there
    assert manage_all("trace", "no-such-order-anywhere").returncode == 1


def _metrics(service: str) -> str:
    response = requests.get(f"http://127.0.0.1:{service_port(service)}/internal/metrics/", timeout=5)
    assert response.status_code == 200
    return response.text


def _value(text: str, pattern: str) -> float:
    match = re.search(rf"^{pattern} ([0-9.e+-]+)$", text, flags=re.MULTILINE)
    assert match, pattern
    return float(match.group(1))


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_counts_its_requests_and_reports_its_state(service, confirmed_order):
    text = _metrics(service)
    assert re.search(r'^shop_http_requests_total\{method="GET",route="/api/' + service, text, flags=re.MULTILINE)
    assert _value(text, f'shop_dead_letters_waiting{{service="{service}"}}') >= 0
    spec = next(s for s in MANIFEST.load()["service"] if s["name"] == service)
    if spec["relay"]:
        assert _value(text, f'shop_outbox_pending{{service="{service}"}}') >= 0
        assert _value(text, f'shop_outbox_oldest_seconds{{service="{service}"}}') >= 0
    if spec["consumes"]:
        assert re.search(r"^shop_events_handled_total\{", text, flags=re.MULTILINE)


def test_orders_metrics_show_the_saga_and_the_orders_by_status(confirmed_order):
    text = _metrics("orders")
    assert _value(text, 'shop_saga_seconds_count{outcome="confirmed"}') >= 1
    assert _value(text, 'shop_orders{status="CONFIRMED"}') >= 1
    assert re.search(r'^shop_breaker_open\{dependency="inventory",service="orders",state="\w+"\} [01]', text, re.M)


def test_the_watchdog_exposes_queue_depths_consumers_and_processes():
    port = MANIFEST.load()["watchdog"]["status_port"]
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert _value(text, 'shop_queue_consumers{queue="orders.events"}') >= 1
    assert _value(text, 'shop_queue_messages{queue="orders.events",state="ready"}') >= 0
    assert _value(text, 'shop_process_up{process="orders-worker"}') == 1


def test_metrics_are_refused_to_a_caller_through_the_gateway_path(gateway, staff):
    assert gateway.get("/internal/metrics/", headers=staff.auth).status_code == 404
    forwarded = requests.get(
        f"http://127.0.0.1:{service_port('orders')}/internal/metrics/",
        headers={"X-Forwarded-For": "203.0.113.9"},
        timeout=5,
    )
    assert forwarded.status_code in (401, 403)  # no caller DRF knows: 401, and no metrics either way
    assert "shop_http_requests" not in forwarded.text
