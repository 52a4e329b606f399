"""The `scale` scenario: does a request cost more when the tables are large?

    ./manage_all.sh bench --scenario scale [--scale-rows 1000000]

Product detail and order create are measured through the gateway (wrk, c8) on the database
as it is, then again after seeding `--scale-rows` products (with stock levels) and as many
orders (with a line each) straight into the services' databases with generate_series, and
the seeded rows are removed at the end. The figure is the ratio of CPU per request, every
process included (bench/cpu.py), large over small: it should stay close to 1.
"""

import psycopg

from bench import cpu, wrk
from bench.orders import SUPERVISORCTL, _bench_product, _token, place_orders, wait_until_terminal
from tests.support import GATEWAY_URL, secret, service_env

SEED_MARK = "scale-seed"


def _execute(service: str, *statements: str, params: dict | None = None) -> None:
    with psycopg.connect(service_env(service)["DATABASE_URL"], connect_timeout=5, autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql, params or {})


def _count(service: str, table: str) -> int:
    with psycopg.connect(service_env(service)["DATABASE_URL"], connect_timeout=5) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 (our own table names)


def seed(rows: int) -> None:
    params = {"rows": rows, "mark": SEED_MARK}
    _execute(
        "inventory",
        "INSERT INTO inventory_product (id, sku, name, description, price, is_active, created_at, updated_at) "
        "SELECT gen_random_uuid(), 'SCALE-' || g, 'Scale item ' || g, '', 1.00, true, now(), now() "
        "FROM generate_series(1, %(rows)s) g",
        "INSERT INTO inventory_stocklevel (product_id, available, reserved, updated_at) "
        "SELECT id, 10, 0, now() FROM inventory_product WHERE sku LIKE 'SCALE-%%'",
        "ANALYZE inventory_product, inventory_stocklevel",
        params=params,
    )
    _execute(
        "orders",
        "INSERT INTO orders_order (id, user_id, status, total, idempotency_key, request_fingerprint, created_at, "
        "updated_at) SELECT gen_random_uuid(), gen_random_uuid(), 'CONFIRMED', 1.00, '', %(mark)s, "
        "now() - g * interval '1 second', now() FROM generate_series(1, %(rows)s) g",
        "INSERT INTO orders_orderline (order_id, product_id, sku, name, unit_price, quantity) "
        "SELECT id, gen_random_uuid(), 'SCALE', 'Scale item', 1.00, 1 FROM orders_order "
        "WHERE request_fingerprint = %(mark)s",
        "ANALYZE orders_order, orders_orderline",
        params=params,
    )


def unseed() -> None:
    _execute(
        "inventory",
        "DELETE FROM inventory_stocklevel WHERE product_id IN "
        "(SELECT id FROM inventory_product WHERE sku LIKE 'SCALE-%%')",
        "DELETE FROM inventory_product WHERE sku LIKE 'SCALE-%%'",
        "VACUUM ANALYZE inventory_product, inventory_stocklevel",
        params={},
    )
    _execute(
        "orders",
        "DELETE FROM orders_orderline WHERE order_id IN "
        "(SELECT id FROM orders_order WHERE request_fingerprint = %(mark)s)",
        "DELETE FROM orders_order WHERE request_fingerprint = %(mark)s",
        "VACUUM ANALYZE orders_order, orders_orderline",
        params={"mark": SEED_MARK},
    )


def _cpu_per_request(measure, seconds: int, settle=lambda: None) -> dict:
    """Run `measure` (a wrk run of `seconds`), then `settle` (wait for the work it caused to
    end), and add the CPU every process spent per request over both."""
    before = cpu.snapshot(SUPERVISORCTL)
    result = measure()
    settle()
    used = sum(cpu.used_between(before, cpu.snapshot(SUPERVISORCTL)).values())
    requests = result["requests_per_second"] * seconds
    return {**result, "cpu_ms_per_request": round(1000 * used / max(1, requests), 2)}


def _both(product_id: str, token: str, seconds: int = 8) -> dict:
    detail = f"{GATEWAY_URL}/api/inventory/products/{product_id}/"
    return {
        "product_detail": _cpu_per_request(
            lambda: wrk.run(detail, seconds=seconds, connections=8, headers={"Authorization": f"Bearer {token}"}),
            seconds,
        ),
        # The orders' saga goes on after the last request: its CPU belongs to these orders, and
        # it must be over before the next measurement starts.
        "order_create": _cpu_per_request(
            lambda: place_orders([product_id], token, seconds=seconds, connections=8),
            seconds,
            settle=lambda: wait_until_terminal([product_id]),
        ),
    }


def run(*, rows: int) -> dict:
    customer = _token("customer@shop.local", secret("DEMO_CUSTOMER_PASSWORD"))
    staff = _token("admin@shop.local", secret("DEMO_ADMIN_PASSWORD"))
    unseed()  # what an interrupted run left behind
    product_id = _bench_product(staff)
    small = {"products": _count("inventory", "inventory_product"), "orders": _count("orders", "orders_order")}
    small.update(_both(product_id, customer))
    seed(rows)
    try:
        large = {"products": _count("inventory", "inventory_product"), "orders": _count("orders", "orders_order")}
        large.update(_both(product_id, customer))
    finally:
        unseed()
    ratios = {
        name: round(large[name]["cpu_ms_per_request"] / small[name]["cpu_ms_per_request"], 2)
        for name in ("product_detail", "order_create")
    }
    return {"small": small, "large": large, "cpu_per_request_large_over_small": ratios}
