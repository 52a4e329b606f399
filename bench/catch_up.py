"""The `catch-up` scenario: how fast the saga works off a backlog, with no API traffic competing.

    ./manage_all.sh bench --scenario catch-up

The inventory and orders event workers are stopped, orders are placed through the gateway for
a few seconds (they wait PENDING, their OrderCreated queued for inventory), then both workers
are started together and the orders are timed until the last is settled. The figure is the
rate over the middle 80 % of the settlements (from the orders' own `updated_at`, so the
workers' start-up is not in it), and the time from the start to the last one. It is what an
operator sees after a consumer outage: how long until the shop has caught up.
"""

import time

from bench.orders import TERMINAL, _bench_product, _orders_of, _token, place_orders
from tests.support import manage_all, query, secret

WORKERS = ("inventory-worker", "orders-worker")
SECONDS = 8
CONNECTIONS = 16
PRODUCTS = 4


def _supervise(action: str, *programs: str) -> None:
    result = manage_all(action, *programs)
    if result.returncode:
        raise RuntimeError(f"{action} {' '.join(programs)}: {result.stderr.strip()}")


def _settled_rate(product_ids: list[str]) -> float:
    """Settlements per second between the 10th and the 90th percentile of their times."""
    count, seconds = query(
        "orders",
        "SELECT count(*), EXTRACT(EPOCH FROM "
        "percentile_disc(0.9) WITHIN GROUP (ORDER BY o.updated_at) - "
        "percentile_disc(0.1) WITHIN GROUP (ORDER BY o.updated_at))::float "
        "FROM orders_order o JOIN orders_orderline l ON l.order_id = o.id WHERE l.product_id = ANY(%s::uuid[])",
        [product_ids],
    )[0]
    return round(0.8 * count / seconds, 1) if seconds else 0.0


def run() -> dict:
    customer = _token("customer@shop.local", secret("DEMO_CUSTOMER_PASSWORD"))
    staff = _token("admin@shop.local", secret("DEMO_ADMIN_PASSWORD"))
    product_ids = [_bench_product(staff) for _ in range(PRODUCTS)]
    _supervise("stop", *WORKERS)
    try:
        place_orders(product_ids, customer, seconds=SECONDS, connections=CONNECTIONS)
        # Every OrderCreated published (the orders relay is running), none handled yet.
        while query("orders", "SELECT count(*) FROM servicekit_outboxevent WHERE published_at IS NULL")[0][0]:
            time.sleep(0.5)
    finally:
        started = time.monotonic()
        _supervise("start", *WORKERS)
    deadline = started + 300
    while any(status not in TERMINAL for status, _ in _orders_of(product_ids)) and time.monotonic() < deadline:
        time.sleep(0.2)
    finished = time.monotonic()
    rows = _orders_of(product_ids)
    return {
        "backlog_orders": len(rows),
        "settled": sum(1 for status, _ in rows if status in TERMINAL),
        "seconds_to_last_settled": round(finished - started, 1),
        "settled_per_second": _settled_rate(product_ids),
    }
