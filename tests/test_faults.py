"""Processes die; the system says so clearly and recovers when they return."""

import uuid

from .support import assert_error_shape, manage_all, register_and_login


def test_a_stopped_service_gets_a_json_502_and_comes_back(gateway, stopped):
    stopped("inventory-api")
    assert_error_shape(gateway.get("/api/inventory/healthz"), 502, "upstream_unavailable")
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
    assert_error_shape(refused, 500, "gateway_error")  # fails closed: no check, no entry
    assert manage_all("start", "auth-verify").returncode == 0
    assert gateway.get("/api/auth/me/", headers=unknown.auth).status_code == 200


def test_status_lists_every_process_running():
    result = manage_all("status")
    assert result.returncode == 0
    names = {line.split()[0] for line in result.stdout.splitlines() if "RUNNING" in line}
    assert {"auth-api", "auth-verify", "inventory-api", "orders-api", "notifications-api", "gateway"} <= names


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
