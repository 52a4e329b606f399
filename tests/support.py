"""Helpers for the cross-service suite: it reaches the system only as a client would,
through the gateway, plus the operator's view (var/ files, manage_all.sh) where a test
is about operations."""

import os
import re
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import requests

from servicekit.platform_manifest import load_manifest

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
GATEWAY_URL = os.environ.get("GATEWAY_URL", f"https://localhost:{os.environ.get('GATEWAY_HTTPS_PORT', '8443')}")
CA_BUNDLE = str(VAR / "certs" / "dev-ca.crt")


MANIFEST = load_manifest(ROOT)
SERVICES = tuple(MANIFEST.service_names())


def service_port(name: str) -> int:
    return next(service["port"] for service in MANIFEST.load()["service"] if service["name"] == name)


PASSWORD = "a-long-enough-passphrase"


def read_env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def secret(name: str) -> str:
    return read_env_file(VAR / "secrets.env")[name]


def manage_all(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (the project's own script)
        [str(ROOT / "manage_all.sh"), *args], capture_output=True, text=True, timeout=120, check=False
    )


class Gateway(requests.Session):
    """A client of the gateway: relative paths, the development CA trusted, and patient with
    the login rate limit (as a well-behaved client is: it honours Retry-After)."""

    def request(self, method, url, *args, **kwargs):
        # Per request: a session-level `verify` loses to REQUESTS_CA_BUNDLE in the environment.
        kwargs.setdefault("verify", CA_BUNDLE)
        kwargs.setdefault("timeout", 15)
        kwargs["allow_redirects"] = False  # every redirect is something a test looks at
        return super().request(method, f"{GATEWAY_URL}{url}" if url.startswith("/") else url, *args, **kwargs)

    def patient(self, method: str, url: str, **kwargs) -> requests.Response:
        for _ in range(30):
            response = self.request(method, url, **kwargs)
            if response.status_code != 429:
                return response
            time.sleep(float(response.headers.get("Retry-After", "1")))
        return response


@dataclass
class Account:
    id: str
    email: str
    password: str
    access: str
    refresh: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


class SignedInStaff(Account):
    """A long-lived signed-in account for a whole test session: its access token (5 minutes)
    is renewed through the refresh endpoint before it expires."""

    RENEW_AFTER_SECONDS = 180

    def __init__(self, gateway: Gateway, **fields):
        super().__init__(**fields)
        self._gateway = gateway
        self._renewed_at = time.monotonic()

    @property
    def auth(self) -> dict[str, str]:
        if time.monotonic() - self._renewed_at > self.RENEW_AFTER_SECONDS:
            response = self._gateway.post("/api/auth/refresh/", json={"refresh": self.refresh})
            assert response.status_code == 200, response.text
            self.access, self.refresh = response.json()["access"], response.json()["refresh"]
            self._renewed_at = time.monotonic()
        return {"Authorization": f"Bearer {self.access}"}


def register_and_login(gateway: Gateway, *, email: str | None = None, password: str = PASSWORD) -> Account:
    email = email or f"e2e-{uuid.uuid4().hex[:12]}@example.com"
    created = gateway.patient("POST", "/api/auth/register/", json={"email": email, "password": password})
    assert created.status_code == 201, created.text
    tokens = login(gateway, email, password)
    return Account(id=created.json()["id"], email=email, password=password, **tokens)


def login(gateway: Gateway, email: str, password: str) -> dict[str, str]:
    response = gateway.patient("POST", "/api/auth/login/", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def assert_error_shape(response: requests.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["request_id"] == response.headers["X-Request-ID"]
    if code:
        assert error["code"] == code
    return error


def service_env(service: str) -> dict[str, str]:
    return read_env_file(VAR / "env" / f"{service}.env")


def query(service: str, sql: str, params=()) -> list[tuple]:
    """Read a service's database as that service (operator's view, for fault tests)."""
    import psycopg

    with psycopg.connect(service_env(service)["DATABASE_URL"], connect_timeout=3) as conn:
        return conn.execute(sql, params).fetchall()


def eventually(check, *, timeout: float = 20.0, interval: float = 0.05):
    """Poll `check` until it returns something truthy; return that, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout} s: {getattr(check, '__name__', check)}")
        time.sleep(interval)


def publish_raw_event(as_service: str, envelope: dict) -> None:
    """Publish an event as `as_service` would (a Celery `events.handle` message to the topic
    exchange), bypassing its outbox: for redelivery and poison-message tests."""
    from celery import Celery

    app = Celery(broker=service_env(as_service)["BROKER_URL"])
    app.conf.broker_transport_options = {"confirm_publish": True}
    app.conf.task_default_exchange = "shop.events"
    app.conf.task_default_exchange_type = "topic"
    from kombu import Queue

    app.conf.task_default_queue = f"{as_service}.events"
    app.conf.task_queues = [Queue(f"{as_service}.events", no_declare=True)]
    app.send_task(
        "events.handle",
        args=[envelope],
        task_id=envelope["id"],
        exchange="shop.events",
        routing_key=envelope["type"],
    )
    app.close()


# --- The shop as a client uses it: shared by every end-to-end module -----------------------


def new_product(gateway, staff, *, stock=10, price="12.50") -> dict:
    sku = f"E2E-{uuid.uuid4().hex[:10]}"
    response = gateway.post(
        "/api/inventory/products/",
        json={"sku": sku, "name": f"Test product {sku}", "price": price, "stock": stock},
        headers=staff.auth,
    )
    assert response.status_code == 201, response.text
    return response.json()


def place_order(gateway, account, lines, **headers):
    return gateway.post("/api/orders/", json={"lines": lines}, headers={**account.auth, **headers})


def status_of(gateway, account, order_id) -> str:
    return gateway.get(f"/api/orders/{order_id}/", headers=account.auth).json()["status"]


def settled(gateway, account, order_id) -> str:
    return eventually(lambda: (s := status_of(gateway, account, order_id)) != "PENDING" and s)


def stock_of(gateway, staff, product_id) -> tuple[int, int]:
    body = gateway.get(f"/api/inventory/products/{product_id}/", headers=staff.auth).json()
    return body["stock_available"], body["stock_reserved"]


def notifications_of(gateway, account) -> list[dict]:
    return gateway.get("/api/notifications/", headers=account.auth).json()["results"]


def sign_in_through_the_form(browser: Gateway, email: str, password: str, next_path: str):
    form = browser.get(f"/auth/login/?next={next_path}")
    assert form.status_code == 200
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return browser.patient(
        "POST",
        "/auth/login/",
        data={"email": email, "password": password, "next": next_path, "csrfmiddlewaretoken": csrf},
        headers={"Referer": f"{browser.get('/auth/login/').url}", "Origin": "https://localhost:8443"},
    )


def newest_signing_key_pem() -> str:
    """The private key that signs tokens now: the newest of the key ring (var/keys/jwt)."""
    ring = sorted((VAR / "keys" / "jwt").glob("*.pem"), key=lambda path: int(path.stem))
    return ring[-1].read_text()


def public_pem_of(private_pem: str) -> str:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return public.decode()


# --- Dead letters, as the event-fault tests and the dashboard's replay button meet them ----


def dead_letters(service: str) -> str:
    return manage_all("manage", service, "dead_letters", "list").stdout


def notifications_in_db(user_id: str, kind: str) -> int:
    sql = "SELECT count(*) FROM notifications_notification WHERE user_id = %s AND kind = %s"
    return query("notifications", sql, [user_id, kind])[0][0]


def dead_lettered_confirmation() -> tuple[str, dict]:
    """An order confirmation for a user notifications has never heard of: it cannot tell
    them (no address), retries with backoff, then gives up into the dead-letter queue."""
    from servicekit.testing import event_envelope

    user_id = str(uuid.uuid4())
    payload = {"order_id": str(uuid.uuid4()), "user_id": user_id, "total": "9.00"}
    confirmed = event_envelope("orders.order.confirmed", payload, producer="orders")
    publish_raw_event("orders", confirmed)
    eventually(lambda: confirmed["id"] in dead_letters("notifications"), timeout=60, interval=0.5)
    return user_id, confirmed


def registration_arrives(user_id: str) -> None:
    """The fix: the user's registration reaches notifications at last."""
    from servicekit.testing import event_envelope

    payload = {"user_id": user_id, "email": f"late-{user_id[:8]}@example.com", "full_name": ""}
    publish_raw_event("auth", event_envelope("auth.user.registered", payload, producer="auth"))
    eventually(lambda: notifications_in_db(user_id, "welcome") == 1)
