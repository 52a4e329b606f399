"""The token check behind the gateway's auth_request."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.services import tokens_issue
from servicekit.testing.forgery import FORGERIES, forged_tokens

pytestmark = pytest.mark.django_db


def verify(**headers):
    return Client().get("/internal/verify/", **headers)


@pytest.fixture
def tokens(make_user):
    return tokens_issue(user=make_user(is_staff=True))


def test_a_valid_bearer_token_yields_the_identity(tokens):
    response = verify(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert response.status_code == 200
    assert response["X-User-Is-Staff"] == "1"
    assert response["X-User-Email"].endswith("@example.com")
    assert response["X-User-Auth-Via"] == "bearer"
    assert 0 < int(response["X-Accel-Expires"]) <= settings.VERIFY_CACHE_SECONDS


def test_the_sso_cookie_is_accepted_and_marked_as_such(tokens):
    client = Client()
    client.cookies[settings.SSO_ACCESS_COOKIE] = tokens["access"]
    response = client.get("/internal/verify/")
    assert response.status_code == 200
    assert response["X-User-Auth-Via"] == "cookie"


def test_no_token_is_401():
    assert verify().status_code == 401


def test_a_refresh_token_is_not_an_access_token(tokens):
    assert verify(HTTP_AUTHORIZATION=f"Bearer {tokens['refresh']}").status_code == 401


def test_the_verdict_needs_no_csrf_token_for_unsafe_methods(tokens):
    # nginx's auth_request keeps the client's method; the check must still answer.
    client = Client(enforce_csrf_checks=True)
    response = client.post("/internal/verify/", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert response.status_code == 200


@pytest.mark.parametrize("forgery", FORGERIES)
def test_forged_tokens_are_refused(tokens, forgery):
    forged = forged_tokens(
        tokens["access"],
        private_key_pem=settings.SIMPLE_JWT["SIGNING_KEY"],
        public_key_pem=settings.SIMPLE_JWT["VERIFYING_KEY"],
    )[forgery]
    response = verify(HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert response.status_code == 401
    assert "X-User-Id" not in response


def test_staff_only_routes_refuse_customers_with_403(make_user):
    customer = tokens_issue(user=make_user())
    response = Client().get("/internal/verify/?require=staff", HTTP_AUTHORIZATION=f"Bearer {customer['access']}")
    assert response.status_code == 403


def test_staff_only_routes_admit_staff(tokens):
    response = Client().get("/internal/verify/?require=staff", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert response.status_code == 200
