"""Identity end to end, through the gateway against the running services."""

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

from .support import PASSWORD, Gateway, assert_error_shape, login, register_and_login


def test_register_then_login_then_me(gateway, account):
    me = gateway.get("/api/auth/me/", headers=account.auth)
    assert me.status_code == 200
    assert me.json() == {"id": account.id, "email": account.email, "full_name": "", "is_staff": False}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "weak-password@example.com", "password": "123"}, "password"),
        ({"email": ["a list"], "password": PASSWORD}, "email"),
        ({"password": PASSWORD}, "email"),
    ],
)
def test_register_refuses_bad_input_with_a_structured_error(gateway, body, field):
    response = gateway.patient("POST", "/api/auth/register/", json=body)
    error = assert_error_shape(response, 400, "validation_error")
    assert field in error["details"]
    if "@" in str(body.get("email")):
        login = gateway.patient("POST", "/api/auth/login/", json=body)
        assert login.status_code == 401  # nothing was created


def test_malformed_json_is_a_400_in_the_shared_shape(gateway):
    response = gateway.patient(
        "POST", "/api/auth/login/", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert_error_shape(response, 400, "parse_error")


def test_refresh_rotates_and_the_old_refresh_token_is_refused(gateway, account):
    rotated = gateway.post("/api/auth/refresh/", json={"refresh": account.refresh})
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refresh"] != account.refresh
    assert gateway.get("/api/auth/me/", headers={"Authorization": f"Bearer {new['access']}"}).status_code == 200
    reused = gateway.post("/api/auth/refresh/", json={"refresh": account.refresh})
    assert_error_shape(reused, 401, "token_not_valid")


def test_logout_revokes_the_refresh_token(gateway, account):
    response = gateway.post("/api/auth/logout/", json={"refresh": account.refresh}, headers=account.auth)
    assert response.status_code == 204
    assert gateway.post("/api/auth/refresh/", json={"refresh": account.refresh}).status_code == 401


def test_logout_is_behind_the_token_check(gateway, account):
    response = gateway.post("/api/auth/logout/", json={"refresh": account.refresh})
    assert_error_shape(response, 401, "not_authenticated")
    assert gateway.post("/api/auth/refresh/", json={"refresh": account.refresh}).status_code == 200


def test_password_change_signs_out_everywhere(gateway, account):
    response = gateway.post(
        "/api/auth/password/",
        json={"old_password": PASSWORD, "new_password": "a-brand-new-passphrase"},
        headers=account.auth,
    )
    assert response.status_code == 204
    assert gateway.post("/api/auth/refresh/", json={"refresh": account.refresh}).status_code == 401
    assert login(gateway, account.email, "a-brand-new-passphrase")["access"]


def test_jwks_verifies_the_access_token(gateway, account):
    jwks = gateway.get("/api/auth/jwks/")
    assert jwks.status_code == 200
    kid = jwt.get_unverified_header(account.access)["kid"]
    (key,) = [k for k in jwks.json()["keys"] if k["kid"] == kid]
    public = RSAPublicNumbers(
        e=int.from_bytes(jwt.utils.base64url_decode(key["e"]), "big"),
        n=int.from_bytes(jwt.utils.base64url_decode(key["n"]), "big"),
    ).public_key()
    claims = jwt.decode(account.access, public, algorithms=["RS256"], audience="shop")
    assert claims["sub"] == account.id
    assert {"iss", "aud", "exp", "sub", "jti", "is_staff"} <= set(claims)


@pytest.mark.parametrize("path", ["/api/auth/me/", "/api/inventory/", "/api/orders/", "/api/notifications/"])
def test_protected_routes_need_a_token(gateway, path):
    assert_error_shape(gateway.get(path), 401, "not_authenticated")


def test_a_new_session_is_independent(gateway):
    first, second = register_and_login(gateway), register_and_login(Gateway())
    assert first.id != second.id
