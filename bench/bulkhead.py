"""The `bulkhead` scenario: does CPU-heavy work slow the API or the saga?

    ./manage_all.sh bench --scenario bulkhead

Product detail and order creation through the gateway (wrk, c8) and placed -> CONFIRMED one
order at a time are measured at rest, then again while inventory's CPU lane is saturated: 50
product images of 3000 x 2000 pixels to render and a 100,000-row stock import queued on
`inventory.cpu`. The figures are the ratios busy / at rest (the goal: 1.5 at most), and the
lane is checked to have been busy from the first measurement to the last. The import is
cancelled at the end.
"""

import io
import time

import requests
from PIL import Image

from bench import wrk
from bench.orders import _bench_product, _one_at_a_time, _token, place_orders
from tests.support import CA_BUNDLE, GATEWAY_URL, query, secret

IMAGES = 50
IMPORT_ROWS = 100_000
SECONDS = 15
CONNECTIONS = 8


def _noise_jpeg() -> bytes:
    """A photograph-like image (noise compresses and scales like detail does)."""
    picture = Image.merge("RGB", [Image.effect_noise((3000, 2000), sigma) for sigma in (40, 60, 80)])
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def _measure(product_id: str, order_products: list[str], customer: str) -> dict:
    detail = wrk.run(
        f"{GATEWAY_URL}/api/inventory/products/{product_id}/",
        seconds=SECONDS,
        connections=CONNECTIONS,
        headers={"Authorization": f"Bearer {customer}"},
        timeout="5s",
    )
    create = place_orders(order_products, customer, seconds=SECONDS, connections=CONNECTIONS)
    return {
        "product_detail_ms": {"p50": detail["p50_ms"], "p99": detail["p99_ms"], "errors": detail["errors"]},
        "order_create_ms": {"p50": create["p50_ms"], "p99": create["p99_ms"], "errors": create["errors"]},
        "placed_to_confirmed_ms": _one_at_a_time(order_products[0], customer, 20),
    }


def _saturate(staff: str, products: list[str]) -> str:
    """Queue the import first (its batches load PostgreSQL too), then the images behind it."""
    auth = {"Authorization": f"Bearer {staff}"}
    skus = [
        requests.get(f"{GATEWAY_URL}/api/inventory/products/{pid}/", headers=auth, verify=CA_BUNDLE, timeout=10).json()[
            "sku"
        ]
        for pid in products
    ]
    rows = "".join(f"{skus[n % len(skus)]},1,bench delivery\n" for n in range(IMPORT_ROWS))
    response = requests.post(
        f"{GATEWAY_URL}/api/inventory/imports/",
        files={"file": ("bench.csv", ("sku,delta,reason\n" + rows).encode())},
        headers=auth,
        verify=CA_BUNDLE,
        timeout=60,
    )
    response.raise_for_status()
    photo = _noise_jpeg()
    for product_id in products:
        requests.put(
            f"{GATEWAY_URL}/api/inventory/products/{product_id}/image/",
            files={"image": ("photo.jpg", photo)},
            headers=auth,
            verify=CA_BUNDLE,
            timeout=30,
        ).raise_for_status()
    return response.json()["id"]


def _cpu_lane_busy(staff: str) -> bool:
    """Jobs still waiting or running: images not yet rendered (the import is queued first)."""
    auth = {"Authorization": f"Bearer {staff}"}
    page = requests.get(f"{GATEWAY_URL}/api/inventory/imports/", headers=auth, verify=CA_BUNDLE, timeout=10).json()
    return any(job["status"] in ("queued", "running") for job in page["results"]) or _images_pending()


def _images_pending() -> bool:
    return query("inventory", "SELECT count(*) FROM inventory_productimage WHERE state = 'processing'")[0][0] > 0


def _wait_until_idle(staff: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while _cpu_lane_busy(staff) and time.monotonic() < deadline:
        time.sleep(2)
    time.sleep(3)  # and the events of the products just made are handled


def run() -> dict:
    customer = _token("customer@shop.local", secret("DEMO_CUSTOMER_PASSWORD"))
    staff = _token("admin@shop.local", secret("DEMO_ADMIN_PASSWORD"))
    order_products = [_bench_product(staff) for _ in range(4)]
    image_products = [_bench_product(staff) for _ in range(IMAGES)]
    _wait_until_idle(staff)  # at rest means at rest: no job of an earlier run still going
    _measure(order_products[0], order_products, customer)  # warm-up: connections, caches, threads
    at_rest = _measure(order_products[0], order_products, customer)
    import_id = _saturate(staff, image_products)
    busy_from_start = _cpu_lane_busy(staff)
    busy = _measure(order_products[0], order_products, customer)
    busy_to_end = _cpu_lane_busy(staff)
    requests.post(
        f"{GATEWAY_URL}/api/inventory/imports/{import_id}/cancel/",
        headers={"Authorization": f"Bearer {staff}"},
        verify=CA_BUNDLE,
        timeout=10,
    )
    return {
        "at_rest": at_rest,
        "cpu_lane_saturated": busy,
        "cpu_lane_busy_throughout": busy_from_start and busy_to_end,
        "ratios": {
            "product_detail_p99": round(busy["product_detail_ms"]["p99"] / at_rest["product_detail_ms"]["p99"], 2),
            "order_create_p99": round(busy["order_create_ms"]["p99"] / at_rest["order_create_ms"]["p99"], 2),
            "placed_to_confirmed_p50": round(
                busy["placed_to_confirmed_ms"]["p50"] / at_rest["placed_to_confirmed_ms"]["p50"], 2
            ),
        },
    }
