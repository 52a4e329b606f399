"""The domain APIs end to end: staff stock the shop, customers order, every service keeps
its own data and each caller sees only their own."""

import uuid

import pytest

from .support import assert_error_shape, new_product, place_order, register_and_login


def order_count(gateway, account) -> int:
    return len(gateway.get("/api/orders/", params={"page_size": 100}, headers=account.auth).json()["results"])


@pytest.fixture
def product(gateway, staff):
    return new_product(gateway, staff)


def test_staff_creates_a_product_that_customers_can_list(gateway, staff, account, product):
    assert product["stock_available"] == 10 and product["stock_reserved"] == 0
    listed = gateway.get("/api/inventory/products/", params={"sku": product["sku"]}, headers=account.auth)
    assert [p["id"] for p in listed.json()["results"]] == [product["id"]]
    assert gateway.get(f"/api/inventory/products/{product['id']}/", headers=account.auth).json()["price"] == "12.50"


def test_customers_cannot_create_products_or_adjust_stock(gateway, account, product):
    assert_error_shape(
        gateway.post(
            "/api/inventory/products/", json={"sku": "NOPE-1", "name": "x", "price": "1"}, headers=account.auth
        ),
        403,
        "permission_denied",
    )
    assert_error_shape(
        gateway.post(
            f"/api/inventory/products/{product['id']}/stock/", json={"delta": 5, "reason": "x"}, headers=account.auth
        ),
        403,
    )


def test_the_demo_catalogue_is_seeded(gateway, account):
    page = gateway.get("/api/inventory/products/", params={"sku": "MUG-001"}, headers=account.auth).json()
    assert page["results"] and page["results"][0]["name"] == "Enamel mug"


def test_a_customer_orders_and_sees_it_pending_with_prices_copied(gateway, staff, account, product):
    other = new_product(gateway, staff, price="3.20")
    response = place_order(
        gateway, account, [{"product_id": product["id"], "quantity": 2}, {"product_id": other["id"], "quantity": 5}]
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "PENDING"
    assert order["total"] == "41.00"
    assert {(line["sku"], line["unit_price"], line["quantity"]) for line in order["lines"]} == {
        (product["sku"], "12.50", 2),
        (other["sku"], "3.20", 5),
    }
    # The price as sold stays, whatever inventory does later.
    gateway.patch(f"/api/inventory/products/{product['id']}/", json={"price": "99.00"}, headers=staff.auth)
    again = gateway.get(f"/api/orders/{order['id']}/", headers=account.auth).json()
    assert again["lines"][0]["unit_price"] in ("12.50", "3.20") and again["total"] == "41.00"


def test_another_customer_gets_404_for_my_order(gateway, account, product):
    order = place_order(gateway, account, [{"product_id": product["id"], "quantity": 1}]).json()
    stranger = register_and_login(gateway)
    assert_error_shape(gateway.get(f"/api/orders/{order['id']}/", headers=stranger.auth), 404, "not_found")
    assert_error_shape(gateway.post(f"/api/orders/{order['id']}/cancel/", headers=stranger.auth), 404)
    assert gateway.get(f"/api/orders/{order['id']}/", headers=account.auth).json()["id"] == order["id"]


def test_an_idempotent_retry_makes_no_second_order(gateway, account, product):
    lines = [{"product_id": product["id"], "quantity": 1}]
    key = f"e2e-{uuid.uuid4()}"
    first = place_order(gateway, account, lines, **{"Idempotency-Key": key})
    retry = place_order(gateway, account, lines, **{"Idempotency-Key": key})
    assert first.status_code == retry.status_code == 201
    assert first.json()["id"] == retry.json()["id"]
    assert order_count(gateway, account) == 1
    other_body = place_order(
        gateway, account, [{"product_id": product["id"], "quantity": 2}], **{"Idempotency-Key": key}
    )
    assert_error_shape(other_body, 422, "idempotency_key_reused")
    assert order_count(gateway, account) == 1


def test_cancelling_a_pending_order(gateway, account, product):
    order = place_order(gateway, account, [{"product_id": product["id"], "quantity": 1}]).json()
    assert gateway.post(f"/api/orders/{order['id']}/cancel/", headers=account.auth).json()["status"] == "CANCELLED"
    assert_error_shape(gateway.post(f"/api/orders/{order['id']}/cancel/", headers=account.auth), 409, "invalid_state")


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        ("unknown", "an unknown product"),
        (0, "a zero quantity"),
        (1001, "a huge quantity"),
        ("many", "51 lines"),
        ("two", "a quantity of the wrong type"),
        ("dup", "the same product twice"),
        ("none", "no lines"),
    ],
)
def test_bad_orders_get_400_and_change_nothing(gateway, account, product, lines, why):
    line = {"product_id": product["id"], "quantity": 1}
    body = {
        "unknown": [{"product_id": str(uuid.uuid4()), "quantity": 1}],
        0: [{**line, "quantity": 0}],
        1001: [{**line, "quantity": 1001}],
        "many": [{"product_id": str(uuid.uuid4()), "quantity": 1} for _ in range(51)],
        "two": [{**line, "quantity": "two"}],
        "dup": [line, line],
        "none": [],
    }[lines]
    error = assert_error_shape(place_order(gateway, account, body), 400, "validation_error")
    assert "lines" in error["details"], why
    assert order_count(gateway, account) == 0


def test_malformed_json_changes_nothing(gateway, account):
    response = gateway.post(
        "/api/orders/", data='{"lines": [', headers={**account.auth, "Content-Type": "application/json"}
    )
    assert_error_shape(response, 400, "parse_error")
    assert order_count(gateway, account) == 0


def test_stock_adjustments_answer_with_the_new_level_and_refuse_going_negative(gateway, staff, product):
    url = f"/api/inventory/products/{product['id']}/stock/"
    raised = gateway.post(url, json={"delta": 5, "reason": "delivery"}, headers=staff.auth)
    assert raised.json()["stock_available"] == 15
    refused = gateway.post(url, json={"delta": -16, "reason": "too much"}, headers=staff.auth)
    error = assert_error_shape(refused, 409, "insufficient_stock")
    assert error["details"]["available"] == 15
    assert gateway.get(f"/api/inventory/products/{product['id']}/", headers=staff.auth).json()["stock_available"] == 15
    movements = gateway.get(f"/api/inventory/products/{product['id']}/movements/", headers=staff.auth).json()["results"]
    assert [m["reason"] for m in movements] == ["delivery", "initial stock"]


def test_staff_announce_and_only_the_recipient_sees_it(gateway, staff, account):
    sent = gateway.post(
        "/api/notifications/",
        json={"user_id": account.id, "message": "Welcome to the e2e shop", "email": account.email},
        headers=staff.auth,
    )
    assert sent.status_code == 201
    unread = gateway.get("/api/notifications/", params={"unread": "true"}, headers=account.auth).json()["results"]
    inbox = [n for n in unread if n["kind"] == "announcement"]
    assert [n["message"] for n in inbox] == ["Welcome to the e2e shop"]
    stranger = register_and_login(gateway)
    stranger_sees = gateway.get("/api/notifications/", headers=stranger.auth).json()["results"]
    assert "Welcome to the e2e shop" not in {n["message"] for n in stranger_sees}
    read = gateway.post(f"/api/notifications/{inbox[0]['id']}/read/", headers=account.auth)
    assert read.json()["read"] is True
    still_unread = gateway.get("/api/notifications/", params={"unread": "true"}, headers=account.auth).json()
    assert inbox[0]["id"] not in {n["id"] for n in still_unread["results"]}
