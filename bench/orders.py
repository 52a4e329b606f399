"""The `orders` scenario: customers placing orders through the gateway, closed loop, and what
each confirmed order costs the whole machine.

    ./manage_all.sh bench --scenario orders [--seconds 20] [--connections 16]

It creates products with ample stock, waits until orders knows them, then drives
POST /api/orders/ with wrk (one line for one of them at random, as real traffic spreads over a
catalogue rather than queueing on one stock row; a fresh Idempotency-Key per request) and waits until
every order it placed is terminal. It reports orders/s, latency, placed → CONFIRMED (from the
orders database's own timestamps), outbox commit → published, and the CPU every process group
used per confirmed order (bench/cpu.py), then the same saga one order at a time.
"""

import os
import statistics
import time
import uuid
from pathlib import Path

import requests

from bench import cpu, wrk
from servicekit.platform_manifest import load_manifest
from tests.support import CA_BUNDLE, GATEWAY_URL, query, secret, service_env

ROOT = Path(__file__).resolve().parent.parent
manifest = load_manifest(ROOT)
SUPERVISORCTL = [str(ROOT / ".venv/bin/supervisorctl"), "-c", str(ROOT / "var/run/supervisord.conf")]
TERMINAL = ("CONFIRMED", "REJECTED", "CANCELLED")
PRODUCTS = 8


def _token(email: str, password: str) -> str:
    response = requests.post(
        f"{GATEWAY_URL}/api/auth/login/", json={"email": email, "password": password}, verify=CA_BUNDLE, timeout=10
    )
    response.raise_for_status()
    return response.json()["access"]


def _bench_product(staff_token: str) -> str:
    sku = f"BENCH-{uuid.uuid4().hex[:10]}"
    response = requests.post(
        f"{GATEWAY_URL}/api/inventory/products/",
        json={"sku": sku, "name": f"Benchmark item {sku}", "price": "1.00", "stock": 1_000_000},
        headers={"Authorization": f"Bearer {staff_token}"},
        verify=CA_BUNDLE,
        timeout=10,
    )
    response.raise_for_status()
    product_id = response.json()["id"]
    sql = "SELECT count(*) FROM orders_catalogueentry WHERE product_id = %s"
    deadline = time.monotonic() + 30
    while query("orders", sql, [product_id])[0][0] == 0:
        if time.monotonic() > deadline:
            raise RuntimeError("orders never heard of the benchmark product")
        time.sleep(0.1)
    return product_id


def _orders_of(product_ids: list[str]) -> list[tuple]:
    """(status, seconds from placed to last change) of every order of the benchmark products."""
    return query(
        "orders",
        "SELECT o.status, EXTRACT(EPOCH FROM o.updated_at - o.created_at)::float FROM orders_order o "
        "JOIN orders_orderline l ON l.order_id = o.id WHERE l.product_id = ANY(%s::uuid[])",
        [product_ids],
    )


def wait_until_terminal(product_ids: list[str], timeout: float = 300) -> list[tuple]:
    # The ledger is checked once a second: the benchmark's own queries stay out of the figures.
    deadline = time.monotonic() + timeout
    while True:
        rows = _orders_of(product_ids)
        if all(status in TERMINAL for status, _ in rows) or time.monotonic() > deadline:
            return rows
        time.sleep(1)


def _event_work_left() -> int:
    """Events not yet handled anywhere: rows waiting in every outbox plus messages ready or
    unacknowledged in every event queue (the watchdog's view of RabbitMQ)."""
    outboxes = sum(
        query(name, "SELECT count(*) FROM servicekit_outboxevent WHERE published_at IS NULL")[0][0]
        for name in manifest.service_names()
    )
    port = manifest.load().get("watchdog", {}).get("status_port", 9100)
    queues = requests.get(f"http://127.0.0.1:{port}/status", timeout=5).json()["queues"]
    return outboxes + sum(
        q["messages_ready"] + q["messages_unacknowledged"] for name, q in queues.items() if name.endswith(".events")
    )


def wait_until_quiet(timeout: float = 300) -> None:
    """Until every event the orders caused has been handled (notifications included), so that
    the CPU measured is all the work an order costs. RabbitMQ's counts lag by up to 5 s, so
    quiet must be seen twice, 6 s apart."""
    deadline, quiet_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if _event_work_left():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 6:
            return
        time.sleep(1)


def _confirmed_per_second(product_ids: list[str]) -> float:
    """Confirmed orders over the time from the first order placed to the last one confirmed:
    what the whole saga sustained, not just what the API accepted."""
    count, seconds = query(
        "orders",
        "SELECT count(*), EXTRACT(EPOCH FROM max(o.updated_at) - min(o.created_at))::float FROM orders_order o "
        "JOIN orders_orderline l ON l.order_id = o.id WHERE l.product_id = ANY(%s::uuid[]) AND o.status = 'CONFIRMED'",
        [product_ids],
    )[0]
    return round(count / seconds, 1) if seconds else 0.0


def _outbox_lag_ms(since: float) -> dict[str, float]:
    rows = query(
        "orders",
        "SELECT EXTRACT(EPOCH FROM published_at - created_at)::float * 1000 FROM servicekit_outboxevent "
        "WHERE type = 'orders.order.created' AND created_at >= to_timestamp(%s) AND published_at IS NOT NULL",
        [since],
    )
    return _percentiles([r[0] for r in rows])


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("nan"), "p99": float("nan")}
    ordered = sorted(values)
    return {"p50": round(statistics.median(ordered), 2), "p99": round(ordered[int(0.99 * (len(ordered) - 1))], 2)}


def place_orders(product_ids: list[str], token: str, *, seconds: int, connections: int) -> dict:
    """wrk placing orders through the gateway (bench/orders.lua: one line each, for one of
    `product_ids` at random, a fresh Idempotency-Key per request)."""
    env = {
        **os.environ,
        "BENCH_PRODUCT_IDS": ",".join(product_ids),
        "BENCH_ACCESS_TOKEN": token,
        "BENCH_RUN_ID": uuid.uuid4().hex,
    }
    return wrk.run(
        f"{GATEWAY_URL}/api/orders/",
        seconds=seconds,
        connections=connections,
        script=str(ROOT / "bench" / "orders.lua"),
        env=env,
    )


def _one_at_a_time(product_id: str, token: str, count: int) -> dict[str, dict[str, float]]:
    """Placed → CONFIRMED for orders placed one after another, each waited for, and the
    outbox lag of their OrderCreated rows. The status is polled on one connection kept open:
    a connection per poll made PostgreSQL fork a backend every few milliseconds, which cost
    the two cores more than the saga being timed and added its own delay to each reading."""
    import psycopg

    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    placed_to_confirmed = []
    started_at = time.time()
    with psycopg.connect(service_env("orders")["DATABASE_URL"], autocommit=True, connect_timeout=3) as db:
        for _ in range(count):
            started = time.monotonic()
            response = session.post(
                f"{GATEWAY_URL}/api/orders/",
                json={"lines": [{"product_id": product_id, "quantity": 1}]},
                headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                verify=CA_BUNDLE,
                timeout=10,
            )
            response.raise_for_status()
            order_id = response.json()["id"]
            while db.execute("SELECT status FROM orders_order WHERE id = %s", [order_id]).fetchone()[0] == "PENDING":
                time.sleep(0.001)
            placed_to_confirmed.append((time.monotonic() - started) * 1000)
            time.sleep(0.05)
    return {"placed_to_confirmed_ms": _percentiles(placed_to_confirmed), "outbox_lag_ms": _outbox_lag_ms(started_at)}


def run(*, seconds: int, connections: int, sequential: int = 20) -> dict:
    customer = _token("customer@shop.local", secret("DEMO_CUSTOMER_PASSWORD"))
    staff = _token("admin@shop.local", secret("DEMO_ADMIN_PASSWORD"))
    product_ids = [_bench_product(staff) for _ in range(PRODUCTS)]
    started = time.time()
    before = cpu.snapshot(SUPERVISORCTL)
    load = place_orders(product_ids, customer, seconds=seconds, connections=connections)
    rows = wait_until_terminal(product_ids)
    wait_until_quiet()
    # The quiet spell seen at the end (6 s at rest) is in the window too: a few ms of CPU.
    used = cpu.used_between(before, cpu.snapshot(SUPERVISORCTL))
    confirmed = [lag for status, lag in rows if status == "CONFIRMED"]
    per_order = {group: round(1000 * s / max(1, len(confirmed)), 2) for group, s in used.items()}
    sequential_product = _bench_product(staff)
    return {
        "placed": len(rows),
        "confirmed": len(confirmed),
        "not_terminal": sum(1 for status, _ in rows if status not in TERMINAL),
        "orders_per_second": round(load["requests_per_second"], 1),
        "confirmed_orders_per_second": _confirmed_per_second(product_ids),
        "http_errors": load["errors"],
        "latency_ms": {"p50": load["p50_ms"], "p99": load["p99_ms"]},
        "placed_to_confirmed_ms_under_load": _percentiles([1000 * lag for lag in confirmed]),
        "outbox_lag_ms": _outbox_lag_ms(started),
        "cpu_ms_per_confirmed_order": dict(sorted(per_order.items(), key=lambda kv: -kv[1])),
        "cpu_ms_per_confirmed_order_total": round(sum(per_order.values()), 1),
        "one_at_a_time": _one_at_a_time(sequential_product, customer, sequential),
    }
