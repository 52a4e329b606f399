"""One sign-in on the auth service's page opens every service's admin (staff only)."""

import re

import psycopg
import pytest
import redis

from .support import SERVICES, VAR, Gateway, read_env_file, register_and_login, secret, sign_in_through_the_form


@pytest.fixture(scope="module")
def staff_browser():
    browser = Gateway()
    signed_in = sign_in_through_the_form(browser, "admin@shop.local", secret("DEMO_ADMIN_PASSWORD"), "/orders/admin/")
    assert signed_in.status_code == 302, signed_in.text
    assert signed_in.headers["Location"] == "/orders/admin/"
    return browser


@pytest.mark.parametrize("service", SERVICES)
def test_an_admin_without_sign_in_sends_the_browser_to_the_sign_in_page(gateway, service):
    response = Gateway().get(f"/{service}/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/auth/login/?next=/{service}/admin/")


@pytest.mark.parametrize("service", SERVICES)
def test_one_sign_in_opens_every_admin(staff_browser, service):
    response = staff_browser.get(f"/{service}/admin/")
    assert response.status_code == 200
    assert "Site administration" in response.text
    stylesheet = staff_browser.get(f"/{service}/static/admin/css/base.css")
    assert stylesheet.status_code == 200  # the gateway serves each admin's static files


def test_the_admin_session_lives_in_redis(staff_browser):
    staff_browser.get("/inventory/admin/")
    env = read_env_file(VAR / "env" / "inventory.env")
    client = redis.Redis.from_url(env["REDIS_URL"])
    assert any(client.scan_iter(match="inventory:*django.contrib.sessions.cache*", count=1000))


def test_a_service_keeps_a_staff_shadow_of_the_signed_in_admin(staff_browser):
    staff_browser.get("/orders/admin/")
    env = read_env_file(VAR / "env" / "orders.env")
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT is_staff, is_superuser, password FROM auth_user WHERE username = %s", ["admin@shop.local"]
        ).fetchone()
    assert row is not None
    is_staff, is_superuser, password = row
    assert is_staff and is_superuser
    assert password.startswith("!")  # unusable: the shadow can only be entered through SSO


def test_a_customer_signed_in_gets_no_admin(gateway):
    customer = register_and_login(gateway)
    browser = Gateway()
    assert sign_in_through_the_form(browser, customer.email, customer.password, "/inventory/admin/").status_code == 302
    response = browser.get("/inventory/admin/")
    assert response.status_code == 302
    assert "/inventory/admin/login/" in response.headers["Location"]


def test_the_browsable_api_works_with_the_sso_cookie(staff_browser):
    response = staff_browser.get("/api/auth/me/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "admin@shop.local" in response.text
    assert "shop · auth API" in response.text  # the browsable API, titled for its service


def test_cookie_authenticated_writes_need_a_csrf_token(staff_browser):
    response = staff_browser.post("/api/auth/password/", json={"old_password": "x", "new_password": "y"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_signing_out_clears_the_session_cookies(gateway):
    customer = register_and_login(gateway)
    browser = Gateway()
    sign_in_through_the_form(browser, customer.email, customer.password, "/auth/admin/")
    assert browser.cookies.get("shop_access")
    response = browser.get("/auth/logout/")
    assert response.status_code == 302
    assert not browser.cookies.get("shop_access")


@pytest.mark.parametrize(
    "page",
    [
        "/auth/admin/accounts/user/",
        "/inventory/admin/inventory/product/",
        "/inventory/admin/inventory/stockmovement/",
        "/inventory/admin/inventory/reservation/",
        "/orders/admin/orders/order/",
        "/orders/admin/orders/order/?q=not-a-uuid",
        "/notifications/admin/notifications/notification/",
        "/notifications/admin/notifications/recipient/",
        "/orders/admin/servicekit/outboxevent/?state=pending",
        "/inventory/admin/servicekit/inboxevent/",
        "/notifications/admin/servicekit/deadletter/",
        "/auth/admin/servicekit/outboxevent/",
    ],
)
def test_every_admin_page_answers(staff_browser, page):
    response = staff_browser.get(page)
    assert response.status_code == 200, response.text[:300]


def test_a_product_page_shows_stock_and_its_ledger(staff_browser, gateway, staff):
    product = gateway.get("/api/inventory/products/", params={"sku": "MUG-001"}, headers=staff.auth).json()
    page = staff_browser.get(f"/inventory/admin/inventory/product/{product['results'][0]['id']}/change/")
    assert page.status_code == 200
    assert "initial stock" in page.text and "Enamel mug" in page.text


def test_the_browsable_api_of_another_service_works_with_the_sso_cookie(staff_browser):
    response = staff_browser.get("/api/inventory/products/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "Product List" in response.text or "Products" in response.text


def test_the_outbox_page_says_how_much_is_pending_and_how_old(staff_browser):
    page = staff_browser.get("/orders/admin/servicekit/outboxevent/")
    assert page.status_code == 200
    assert re.search(r"Pending: \d+; oldest pending: (none pending|[\d.]+ s)", page.text)
