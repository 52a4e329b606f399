"""Processes die; the system says so clearly and recovers when they return."""

import re
import uuid

from .support import MANIFEST, SERVICES, assert_error_shape, eventually, manage_all, register_and_login


def test_a_stopped_service_gets_a_fast_json_503_with_retry_after_and_comes_back(gateway, stopped):
    stopped("inventory-api")  # every instance of it
    refused = gateway.get("/api/inventory/healthz")
    assert_error_shape(refused, 503, "upstream_unavailable")
    assert refused.headers["Retry-After"] == "2"
    assert gateway.get("/api/orders/healthz").status_code == 200  # the others are untouched
    assert manage_all("start", "inventory-api").returncode == 0
    assert gateway.get("/api/inventory/healthz").status_code == 200


def test_a_checked_token_keeps_working_while_the_verifier_is_down(gateway, stopped):
    known = register_and_login(gateway)
    assert gateway.get("/api/auth/me/", headers=known.auth).status_code == 200  # checked, and cached
    unknown = register_and_login(gateway)
    stopped("auth-verify")
    assert gateway.get("/api/auth/me/", headers=known.auth).status_code == 200
    refused = gateway.get("/api/auth/me/", headers=unknown.auth)
    assert_error_shape(refused, 503, "gateway_error")  # fails closed: no check, no entry
    assert "Retry-After" in refused.headers
    assert manage_all("start", "auth-verify").returncode == 0
    # Back within seconds: the gateway retries an instance it marked failed after fail_timeout (3 s).
    eventually(lambda: gateway.get("/api/auth/me/", headers=unknown.auth).status_code == 200, timeout=10, interval=0.5)


def test_status_lists_every_process_running_and_every_queue_and_relay():
    result = manage_all("status")
    assert result.returncode == 0
    names = {line.split()[0].split(":")[-1] for line in result.stdout.splitlines() if "RUNNING" in line}
    for service in MANIFEST.load()["service"]:
        for pool_name, pool in MANIFEST.pools(service):
            assert {f"{pool_name}-{n}" for n in range(1, pool["instances"] + 1)} <= names
    assert {"gateway", "watchdog", "inventory-worker", "orders-relay"} <= names
    # Each queue's depth and consumers, each relay's backlog.
    assert re.search(r"^inventory\.events\s+\d+\s+\d+\s+1$", result.stdout, flags=re.MULTILINE), result.stdout
    assert re.search(r"^orders-relay\s+\d+\s+[\d.]+s$", result.stdout, flags=re.MULTILINE), result.stdout


def test_every_api_pool_runs_two_instances_behind_the_gateway(gateway, stopped):
    """Each instance serves by itself: with one stopped the other answers every request."""
    for service in SERVICES:
        stopped(f"{service}-api-1")
        assert all(gateway.get(f"/api/{service}/healthz").status_code == 200 for _ in range(5)), service
        assert manage_all("start", f"{service}-api-1").returncode == 0
        stopped(f"{service}-api-2")
        assert all(gateway.get(f"/api/{service}/healthz").status_code == 200 for _ in range(5)), service
        assert manage_all("start", f"{service}-api-2").returncode == 0


def test_readyz_reports_database_cache_and_broker(gateway):
    for service in SERVICES:
        body = gateway.get(f"/api/{service}/readyz").json()
        assert body["status"] == "ready", body
        assert {name: check["ok"] for name, check in body["checks"].items()} == {
            "database": True,
            "cache": True,
            "broker": True,
        }


def test_orders_are_taken_while_inventory_is_down_and_complete_when_it_returns(gateway, staff, account, stopped):
    from .support import eventually, new_product, query, settled

    product = new_product(gateway, staff, stock=5)
    # Orders keeps its own copy of the catalogue, from inventory's product events.
    sql = "SELECT count(*) FROM orders_catalogueentry WHERE product_id = %s"
    eventually(lambda: query("orders", sql, [product["id"]])[0][0] == 1)
    stopped("inventory-api")
    stopped("inventory-worker")
    line = [{"product_id": product["id"], "quantity": 2}]
    placed = gateway.post("/api/orders/", json={"lines": line}, headers=account.auth)
    assert placed.status_code == 201, placed.text
    assert placed.json()["status"] == "PENDING" and placed.json()["total"] == "25.00"
    assert manage_all("start", "inventory-api").returncode == 0
    assert manage_all("start", "inventory-worker").returncode == 0
    assert settled(gateway, account, placed.json()["id"]) == "CONFIRMED"


def test_a_product_orders_never_heard_of_needs_inventory_and_gets_a_clear_503(gateway, account, stopped):
    stopped("inventory-api")
    line = [{"product_id": str(uuid.uuid4()), "quantity": 1}]
    response = gateway.post("/api/orders/", json={"lines": line}, headers=account.auth)
    error = assert_error_shape(response, 503, "dependency_unavailable")
    assert error["details"]["dependency"] == "inventory"
    assert gateway.get("/api/orders/", headers=account.auth).json()["results"] == []
