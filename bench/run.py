"""The benchmark harness: throughput and latency through the gateway against the same
request sent straight to the service, measured side by side in one run (so the ratio holds
on any machine), plus what the whole system costs at rest (CPU and memory).

    ./manage_all.sh bench [--seconds 8] [--connections 16]

Prints a table and writes var/bench/latest.json. Load goes to 127.0.0.1 only, bounded in time.
"""

import argparse
import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bulkhead, catch_up, idle, orders, scale  # noqa: E402
from bench import wrk as wrk_runner  # noqa: E402
from tests.support import CA_BUNDLE, GATEWAY_URL, read_env_file, secret, service_port  # noqa: E402


@dataclass
class Result:
    scenario: str
    route: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> tuple[float, float, float, int]:
    result = wrk_runner.run(url, seconds=seconds, connections=connections, headers=headers, timeout="5s")
    return result["requests_per_second"], result["p50_ms"], result["p99_ms"], result["errors"]


def customer_identity() -> tuple[str, dict]:
    session = requests.Session()
    tokens = session.post(
        f"{GATEWAY_URL}/api/auth/login/",
        json={"email": "customer@shop.local", "password": secret("DEMO_CUSTOMER_PASSWORD")},
        verify=CA_BUNDLE,
        timeout=10,
    ).json()
    me = session.get(
        f"{GATEWAY_URL}/api/auth/me/", headers={"Authorization": f"Bearer {tokens['access']}"}, verify=CA_BUNDLE
    ).json()
    return tokens["access"], me


def _first(url: str, access: str) -> str:
    page = requests.get(url, headers={"Authorization": f"Bearer {access}"}, verify=CA_BUNDLE, timeout=10).json()
    return page["results"][0]["id"]


def scenarios(access: str, me: dict) -> list[tuple[str, str, dict, str, dict]]:
    """(name, gateway url, gateway headers, direct url, direct headers): the same request twice."""
    product = _first(f"{GATEWAY_URL}/api/inventory/products/", access)
    order = _first(f"{GATEWAY_URL}/api/orders/", access)  # the orders scenario placed some
    gateway_secret = read_env_file(ROOT / "var" / "env" / "auth.env")["GATEWAY_SECRET"]
    as_gateway = {
        "X-Gateway-Secret": gateway_secret,
        "X-User-Id": me["id"],
        "X-User-Email": me["email"],
        "X-User-Is-Staff": "0",
        "X-Forwarded-Proto": "https",
    }
    return [
        (
            "public GET (healthz)",
            f"{GATEWAY_URL}/api/auth/healthz",
            {},
            f"http://127.0.0.1:{service_port('auth')}/api/auth/healthz",
            {"X-Forwarded-Proto": "https"},
        ),
        (
            "signed-in GET (auth me/)",
            f"{GATEWAY_URL}/api/auth/me/",
            {"Authorization": f"Bearer {access}"},
            f"http://127.0.0.1:{service_port('auth')}/api/auth/me/",
            as_gateway,
        ),
        (
            "product detail",
            f"{GATEWAY_URL}/api/inventory/products/{product}/",
            {"Authorization": f"Bearer {access}"},
            f"http://127.0.0.1:{service_port('inventory')}/api/inventory/products/{product}/",
            as_gateway,
        ),
        (
            "order detail",
            f"{GATEWAY_URL}/api/orders/{order}/",
            {"Authorization": f"Bearer {access}"},
            f"http://127.0.0.1:{service_port('orders')}/api/orders/{order}/",
            as_gateway,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16, help="of the orders scenario")
    parser.add_argument("--read-connections", type=int, default=32, help="of the GET scenarios")
    parser.add_argument("--idle-seconds", type=int, default=10)
    parser.add_argument(
        "--scenario", choices=["all", "gateway", "orders", "catch-up", "scale", "bulkhead"], default="all"
    )
    parser.add_argument("--scale-rows", type=int, default=1_000_000)
    parser.add_argument("--order-seconds", type=int, default=20)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 1
    report = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if options.scenario in ("all", "orders"):
        report["orders"] = orders.run(seconds=options.order_seconds, connections=options.connections)
        print_orders(report["orders"], options)
    if options.scenario in ("all", "catch-up"):
        report["catch_up"] = catch_up.run()
        print_catch_up(report["catch_up"])
    if options.scenario in ("all", "gateway"):
        report.update(gateway_scenarios(options))
    if options.scenario in ("all", "scale"):
        report["scale"] = scale.run(rows=options.scale_rows)
        print_scale(report["scale"])
    if options.scenario in ("all", "bulkhead"):
        report["bulkhead"] = bulkhead.run()
        print_bulkhead(report["bulkhead"])
    out = ROOT / "var" / "bench" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"written: {out}")
    return 0


def print_orders(result: dict, options) -> None:
    print(f"\norders: POST /api/orders/ through the gateway, c{options.connections}, {options.order_seconds} s")
    print(
        f"  {result['orders_per_second']} orders/s accepted, {result['confirmed_orders_per_second']} confirmed/s "
        f"sustained (first placed -> last confirmed); {result['placed']} placed, {result['confirmed']} confirmed, "
        f"{result['not_terminal']} not terminal, {result['http_errors']} HTTP errors"
    )
    print(f"  latency p50 {result['latency_ms']['p50']:.1f} ms, p99 {result['latency_ms']['p99']:.1f} ms")
    lag, saga = result["outbox_lag_ms"], result["placed_to_confirmed_ms_under_load"]
    print(f"  placed -> CONFIRMED under load: p50 {saga['p50']} ms, p99 {saga['p99']} ms")
    print(f"  outbox commit -> published under load: p50 {lag['p50']} ms, p99 {lag['p99']} ms")
    one, one_lag = result["one_at_a_time"]["placed_to_confirmed_ms"], result["one_at_a_time"]["outbox_lag_ms"]
    print(f"  placed -> CONFIRMED one at a time (HTTP included): p50 {one['p50']} ms, p99 {one['p99']} ms")
    print(f"  outbox commit -> published one at a time: p50 {one_lag['p50']} ms, p99 {one_lag['p99']} ms")
    print(f"  CPU ms per confirmed order, every process: {result['cpu_ms_per_confirmed_order_total']}")
    for group, ms in result["cpu_ms_per_confirmed_order"].items():
        if ms >= 0.05:
            print(f"    {group:24} {ms:7.2f}")


def print_catch_up(result: dict) -> None:
    print(
        f"\ncatch-up: {result['backlog_orders']} orders placed while inventory's and orders' event workers were stopped"
    )
    print(
        f"  settled at {result['settled_per_second']} orders/s (middle 80 %), the last "
        f"{result['seconds_to_last_settled']} s after the workers were started ({result['settled']} settled)"
    )


def print_scale(result: dict) -> None:
    small, large = result["small"], result["large"]
    print(
        f"\nscale: {small['products']} -> {large['products']} products, {small['orders']} -> {large['orders']} orders"
    )
    for name in ("product_detail", "order_create"):
        a, b = small[name], large[name]
        print(
            f"  {name:15} {a['requests_per_second']:7.0f} -> {b['requests_per_second']:7.0f} req/s, "
            f"CPU {a['cpu_ms_per_request']:.2f} -> {b['cpu_ms_per_request']:.2f} ms per request "
            f"({result['cpu_per_request_large_over_small'][name]:.2f}x)"
        )


def print_bulkhead(result: dict) -> None:
    print("\nbulkhead: at rest, then with inventory's CPU lane saturated (50 images, a 100,000-row import)")
    for name, unit in (("product_detail_ms", "p99"), ("order_create_ms", "p99"), ("placed_to_confirmed_ms", "p50")):
        rest, busy = result["at_rest"][name][unit], result["cpu_lane_saturated"][name][unit]
        print(f"  {name:24} {unit} {rest:8.1f} -> {busy:8.1f} ms")
    print(
        f"  ratios busy / at rest: {result['ratios']} (the lane busy throughout: {result['cpu_lane_busy_throughout']})"
    )


def gateway_scenarios(options) -> dict:
    access, me = customer_identity()
    results: list[Result] = []
    ratios = {}
    for name, gateway_url, gateway_headers, direct_url, direct_headers in scenarios(access, me):
        via = Result(name, "gateway", *wrk(gateway_url, gateway_headers, options.seconds, options.read_connections))
        direct = Result(name, "direct", *wrk(direct_url, direct_headers, options.seconds, options.read_connections))
        results += [via, direct]
        ratios[name] = round(via.requests_per_second / direct.requests_per_second, 2)

    time.sleep(3)  # let the load's after-effects settle before measuring rest
    at_rest = idle.measure(options.idle_seconds)

    print(f"\n{'scenario':28} {'route':8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for r in results:
        rps = r.requests_per_second
        print(f"{r.scenario:28} {r.route:8} {rps:9.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {r.errors:7d}")
    print("\nthroughput through the gateway / direct (same run):")
    for name, ratio in ratios.items():
        print(f"  {name:28} {ratio:.2f}x")
    print(
        f"\nat rest over {at_rest['seconds']} s: {at_rest['cpu_percent_of_one_core']:.2f}% of one core "
        f"({at_rest['processes']} processes: services, workers, gateway, PostgreSQL, Redis, RabbitMQ); memory "
        f"(PSS) {at_rest['project_pss_mib']:.0f} MiB for the project's processes "
        f"(RSS {at_rest['project_rss_mib']:.0f} MiB), {at_rest['servers_pss_mib']:.0f} MiB for the servers"
    )
    return {
        "seconds": options.seconds,
        "connections": options.read_connections,
        "results": [asdict(r) for r in results],
        "gateway_over_direct": ratios,
        "at_rest": at_rest,
    }


if __name__ == "__main__":
    sys.exit(main())
