"""Test helpers for the services' own suites (pytest-django).

`gateway_headers(...)` builds the headers the gateway sends for a signed-in caller, and
`ServicePlumbingTests` checks, declaratively, what every service must do alike: health,
readiness against the real database/cache/broker, one error shape, trust in identity
headers only from the gateway, and admin single sign-on for staff only.
"""

import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client


def gateway_headers(
    *, user_id: str | None = None, email: str = "someone@example.com", staff: bool = False, via: str = "bearer"
) -> dict[str, str]:
    return {
        "HTTP_X_GATEWAY_SECRET": settings.GATEWAY_SECRET,
        "HTTP_X_USER_ID": user_id or str(uuid.uuid4()),
        "HTTP_X_USER_EMAIL": email,
        "HTTP_X_USER_IS_STAFF": "1" if staff else "0",
        "HTTP_X_USER_IS_SUPERUSER": "1" if staff else "0",
        "HTTP_X_USER_AUTH_VIA": via,
        "HTTP_X_FORWARDED_PROTO": "https",
    }


def https_client() -> Client:
    # The services sit behind the TLS-terminating gateway: say so, as the gateway does.
    return Client(HTTP_X_FORWARDED_PROTO="https")


@pytest.mark.django_db
class ServicePlumbingTests:
    """Subclass with `service = "<name>"` in a service's tests/ to check the shared plumbing."""

    service: str

    def test_healthz_answers_without_a_caller(self):
        response = https_client().get(f"/api/{self.service}/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "service": self.service}

    def test_readyz_checks_database_cache_and_broker(self):
        response = https_client().get(f"/api/{self.service}/readyz")
        body = response.json()
        assert response.status_code == 200, body
        assert set(body["checks"]) == {"database", "cache", "broker"}
        assert all(check["ok"] for check in body["checks"].values())

    def test_unknown_path_gets_the_json_error_shape(self):
        response = https_client().get(f"/api/{self.service}/no-such-thing/", **gateway_headers())
        assert response.status_code == 404
        error = response.json()["error"]
        assert error["code"] == "not_found"
        assert error["request_id"] == response["X-Request-ID"]

    def test_request_id_is_kept_when_well_formed_and_replaced_when_not(self):
        kept = https_client().get(f"/api/{self.service}/healthz", HTTP_X_REQUEST_ID="abcdefgh-1234")
        assert kept["X-Request-ID"] == "abcdefgh-1234"
        replaced = https_client().get(f"/api/{self.service}/healthz", HTTP_X_REQUEST_ID="<script>")
        assert replaced["X-Request-ID"] != "<script>"
        assert len(replaced["X-Request-ID"]) == 32

    def test_schema_is_served(self):
        response = https_client().get(f"/api/{self.service}/schema/", HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        assert response.json()["openapi"].startswith("3.")

    def test_staff_identity_from_the_gateway_opens_the_admin(self):
        headers = gateway_headers(email=f"staff-{uuid.uuid4().hex[:8]}@example.com", staff=True, via="cookie")
        self._prepare_staff(headers)
        response = https_client().get(f"/{self.service}/admin/", **headers)
        assert response.status_code == 200
        assert b"Site administration" in response.content
        if settings.GATEWAY_SSO_SHADOW_USERS:
            shadow = get_user_model().objects.get(username=headers["HTTP_X_USER_EMAIL"])
            assert shadow.is_staff and shadow.is_superuser
            assert not shadow.has_usable_password()  # no password to steal or guess

    def test_customer_identity_does_not_open_the_admin(self):
        response = https_client().get(f"/{self.service}/admin/", **gateway_headers(via="cookie"))
        assert response.status_code == 302
        assert "/login/" in response["Location"]

    def test_identity_without_the_gateway_secret_is_ignored(self):
        headers = gateway_headers(email="mallory@example.com", staff=True, via="cookie")
        headers["HTTP_X_GATEWAY_SECRET"] = "guessed"  # noqa: S105
        self._prepare_staff(headers)
        response = https_client().get(f"/{self.service}/admin/", **headers)
        assert response.status_code == 302  # sent to sign in: the headers counted for nothing

    def _prepare_staff(self, headers: dict[str, str]) -> None:
        """Services with shadow users need nothing; auth needs the real staff user to exist."""
        if not settings.GATEWAY_SSO_SHADOW_USERS:
            user = get_user_model().objects.create_user(
                headers["HTTP_X_USER_EMAIL"], "unused-password-123", is_staff=True, is_superuser=True
            )
            headers["HTTP_X_USER_ID"] = str(user.pk)


def _b64url(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_json(value: dict) -> str:
    import json

    return _b64url(json.dumps(value, separators=(",", ":")).encode())


def forged_tokens(valid_access: str, *, private_key_pem: str, public_key_pem: str) -> dict[str, str]:
    """Tokens an attacker might try, each derived from a valid access token.

    Every one must be refused: no signature, HMAC keyed with the public key (algorithm
    confusion), expired, wrong audience, wrong issuer, a payload edited after signing, and a
    signature by a key that is not ours.
    """
    import hashlib
    import hmac
    import time

    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    header = jwt.get_unverified_header(valid_access)
    claims = jwt.decode(valid_access, options={"verify_signature": False})
    now = int(time.time())

    def signed(changes: dict, key: str = private_key_pem) -> str:
        return jwt.encode({**claims, **changes}, key, algorithm="RS256", headers={"kid": header["kid"]})

    unsigned = f"{_b64url_json({'alg': 'none', 'typ': 'JWT'})}.{_b64url_json(claims)}."
    hs_header = _b64url_json({"alg": "HS256", "typ": "JWT", "kid": header["kid"]})
    hs_body = f"{hs_header}.{_b64url_json({**claims, 'is_staff': True})}"
    hs_signature = _b64url(hmac.new(public_key_pem.encode(), hs_body.encode(), hashlib.sha256).digest())
    head, _, signature = valid_access.split(".")
    tampered = f"{head}.{_b64url_json({**claims, 'is_staff': True, 'is_superuser': True})}.{signature}"
    other_key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    return {
        "alg_none": unsigned,
        "hs256_signed_with_public_key": f"{hs_body}.{hs_signature}",
        "expired": signed({"iat": now - 3600, "exp": now - 600}),
        "wrong_audience": signed({"aud": "another-shop"}),
        "wrong_issuer": signed({"iss": "https://issuer.invalid"}),
        "tampered_payload": tampered,
        "signed_by_another_key": signed({}, key=other_key),
        "garbage": "not-a-jwt",
    }
