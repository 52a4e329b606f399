"""Faults under a steady stream of orders: what clients saw, how long healing took, and whether
the ledger still balances.

    ./manage_all.sh chaos [FAULT ...]        (all of bench/faults.py's faults by default)
    ./manage_all.sh chaos --list

For each fault: a new customer and fresh products (ample stock), then orders through the gateway
at `--rate` per second for `--seconds` (one line each, a fresh Idempotency-Key each), the fault
injected at `--fault-at` seconds; each client then reads its order and its product back once
(two GETs, never retried: a failed read counts). Each client behaves as a careful client should: a request it
could not see the outcome of (a timeout, a cut connection, a 5xx) or a 503/429 is sent again
with the same Idempotency-Key after a short pause, until it gets its order. Then it waits until
every order is terminal and checks the ledger: every accepted order exists once, none was
stored behind a client's back, each product's stock = available + reserved with reserved =
the confirmed quantity, and no order holds two reservations.
"""

import argparse
import json
import random
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

import requests

from bench.faults import FAULTS, Fault
from tests.support import CA_BUNDLE, GATEWAY_URL, PASSWORD, query, secret

TERMINAL = ("CONFIRMED", "REJECTED", "CANCELLED")
STOCK = 100_000
PRODUCTS = 4
ATTEMPT_TIMEOUT = 10.0  # longer than "a few seconds", so that a hang shows as one
GIVE_UP_AFTER = 120.0


@dataclass
class Attempt:
    outcome: str  # "201", "503", "timeout", "connection", ...
    seconds: float
    retry_after: str | None = None
    json_error: bool = True


@dataclass
class ClientOrder:
    key: str
    product_id: str
    quantity: int
    attempts: list[Attempt] = field(default_factory=list)
    reads: list[Attempt] = field(default_factory=list)
    order_id: str | None = None


@dataclass
class Report:
    fault: str
    what: str
    sent: int
    accepted: int
    failed_attempts: dict[str, int]
    failed_reads: dict[str, int]
    bad_503s: int  # 503s without Retry-After or without the JSON error shape
    slowest_attempt_s: float
    heal_s: float | None  # fault end → every order hit by it terminal (None: never)
    slowest_saga_s: float  # the longest placed → terminal
    heal_within_s: float
    not_terminal: int
    lost: int
    stored_unseen: int
    duplicated: int
    reserved_twice: int
    stock_balanced: bool
    injection_error: str | None = None

    @property
    def problems(self) -> list[str]:
        found = [f"the fault could not be injected: {self.injection_error}"] if self.injection_error else []
        if self.accepted != self.sent:
            found.append(f"{self.sent - self.accepted} orders never accepted")
        for kind in ("500", "502", "504", "timeout"):
            if self.failed_attempts.get(kind):
                found.append(f"{self.failed_attempts[kind]} x {kind}")
        for kind, count in self.failed_reads.items():
            if kind != "503":  # a read may be refused for now (with Retry-After), never fail otherwise
                found.append(f"{count} reads failed with {kind}")
        if self.bad_503s:
            found.append(f"{self.bad_503s} 503s without Retry-After or JSON")
        if self.slowest_attempt_s > 5:
            found.append(f"a client waited {self.slowest_attempt_s:.1f} s")
        if self.heal_s is None or self.heal_s > self.heal_within_s:
            found.append(f"healed in {self.heal_s} s (limit {self.heal_within_s:.0f} s)")
        for name in ("not_terminal", "lost", "stored_unseen", "duplicated", "reserved_twice"):
            if getattr(self, name):
                found.append(f"{getattr(self, name)} {name.replace('_', ' ')}")
        if not self.stock_balanced:
            found.append("stock does not balance")
        return found


class Shop:
    """The gateway, as the stream's clients and its set-up see it."""

    def __init__(self):
        self._local = threading.local()

    def session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 15)
        return self.session().request(method, f"{GATEWAY_URL}{path}", verify=CA_BUNDLE, **kwargs)

    def token(self, email: str, password: str) -> str:
        for _ in range(30):
            response = self.call("POST", "/api/auth/login/", json={"email": email, "password": password})
            if response.status_code == 200:
                return response.json()["access"]
            time.sleep(1)  # a rate limit, or a service still healing from the last fault
        raise RuntimeError(f"cannot sign in as {email}: {response.status_code} {response.text[:200]}")

    def customer(self) -> tuple[str, str]:
        email = f"chaos-{uuid.uuid4().hex[:12]}@example.com"
        for _ in range(30):
            response = self.call("POST", "/api/auth/register/", json={"email": email, "password": PASSWORD})
            if response.status_code == 201:
                return response.json()["id"], self.token(email, PASSWORD)
            time.sleep(1)
        raise RuntimeError(f"cannot register a customer: {response.status_code} {response.text[:200]}")

    def products(self, staff_token: str, count: int) -> list[str]:
        ids = []
        for _ in range(count):
            sku = f"CHAOS-{uuid.uuid4().hex[:10]}"
            body = {"sku": sku, "name": f"Chaos item {sku}", "price": "2.00", "stock": STOCK}
            response = self.call("POST", "/api/inventory/products/", json=body, headers=_bearer(staff_token))
            response.raise_for_status()
            ids.append(response.json()["id"])
        deadline = time.monotonic() + 60
        sql = "SELECT count(*) FROM orders_catalogueentry WHERE product_id = ANY(%s::uuid[])"
        while query("orders", sql, [ids])[0][0] < count:  # orders learns of them by event
            if time.monotonic() > deadline:
                raise RuntimeError("orders never heard of the chaos products")
            time.sleep(0.2)
        return ids


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _outcome_of(error: Exception) -> str:
    if isinstance(error, requests.Timeout):
        return "timeout"
    if isinstance(error, requests.ConnectionError):
        return "connection"
    return type(error).__name__


def place(shop: Shop, token: str, order: ClientOrder, deadline: float) -> None:
    """Send the order until it is accepted, with the same Idempotency-Key every time."""
    body = {"lines": [{"product_id": order.product_id, "quantity": order.quantity}]}
    headers = {**_bearer(token), "Idempotency-Key": order.key}
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            response = shop.call("POST", "/api/orders/", json=body, headers=headers, timeout=ATTEMPT_TIMEOUT)
        except requests.RequestException as error:
            order.attempts.append(Attempt(_outcome_of(error), time.monotonic() - started))
            time.sleep(0.5)
            continue
        attempt = Attempt(str(response.status_code), time.monotonic() - started, response.headers.get("Retry-After"))
        if response.status_code >= 400:
            attempt.json_error = "error" in _json_or_empty(response)
        order.attempts.append(attempt)
        if response.status_code in (200, 201):
            order.order_id = response.json()["id"]
            read_back(shop, token, order)
            return
        pause = float(attempt.retry_after or 0.5)
        time.sleep(min(max(pause, 0.2), 2.0))


def read_back(shop: Shop, token: str, order: ClientOrder) -> None:
    for path in (f"/api/orders/{order.order_id}/", f"/api/inventory/products/{order.product_id}/"):
        started = time.monotonic()
        try:
            response = _get_as_browsers_do(shop, path, token)
        except requests.RequestException as error:
            order.reads.append(Attempt(_outcome_of(error), time.monotonic() - started))
            continue
        attempt = Attempt(str(response.status_code), time.monotonic() - started, response.headers.get("Retry-After"))
        attempt.json_error = response.status_code < 400 or "error" in _json_or_empty(response)
        order.reads.append(attempt)


def _get_as_browsers_do(shop: Shop, path: str, token: str) -> requests.Response:
    """A GET, sent once more on a new connection if the kept-alive one it went out on was
    closed under it: nginx closes idle keep-alive connections when it reloads, and a request
    already on its way on one is lost; HTTP clients resend such an idempotent request (RFC 9112,
    9.3.1), as browsers do. A second failure counts."""
    try:
        return shop.call("GET", path, headers=_bearer(token), timeout=ATTEMPT_TIMEOUT)
    except requests.ConnectionError:
        return shop.call("GET", path, headers=_bearer(token), timeout=ATTEMPT_TIMEOUT)


def _json_or_empty(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def stream(shop: Shop, token: str, products: list[str], *, rate: float, seconds: float) -> list[ClientOrder]:
    """Orders at `rate` per second for `seconds`, each in its own client (open loop: a stalled
    system does not slow the arrivals)."""
    orders = []
    deadline = time.monotonic() + seconds + GIVE_UP_AFTER
    with ThreadPoolExecutor(max_workers=int(rate * ATTEMPT_TIMEOUT) + 8) as pool:
        start = time.monotonic()
        for n in range(int(rate * seconds)):
            time.sleep(max(0.0, start + n / rate - time.monotonic()))
            order = ClientOrder(uuid.uuid4().hex, random.choice(products), random.randint(1, 2))  # noqa: S311
            orders.append(order)
            pool.submit(place, shop, token, order, deadline)
    return orders


def _terminal_times(user_id: str) -> list[tuple[str, str, float, float]]:
    """(id, status, placed, last change) of every order of the customer, as epoch seconds."""
    return query(
        "orders",
        "SELECT id::text, status, EXTRACT(EPOCH FROM created_at)::float, EXTRACT(EPOCH FROM updated_at)::float "
        "FROM orders_order WHERE user_id = %s",
        [user_id],
    )


def wait_until_terminal(user_id: str, timeout: float) -> list[tuple]:
    deadline = time.monotonic() + timeout
    while True:
        rows = _terminal_times(user_id)
        if all(status in TERMINAL for _, status, _, _ in rows) or time.monotonic() > deadline:
            return rows
        time.sleep(0.5)


def heal_seconds(rows: list[tuple], fault_end: float) -> float | None:
    """How long after the fault ended the last order it delayed became terminal: orders that
    took more than 2 s from placed to terminal count as delayed (the saga takes tens of ms)."""
    if any(status not in TERMINAL for _, status, _, _ in rows):
        return None
    delayed = [changed for _, _, placed, changed in rows if changed - placed > 2.0]
    return round(max(0.0, max(delayed) - fault_end), 1) if delayed else 0.0


def ledger(user_id: str, orders: list[ClientOrder], products: list[str]) -> dict:
    stored = query("orders", "SELECT id::text, idempotency_key, status FROM orders_order WHERE user_id = %s", [user_id])
    stored_ids = {order_id for order_id, _, _ in stored}
    accepted = {order.order_id for order in orders if order.order_id}
    keys = Counter(key for _, key, _ in stored)
    reservations = query(
        "inventory",
        "SELECT count(*) FROM (SELECT order_id FROM inventory_reservation WHERE product_id = ANY(%s::uuid[]) "
        "GROUP BY order_id, product_id HAVING count(*) > 1) twice",
        [products],
    )[0][0]
    confirmed = dict(
        query(
            "orders",
            "SELECT l.product_id::text, sum(l.quantity) FROM orders_orderline l "
            "JOIN orders_order o ON o.id = l.order_id WHERE o.user_id = %s AND o.status = 'CONFIRMED' "
            "GROUP BY l.product_id",
            [user_id],
        )
    )
    levels = query(
        "inventory",
        "SELECT product_id::text, available, reserved FROM inventory_stocklevel WHERE product_id = ANY(%s::uuid[])",
        [products],
    )
    balanced = len(levels) == len(products) and all(
        available + reserved == STOCK and reserved == confirmed.get(pid, 0) for pid, available, reserved in levels
    )
    return {
        "lost": len(accepted - stored_ids),
        "stored_unseen": len(stored_ids - accepted),
        "duplicated": sum(count - 1 for count in keys.values() if count > 1) + len(stored) - len(keys),
        "reserved_twice": reservations,
        "stock_balanced": balanced,
    }


def run_fault(fault: Fault, *, rate: float = 20, seconds: float = 30, fault_at: float = 8) -> Report:
    shop = Shop()
    staff_token = shop.token("admin@shop.local", secret("DEMO_ADMIN_PASSWORD"))
    products = shop.products(staff_token, PRODUCTS)
    user_id, token = shop.customer()
    fault_end = {}

    def inject():
        time.sleep(fault_at)
        try:
            fault.inject()
        except Exception as error:  # the report says so; the stream and the ledger go on
            fault_end["error"] = f"{type(error).__name__}: {error}"
        fault_end["at"] = time.time()

    injector = threading.Thread(target=inject, daemon=True)
    injector.start()
    orders = stream(shop, token, products, rate=rate, seconds=seconds)
    injector.join()
    rows = wait_until_terminal(user_id, timeout=fault.heal_within + 90)
    failed = Counter(a.outcome for o in orders for a in o.attempts if a.outcome not in ("200", "201"))
    failed_reads = Counter(a.outcome for o in orders for a in o.reads if a.outcome != "200")
    everything = [a for o in orders for a in (*o.attempts, *o.reads)]
    bad_503s = sum(1 for a in everything if a.outcome == "503" and not (a.retry_after and a.json_error))
    return Report(
        fault=fault.name,
        what=fault.what,
        sent=len(orders),
        accepted=sum(1 for o in orders if o.order_id),
        failed_attempts=dict(failed),
        failed_reads=dict(failed_reads),
        bad_503s=bad_503s,
        slowest_attempt_s=round(max((a.seconds for a in everything), default=0.0), 2),
        heal_s=heal_seconds(rows, fault_end["at"]),
        slowest_saga_s=round(max((changed - placed for _, _, placed, changed in rows), default=0.0), 2),
        heal_within_s=fault.heal_within,
        not_terminal=sum(1 for _, status, _, _ in rows if status not in TERMINAL),
        **ledger(user_id, orders, products),
        injection_error=fault_end.get("error"),
    )


def print_table(reports: list[Report]) -> None:
    header = (
        "| fault | sent | accepted | failed attempts (retried) | failed reads | slowest request | slowest saga "
        "| healed after | lost | dup | stock | verdict |"
    )
    print(header)
    print("|" + " --- |" * header.count(" | ") + " --- |")
    for r in reports:
        failed = ", ".join(f"{n} x {kind}" for kind, n in sorted(r.failed_attempts.items())) or "none"
        reads = ", ".join(f"{n} x {kind}" for kind, n in sorted(r.failed_reads.items())) or "none"
        healed = "never" if r.heal_s is None else f"{r.heal_s} s"
        verdict = "ok" if not r.problems else "; ".join(r.problems)
        stock = "balanced" if r.stock_balanced else "UNBALANCED"
        print(
            f"| {r.fault} | {r.sent} | {r.accepted} | {failed} | {reads} | {r.slowest_attempt_s} s "
            f"| {r.slowest_saga_s} s | {healed} | {r.lost} | {r.duplicated} | {stock} | {verdict} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("faults", nargs="*", help=f"any of: {', '.join(FAULTS)} (default: all)")
    parser.add_argument("--list", action="store_true", help="list the faults and exit")
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--fault-at", type=float, default=8)
    parser.add_argument("--json", help="also write the reports here")
    args = parser.parse_args()
    if args.list:
        for fault in FAULTS.values():
            print(f"{fault.name:22} {fault.what}")
        return 0
    unknown = [name for name in args.faults if name not in FAULTS]
    if unknown:
        parser.error(f"unknown faults {unknown}; try --list")
    reports = []
    for name in args.faults or list(FAULTS):
        print(f"-- {name}: {FAULTS[name].what}", flush=True)
        reports.append(run_fault(FAULTS[name], rate=args.rate, seconds=args.seconds, fault_at=args.fault_at))
        print(json.dumps(asdict(reports[-1])), flush=True)
    print()
    print_table(reports)
    if args.json:
        with open(args.json, "w") as out:
            json.dump([asdict(r) for r in reports], out, indent=2)
    return 0 if all(not r.problems for r in reports) else 1


if __name__ == "__main__":
    raise SystemExit(main())
