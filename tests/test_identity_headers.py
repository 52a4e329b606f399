"""Identity headers are the gateway's to set: a client who sends them gains nothing."""

import requests

from .support import assert_error_shape, register_and_login, service_port


def test_client_sent_identity_is_replaced_by_the_tokens(gateway, account):
    other = register_and_login(gateway)
    forged = {
        **account.auth,
        "X-User-Id": other.id,
        "X-User-Email": other.email,
        "X-User-Is-Staff": "1",
        "X-Gateway-Secret": "guess",
    }
    me = gateway.get("/api/auth/me/", headers=forged)
    assert me.status_code == 200
    assert me.json()["id"] == account.id
    assert me.json()["is_staff"] is False


def test_identity_headers_without_a_token_are_refused(gateway, account):
    response = gateway.get("/api/auth/me/", headers={"X-User-Id": account.id, "X-User-Email": account.email})
    assert_error_shape(response, 401, "not_authenticated")


def test_identity_headers_on_public_routes_are_dropped(gateway, account):
    # /api/auth/logout/ needs an identity; on a public route a claimed one must not count.
    response = gateway.post(
        "/api/auth/refresh/", json={"refresh": "x"}, headers={"X-User-Id": account.id, "X-User-Is-Staff": "1"}
    )
    assert_error_shape(response, 401, "token_not_valid")


def test_a_service_reached_directly_ignores_identity_headers(account):
    # Services listen on loopback only; even there, without the gateway's secret, the
    # identity headers are dropped and the protected view answers 401.
    response = requests.get(
        f"http://127.0.0.1:{service_port('auth')}/api/auth/me/",
        headers={"X-User-Id": account.id, "X-User-Email": account.email, "X-Forwarded-Proto": "https"},
        timeout=5,
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
