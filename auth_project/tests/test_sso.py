"""Browser single sign-on: the login page sets the cookies the gateway checks."""

import pytest
from django.conf import settings
from django.test import Client

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
    user = make_user()
    response = browser.post("/auth/login/", {"email": user.email, "password": PASSWORD, "next": target})
    assert response["Location"] == "/auth/admin/"


def test_a_valid_refresh_cookie_signs_in_again_without_the_password(browser, make_user):
    user = make_user()
    browser.post("/auth/login/", {"email": user.email, "password": PASSWORD})
    response = browser.get("/auth/login/?next=/inventory/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/inventory/admin/"
    assert response.cookies[settings.SSO_ACCESS_COOKIE].value


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
