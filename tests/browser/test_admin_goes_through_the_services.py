"""The admin is one more way into the service layer, not a way around it: what staff change
there reaches the other services through the same events as a change through the API."""

import uuid
from decimal import Decimal

from ..support import eventually, new_product, place_order, query, settled


def orders_catalogue_price(product_id: str) -> Decimal | None:
    rows = query("orders", "SELECT price FROM orders_catalogueentry WHERE product_id = %s", [product_id])
    return rows[0][0] if rows else None


def test_a_price_changed_in_the_admin_is_what_orders_charge(staff_context, open_page, gateway, staff, customer):
    product = new_product(gateway, staff, stock=5, price="10.00")
    eventually(lambda: orders_catalogue_price(product["id"]) == Decimal("10.00"))

    page = open_page(staff_context)
    page.goto(f"/inventory/admin/inventory/product/{product['id']}/change/")
    page.fill("#id_price", "14.25")
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()

    eventually(lambda: orders_catalogue_price(product["id"]) == Decimal("14.25"))
    # Read before the order: its reservation may be in the ledger a few milliseconds after it.
    ledger = gateway.get(f"/api/inventory/products/{product['id']}/movements/", headers=staff.auth).json()
    assert [m["reason"] for m in ledger["results"]] == ["initial stock"]  # a price change moves no stock
    order = place_order(gateway, customer, [{"product_id": product["id"], "quantity": 2}])
    assert order.status_code == 201, order.text
    assert order.json()["lines"][0]["unit_price"] == "14.25" and order.json()["total"] == "28.50"


def test_a_product_added_in_the_admin_has_stock_and_can_be_ordered(staff_context, open_page, gateway, staff, customer):
    sku = f"ADMIN-{uuid.uuid4().hex[:8]}"
    page = open_page(staff_context)
    page.goto("/inventory/admin/inventory/product/add/")
    page.fill("#id_sku", sku)
    page.fill("#id_name", "Added in the admin")
    page.fill("#id_price", "3.50")
    page.fill("#id_stock", "4")
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()

    listed = gateway.get("/api/inventory/products/", params={"sku": sku}, headers=staff.auth).json()["results"]
    assert len(listed) == 1 and listed[0]["stock_available"] == 4 and listed[0]["stock_reserved"] == 0
    product_id = listed[0]["id"]
    ledger = gateway.get(f"/api/inventory/products/{product_id}/movements/", headers=staff.auth).json()["results"]
    assert [(m["reason"], m["available_delta"], m["actor_id"]) for m in ledger] == [("initial stock", 4, staff.id)]

    eventually(lambda: orders_catalogue_price(product_id) == Decimal("3.50"))
    order = place_order(gateway, customer, [{"product_id": product_id, "quantity": 3}]).json()
    assert settled(gateway, customer, order["id"]) == "CONFIRMED"
    after = gateway.get(f"/api/inventory/products/{product_id}/", headers=staff.auth).json()
    assert (after["stock_available"], after["stock_reserved"]) == (1, 3)


def test_staff_cancel_an_order_in_the_admin_and_its_stock_comes_back(
    staff_context, open_page, gateway, staff, customer
):
    product = new_product(gateway, staff, stock=3)
    order = place_order(gateway, customer, [{"product_id": product["id"], "quantity": 2}]).json()
    assert settled(gateway, customer, order["id"]) == "CONFIRMED"

    page = open_page(staff_context)
    page.goto(f"/orders/admin/orders/order/?q={order['id']}")
    page.locator("input.action-select").first.check()
    page.select_option("select[name=action]", "cancel")
    page.click("button[name=index]")
    page.locator(".messagelist .success").wait_for()

    status = gateway.get(f"/api/orders/{order['id']}/", headers=customer.auth).json()["status"]
    assert status == "CANCELLED"
    eventually(
        lambda: (
            gateway.get(f"/api/inventory/products/{product['id']}/", headers=staff.auth).json()["stock_available"] == 3
        )
    )
