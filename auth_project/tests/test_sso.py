"""Browser single sign-on: the login page sets the cookies the gateway checks."""

import pytest
from django.conf import settings
from django.test import Client

from servicekit.testing import gateway_headers

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    return Client(HTTP_X_FORWARDED_PROTO="https")


def test_login_page_shows_a_form_with_csrf_protection(browser):
    response = browser.get("/auth/login/?next=/orders/admin/")
    assert response.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in response.content
    assert b'value="/orders/admin/"' in response.content


def test_signing_in_sets_secure_httponly_cookies_and_goes_next(browser, make_user):
    user = make_user(is_staff=True)
    response = browser.post("/auth/login/", {"email": user.email, "password": PASSWORD, "next": "/orders/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/orders/admin/"
    for name in (settings.SSO_ACCESS_COOKIE, settings.SSO_REFRESH_COOKIE):
        cookie = response.cookies[name]
        assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert response.cookies[settings.SSO_REFRESH_COOKIE]["path"] == "/auth/"


def test_wrong_password_shows_the_form_again(browser, make_user):
    user = make_user()
    response = browser.post("/auth/login/", {"email": user.email, "password": "wrong"})
    assert response.status_code == 401
    assert settings.SSO_ACCESS_COOKIE not in response.cookies


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "http://testserver/x"])
def test_next_never_leaves_the_site(browser, make_user, target):
    user = make_user(is_staff=True)
    response = browser.post("/auth/login/", {"email": user.email, "password": PASSWORD, "next": target})
    assert response["Location"] == "/"


def test_a_customer_asking_for_an_admin_lands_home_not_in_a_loop(browser, make_user):
    user = make_user()
    response = browser.post("/auth/login/", {"email": user.email, "password": PASSWORD, "next": "/orders/admin/"})
    assert response["Location"] == "/"
    again = browser.get("/auth/login/?next=/orders/admin/")  # signed in: straight home, no new token
    assert again.status_code == 302 and again["Location"] == "/"
    assert settings.SSO_REFRESH_COOKIE not in again.cookies


def test_a_valid_refresh_cookie_signs_in_again_without_the_password(browser, make_user):
    user = make_user(is_staff=True)
    browser.post("/auth/login/", {"email": user.email, "password": PASSWORD})
    browser.cookies.pop(settings.SSO_ACCESS_COOKIE)  # expired
    response = browser.get("/auth/login/?next=/inventory/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/inventory/admin/"
    assert response.cookies[settings.SSO_ACCESS_COOKIE].value


def test_the_gateway_s_unencoded_next_keeps_its_whole_query(browser, make_user):
    user = make_user()
    browser.post("/auth/login/", {"email": user.email, "password": PASSWORD})
    response = browser.get("/auth/login/?next=/api/orders/?page_size=5&cursor=abc")
    assert response["Location"] == "/api/orders/?page_size=5&cursor=abc"


def test_a_failed_sign_in_keeps_the_email(browser, make_user):
    user = make_user()
    response = browser.post("/auth/login/", {"email": user.email, "password": "wrong"})
    assert f'value="{user.email}"'.encode() in response.content


def test_signing_out_says_so(browser, make_user):
    user = make_user()
    browser.post("/auth/login/", {"email": user.email, "password": PASSWORD})
    response = browser.get("/auth/logout/")
    assert response["Location"] == "/auth/login/?signed_out=1"
    assert b"You are signed out." in browser.get(response["Location"]).content


def renew(browser, **headers):
    return browser.post("/auth/session/renew/", HTTP_X_REQUESTED_WITH="shop-session", **headers)


def test_renewal_needs_its_header(browser, make_user):
    user = make_user()
    browser.post("/auth/login/", {"email": user.email, "password": PASSWORD})
    response = browser.post("/auth/session/renew/")
    assert response.status_code == 400
    assert settings.SSO_ACCESS_COOKIE not in response.cookies


def test_renewal_leaves_a_fresh_access_cookie_alone(browser, make_user):
    user = make_user()
    browser.post("/auth/login/", {"email": user.email, "password": PASSWORD})
    response = renew(browser)
    body = response.json()
    assert body["signed_in"] is True and 250 < body["expires_in"] <= 300
    assert settings.SSO_ACCESS_COOKIE not in response.cookies


def test_renewal_trades_the_refresh_cookie_for_new_ones_when_access_has_expired(browser, make_user):
    user = make_user()
    browser.post("/auth/login/", {"email": user.email, "password": PASSWORD})
    old_refresh = browser.cookies[settings.SSO_REFRESH_COOKIE].value
    browser.cookies.pop(settings.SSO_ACCESS_COOKIE)
    response = renew(browser)
    assert response.json() == {"signed_in": True, "expires_in": 300}
    assert response.cookies[settings.SSO_ACCESS_COOKIE].value
    assert response.cookies[settings.SSO_REFRESH_COOKIE].value != old_refresh


def test_renewal_without_a_session_says_signed_out(browser):
    response = renew(browser)
    assert response.status_code == 200 and response.json() == {"signed_in": False}


def test_home_shows_a_customer_their_links_and_no_admin(browser, make_user):
    user = make_user()
    response = browser.get("/", **gateway_headers(user_id=str(user.pk), email=user.email, via="cookie"))
    assert response.status_code == 200
    assert f"Signed in as <strong>{user.email}</strong>".encode() in response.content
    assert b'href="/api/orders/"' in response.content and b"/admin/" not in response.content


def test_home_shows_staff_every_admin_and_flower(browser, make_user):
    user = make_user(is_staff=True)
    response = browser.get("/", **gateway_headers(user_id=str(user.pk), email=user.email, staff=True, via="cookie"))
    for link in [b"/auth/admin/", b"/inventory/admin/", b"/orders/admin/", b"/notifications/admin/", b"/flower/"]:
        assert b'href="' + link + b'"' in response.content


def test_home_without_the_gateway_s_identity_sends_to_sign_in(browser):
    response = browser.get("/")
    assert response.status_code == 302 and response["Location"] == "/auth/login/"


def test_logout_revokes_the_refresh_cookie(browser, make_user):
    user = make_user()
    browser.post("/auth/login/", {"email": user.email, "password": PASSWORD})
    refresh = browser.cookies[settings.SSO_REFRESH_COOKIE].value
    response = browser.get("/auth/logout/")
    assert response.status_code == 302
    assert response.cookies[settings.SSO_ACCESS_COOKIE].value == ""
    again = Client(HTTP_X_FORWARDED_PROTO="https").post(
        "/api/auth/refresh/", {"refresh": refresh}, content_type="application/json"
    )
    assert again.status_code == 401


def test_a_next_with_a_line_break_lands_home_instead_of_breaking_the_redirect(browser, make_user):
    user = make_user()
    response = browser.post(
        "/auth/login/", {"email": user.email, "password": PASSWORD, "next": "/x\r\nSet-Cookie: a=b"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
