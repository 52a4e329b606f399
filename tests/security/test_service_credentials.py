"""Services trust another service only by that service's own credential (service_auth.py):
neither a customer's token nor the gateway's secret can speak as a service."""

import time
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..support import VAR, register_and_login, secret, service_port

INVENTORY = f"http://127.0.0.1:{service_port('inventory')}"


def service_token(*, issuer="orders", audience="inventory", key=None, lifetime=60) -> str:
    key = key or (VAR / "keys" / "services" / f"{issuer}.key").read_text()
    now = int(time.time())
    claims = {"iss": f"service:{issuer}", "aud": f"service:{audience}", "iat": now, "exp": now + lifetime}
    return jwt.encode({**claims, "jti": uuid.uuid4().hex}, key, algorithm="EdDSA")


def a_key_that_is_not_ours() -> str:
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )


def caller(**headers) -> requests.Response:
    return requests.get(f"{INVENTORY}/internal/caller/", headers=headers, timeout=5)


def test_a_service_credential_says_which_service_calls_and_for_whom():
    response = caller(**{"X-Service-Token": service_token(), "X-User-Id": "c0ffee00-0000-4000-8000-000000000001"})
    assert response.status_code == 200, response.text
    assert response.json() == {"service": "orders", "on_behalf_of": "c0ffee00-0000-4000-8000-000000000001"}


@pytest.mark.parametrize(
    "forged",
    [
        "signed_by_another_key",
        "meant_for_another_service",
        "expired",
        "issuer_with_no_key",
        "hs256_with_the_gateway_secret",
        "not_a_token",
    ],
)
def test_forged_service_credentials_are_refused(forged):
    now = int(time.time())
    tokens = {
        "signed_by_another_key": lambda: service_token(key=a_key_that_is_not_ours()),
        "meant_for_another_service": lambda: service_token(audience="auth"),
        "expired": lambda: service_token(lifetime=-60),
        "issuer_with_no_key": lambda: service_token(issuer="payments", key=a_key_that_is_not_ours()),
        "hs256_with_the_gateway_secret": lambda: jwt.encode(
            {"iss": "service:orders", "aud": "service:inventory", "iat": now, "exp": now + 60},
            secret("GATEWAY_SECRET"),
            algorithm="HS256",
        ),
        "not_a_token": lambda: "service:orders",
    }
    response = caller(**{"X-Service-Token": tokens[forged]()})
    assert response.status_code in (401, 403), response.text
    assert response.json()["error"]["code"] in ("not_authenticated", "permission_denied")


def test_the_gateway_secret_alone_is_not_a_service():
    user = {"X-User-Id": "c0ffee00-0000-4000-8000-000000000002", "X-User-Email": "x@example.com"}
    response = caller(**{"X-Gateway-Secret": secret("GATEWAY_SECRET"), **user})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_customer_token_is_not_a_service(gateway):
    account = register_and_login(gateway)
    assert caller(Authorization=f"Bearer {account.access}").status_code in (401, 403)
    assert caller(**{"X-Service-Token": account.access}).status_code in (401, 403)


def test_internal_routes_are_not_reachable_through_the_gateway(gateway):
    response = gateway.get("/internal/caller/", headers={"X-Service-Token": service_token()})
    assert response.status_code == 404
