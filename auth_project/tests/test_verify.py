"""The token check behind the gateway's auth_request."""

import re

import pytest
from django.conf import settings
from django.test import Client

from accounts import keyring, services
from accounts.services import tokens_issue
from accounts.tokens import ShopAccessToken
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
    fresh, stale = re.fullmatch(r"max-age=(\d+), stale-if-error=(\d+)", response["Cache-Control"]).groups()
    assert 0 < int(fresh) <= settings.VERIFY_CACHE_SECONDS
    assert 0 < int(stale) <= settings.VERIFY_STALE_IF_ERROR_SECONDS


def test_a_token_of_a_revoked_family_is_refused(make_user):
    user = make_user()
    first, second = tokens_issue(user=user), tokens_issue(user=user)
    services.families_revoke(because="logout", pk=ShopAccessToken(first["access"])["sid"])
    assert verify(HTTP_AUTHORIZATION=f"Bearer {first['access']}").status_code == 401
    assert verify(HTTP_AUTHORIZATION=f"Bearer {second['access']}").status_code == 200  # another sign-in


def test_a_password_change_ends_every_access_token(make_user):
    user = make_user()
    tokens = [tokens_issue(user=user) for _ in range(2)]
    services.user_set_password(user=user, password="another-long-passphrase")
    assert {verify(HTTP_AUTHORIZATION=f"Bearer {t['access']}").status_code for t in tokens} == {401}


def test_a_token_without_a_family_is_refused(make_user):
    token = ShopAccessToken(tokens_issue(user=make_user())["access"])
    del token.payload["sid"]
    assert verify(HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


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
        private_key_pem=keyring.signing_key().private_pem,
        public_key_pem=keyring.signing_key().public_pem,
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
