"""A staff member in a browser: every admin, every browsable API list, the API docs of every
service and Flower render, with no console error and no failed request."""

import re

import pytest

from ..support import GATEWAY_URL, SERVICES, place_order

# One changelist per service, and the first object's change form.
CHANGELISTS = {
    "auth": "/auth/admin/accounts/user/",
    "inventory": "/inventory/admin/inventory/product/",
    "orders": "/orders/admin/orders/order/",
    "notifications": "/notifications/admin/notifications/notification/",
}
BROWSABLE_LISTS = [
    "/api/auth/me/",
    "/api/inventory/products/",
    "/api/orders/",
    "/api/notifications/",
]


@pytest.fixture(scope="module", autouse=True)
def an_order_exists(gateway, staff):
    """The orders admin has something to show."""
    products = gateway.get("/api/inventory/products/", headers=staff.auth).json()["results"]
    response = place_order(gateway, staff, [{"product_id": products[0]["id"], "quantity": 1}])
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("service", SERVICES)
def test_every_admin_shows_its_index_a_changelist_and_a_change_form(staff_context, open_page, service):
    page = open_page(staff_context)
    page.goto(f"/{service}/admin/")
    assert page.title() == f"Site administration | shop · {service} admin"
    assert page.locator("#site-name").inner_text() == f"shop · {service} admin"
    navigation = page.get_by_role("navigation", name="shop")
    for other in SERVICES:
        assert navigation.get_by_role("link", name=f"{other} admin").get_attribute("href") == f"/{other}/admin/"
    assert navigation.get_by_role("link", name="Home").get_attribute("href") == "/"
    if service != "auth":  # staff shadows are not the shop's users
        assert page.get_by_role("link", name="Users", exact=True).count() == 0

    page.goto(CHANGELISTS[service])
    rows = page.locator("#result_list tbody tr")
    assert rows.count() > 0
    rows.first.locator("th a, td a").first.click()
    page.wait_for_url(re.compile(r"/change/$"))
    assert page.locator("#content h1").inner_text().startswith(("Change", "View"))


@pytest.mark.parametrize("path", BROWSABLE_LISTS)
def test_every_browsable_api_list_renders_with_who_is_signed_in(staff_context, open_page, path):
    page = open_page(staff_context)
    response = page.goto(path)
    assert response.status == 200 and "text/html" in response.headers["content-type"]
    assert page.get_by_test_id("signed-in-as").inner_text() == "admin@shop.local"
    assert page.get_by_role("link", name="Sign out").get_attribute("href") == "/auth/logout/"
    assert page.locator(".response-info").count() == 1  # DRF's rendered response


def test_every_browsable_api_detail_page_renders(staff_context, open_page, gateway, staff):
    product = gateway.get("/api/inventory/products/", headers=staff.auth).json()["results"][0]
    order = gateway.get("/api/orders/", headers=staff.auth).json()["results"][0]
    notification = gateway.get("/api/notifications/", headers=staff.auth).json()["results"][0]
    page = open_page(staff_context)
    for path in [
        f"/api/inventory/products/{product['id']}/",
        f"/api/inventory/products/{product['id']}/movements/",
        f"/api/orders/{order['id']}/",
        f"/api/notifications/{notification['id']}/",
    ]:
        response = page.goto(path)
        assert response.status == 200 and "text/html" in response.headers["content-type"], path
        assert page.locator(".response-info").count() == 1, path


def test_swagger_try_it_out_calls_the_api_with_the_session(staff_context, open_page):
    page = open_page(staff_context)
    page.goto("/api/orders/docs/")
    operation = page.locator("#operations-orders-orders_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    with page.expect_response(lambda r: r.url.split("?")[0] == f"{GATEWAY_URL}/api/orders/") as answer:
        operation.get_by_role("button", name="Execute").click()
    assert answer.value.status == 200
    assert operation.locator(".live-responses-table tbody .response-col_status").first.inner_text().strip() == "200"


@pytest.mark.parametrize("service", SERVICES)
def test_swagger_ui_lists_every_operation_under_a_meaningful_name(staff_context, open_page, gateway, service):
    operations = [
        op["operationId"]
        for methods in gateway.get(f"/api/{service}/schema/?format=json").json()["paths"].values()
        for op in methods.values()
    ]
    assert operations and not [op for op in operations if op.startswith("root")]
    page = open_page(staff_context)
    page.goto(f"/api/{service}/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() == len(operations)


@pytest.mark.parametrize("service", SERVICES)
def test_redoc_renders_every_operation(staff_context, open_page, gateway, service):
    schema = gateway.get(f"/api/{service}/schema/?format=json").json()
    count = sum(len(methods) for methods in schema["paths"].values())
    page = open_page(staff_context)
    page.goto(f"/api/{service}/redoc/")
    page.locator("[data-section-id^='operation/']").first.wait_for()
    assert page.locator("[data-section-id^='operation/']").count() == count


def test_flower_shows_the_workers(staff_context, open_page):
    page = open_page(staff_context)
    page.goto("/flower/")
    page.locator("#workers-table").wait_for()
    page.get_by_text(re.compile(r"^inventory@")).first.wait_for()


def test_flower_s_broker_page_shows_every_consumer_queue(staff_context, open_page):
    page = open_page(staff_context)
    page.goto("/flower/broker")
    for queue in ("inventory.events", "orders.events", "notifications.events"):
        page.get_by_text(queue, exact=True).first.wait_for()
