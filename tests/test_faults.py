"""Processes die; the system says so clearly and recovers when they return."""

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


def test_orders_say_503_when_inventory_is_down_and_store_nothing(gateway, staff, account, stopped):
    product = gateway.get("/api/inventory/products/", params={"sku": "TEA-001"}, headers=account.auth).json()
    product_id = product["results"][0]["id"]
    stopped("inventory-api")
    response = gateway.post(
        "/api/orders/", json={"lines": [{"product_id": product_id, "quantity": 1}]}, headers=account.auth
    )
    error = assert_error_shape(response, 503, "dependency_unavailable")
    assert error["details"]["dependency"] == "inventory"
    assert gateway.get("/api/orders/", headers=account.auth).json()["results"] == []
    assert manage_all("start", "inventory-api").returncode == 0
    placed = gateway.post(
        "/api/orders/", json={"lines": [{"product_id": product_id, "quantity": 1}]}, headers=account.auth
    )
    assert placed.status_code == 201  # the circuit did not open for one failure; service is back
