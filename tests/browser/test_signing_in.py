"""A person in a browser: signs in, lands somewhere they may be, finds their way, signs out.
No combination of user and URL ends in a redirect loop."""

import re

import pytest

from ..support import GATEWAY_URL
from .conftest import new_context, sign_in


def test_an_anonymous_visitor_is_sent_to_sign_in_and_lands_home(browser, open_page, customer):
    context = new_context(browser)
    page = open_page(context)
    sign_in(page, customer.email, customer.password)
    assert page.url == f"{GATEWAY_URL}/"
    assert page.get_by_test_id("who").inner_text() == f"Signed in as {customer.email}."
    assert page.get_by_role("link", name="Sign out").is_visible()
    assert page.get_by_role("link", name="My orders").is_visible()
    assert page.get_by_role("link", name="inventory admin").count() == 0  # customers get no admin links
    context.close()


def test_a_failed_sign_in_says_so_and_keeps_the_email(browser, open_page, customer):
    context = new_context(browser)
    page = open_page(context)
    page.expect_status(401)
    page.goto("/auth/login/")
    page.fill("#email", customer.email)
    page.fill("#password", "not-the-password")
    page.click("button[type=submit]")
    assert page.get_by_role("alert").inner_text() == "Email or password is wrong."
    assert page.input_value("#email") == customer.email
    context.close()


def test_a_customer_finds_their_orders_is_refused_staff_pages_and_signs_out(customer_context, open_page, customer):
    page = open_page(customer_context)
    page.goto("/")
    page.get_by_role("link", name="My orders").click()
    page.wait_for_url(f"{GATEWAY_URL}/api/orders/")
    assert page.get_by_test_id("signed-in-as").inner_text() == customer.email
    assert "Order List" in page.title()

    page.expect_status(403)
    for staff_page, heading in [("/inventory/admin/", "Staff only"), ("/flower/", "Not allowed")]:
        response = page.goto(staff_page)
        assert response.status == 403 and "text/html" in response.headers["content-type"]
        assert page.locator("h1").inner_text() == heading
        assert page.get_by_role("link", name="Home").is_visible()

    page.goto("/")
    page.get_by_role("link", name="Sign out").click()
    page.wait_for_url(re.compile(r"/auth/login/\?signed_out=1$"))
    assert page.get_by_role("status").inner_text() == "You are signed out."
    assert not [c for c in customer_context.cookies() if c["name"].startswith("shop_")]
    page.goto("/api/orders/")
    assert "/auth/login/" in page.url  # signed out for real


PAGES = [
    "/",
    "/auth/login/",
    "/auth/login/?next=/inventory/admin/",
    "/auth/login/?next=https://evil.example/",
    "/auth/admin/",
    "/orders/admin/orders/order/",
    "/notifications/admin/login/?next=/notifications/admin/",
    "/flower/",
    "/api/orders/",
    "/no-such-page/",
]


@pytest.mark.parametrize("who", ["anonymous", "customer", "staff"])
def test_no_user_meets_a_redirect_loop_anywhere(browser, open_page, customer, staff_context, who):
    context = new_context(browser) if who != "staff" else staff_context
    if who == "customer":
        sign_in(context.new_page(), customer.email, customer.password)
    page = open_page(context)
    page.expect_status(403, 404)
    for path in PAGES:
        response = page.goto(path)  # Chromium gives up on a loop with ERR_TOO_MANY_REDIRECTS
        assert response.status in (200, 403, 404), (path, response.status)
        signed_in_page = "/auth/login/" not in page.url
        assert signed_in_page == (who != "anonymous") or path == "/no-such-page/", (path, page.url)
    if who != "staff":
        context.close()


def test_an_expired_access_cookie_is_renewed_on_the_next_page(customer_context, open_page, customer):
    page = open_page(customer_context)
    page.goto("/api/orders/")
    customer_context.clear_cookies(name="shop_access")  # as if its five minutes were up
    page.goto("/api/notifications/")
    assert page.url == f"{GATEWAY_URL}/api/notifications/"
    assert page.get_by_test_id("signed-in-as").inner_text() == customer.email


def test_an_open_page_renews_its_access_cookie_in_the_background(customer_context, open_page):
    page = open_page(customer_context)
    page.goto("/api/orders/")
    page.wait_for_function("performance.getEntriesByName(location.origin + '/auth/session/renew/').length > 0")
    customer_context.clear_cookies(name="shop_access")
    renewed = page.evaluate(
        """() => fetch('/auth/session/renew/', {method: 'POST', headers: {'X-Requested-With': 'shop-session'}})
                 .then(r => r.json())"""
    )
    assert renewed["signed_in"] is True and renewed["expires_in"] > 60
    status = page.evaluate("() => fetch('/api/orders/', {headers: {Accept: 'application/json'}}).then(r => r.status)")
    assert status == 200  # the page's own calls work with the renewed cookie
