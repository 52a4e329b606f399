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


def staff_browser(*, user_id: str | None = None, email: str = "staff@example.com") -> Client:
    """A test client that is a staff member's browser behind the gateway (SSO cookie)."""
    return Client(**gateway_headers(user_id=user_id, email=email, staff=True, via="cookie"))


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

    def test_a_browser_gets_an_html_error_page_and_an_api_client_json(self):
        browser = https_client().get(f"/{self.service}/admin/no-such-page/x", HTTP_ACCEPT="text/html,*/*")
        assert browser.status_code in (302, 404)  # the admin may first ask who you are
        page = https_client().get(f"/api/{self.service}/no-such-thing/", HTTP_ACCEPT="text/html", **gateway_headers())
        assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
        assert b"<h1>Not found</h1>" in page.content and b'href="/"' in page.content
        api = https_client().get(f"/api/{self.service}/no-such-thing/", HTTP_ACCEPT="application/json")
        assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"

    def test_a_signed_in_customer_at_the_admin_login_is_told_it_is_for_staff_not_sent_round(self):
        response = https_client().get(
            f"/{self.service}/admin/login/?next=/{self.service}/admin/", **gateway_headers(via="cookie")
        )
        assert response.status_code == 403
        assert b"Staff only" in response.content

    def test_nobody_signed_in_at_the_admin_login_is_sent_to_the_shop_s_sign_in(self):
        response = https_client().get(f"/{self.service}/admin/login/?next=/{self.service}/admin/")
        assert response.status_code == 302
        assert response["Location"] == f"/auth/login/?next=/{self.service}/admin/"

    def test_staff_at_the_admin_login_go_on_to_the_admin(self):
        headers = gateway_headers(email=f"staff-{uuid.uuid4().hex[:8]}@example.com", staff=True, via="cookie")
        self._prepare_staff(headers)
        client = https_client()
        client.get(f"/{self.service}/admin/", **headers)
        response = client.get(f"/{self.service}/admin/login/?next=/{self.service}/admin/", **headers)
        assert response.status_code == 302 and response["Location"] == f"/{self.service}/admin/"

    def test_the_admin_is_titled_for_its_service_and_lists_no_shadow_users(self):
        headers = gateway_headers(email=f"staff-{uuid.uuid4().hex[:8]}@example.com", staff=True, via="cookie")
        self._prepare_staff(headers)
        page = https_client().get(f"/{self.service}/admin/", **headers).content.decode()
        assert f"shop · {self.service} admin" in page
        for other in settings.SHOP_SERVICES:
            assert f'href="/{other}/admin/"' in page
        # Users are managed in the auth admin; elsewhere they are only shadows of its staff.
        assert ('href="/auth/admin/accounts/user/"' in page) == (self.service == "auth")
        if settings.GATEWAY_SSO_SHADOW_USERS:
            assert "/admin/auth/user/" not in page and "/admin/auth/group/" not in page

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


ROLES = ("anonymous", "customer", "staff")


def api_client_as(role: str, *, user_id: str | None = None):
    """A DRF test client carrying the gateway's headers for `role` (none for anonymous)."""
    from rest_framework.test import APIClient

    client = APIClient(HTTP_X_FORWARDED_PROTO="https")
    if role != "anonymous":
        client.credentials(**gateway_headers(user_id=user_id, email=f"{role}@example.com", staff=role == "staff"))
    return client


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, getattr(response, "content", b"")[:500]
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    if code:
        assert error["code"] == code, error
    return error


@pytest.mark.django_db
class ApiContract:
    """Declarative checks of one collection endpoint, in the manner of netbox's API tests.

    A test case names the collection URL, the model and how to make an item, then opts in to
    what its endpoint supports by adding the mixins below (ListContract, CreateContract,
    UpdateContract); each brings the checks of its permissions, validation and storage.
    """

    url: str
    model: type

    def make_item(self, owner_id: str):
        """Create one item visible to `owner_id` and return it."""
        raise NotImplementedError

    def item_url(self, item) -> str:
        return f"{self.url}{item.pk}/"

    def client(self, role: str):
        return api_client_as(role, user_id=self.owner_id if role != "anonymous" else None)

    @pytest.fixture(autouse=True)
    def _owner(self):
        self.owner_id = str(uuid.uuid4())

    def test_anonymous_callers_are_refused(self):
        item = self.make_item(self.owner_id)
        client = self.client("anonymous")
        assert_error(client.get(self.url), 401, "not_authenticated")
        assert_error(client.get(self.item_url(item)), 401, "not_authenticated")

    def test_an_unknown_item_is_a_json_404(self):
        assert_error(self.client("staff").get(f"{self.url}{uuid.uuid4()}/"), 404, "not_found")


class ListContract:
    """The collection lists, paginated, for its roles."""

    list_roles: frozenset = frozenset({"customer", "staff"})

    @pytest.mark.parametrize("role", ["customer", "staff"])
    def test_listing_is_allowed_only_to_its_roles_and_paginated(self, role):
        for _ in range(3):
            self.make_item(self.owner_id)
        response = self.client(role).get(self.url, {"page_size": 2})
        if role not in self.list_roles:
            assert_error(response, 403)
            return
        assert response.status_code == 200
        page = response.json()
        assert set(page) == {"results", "next", "previous"}
        assert len(page["results"]) == 2
        assert page["next"] and page["previous"] is None
        following = self.client(role).get(page["next"]).json()
        seen = {row["id"] for row in page["results"]}
        assert following["results"] and not seen & {row["id"] for row in following["results"]}


class CreateContract:
    """The collection creates for its roles, stores what was sent, and refuses bad input."""

    create_roles: frozenset = frozenset({"staff"})
    create_data: dict = {}
    invalid_create_data: tuple = ()  # (payload, field blamed in error.details)

    def assert_stored(self, payload: dict, item) -> None:
        """What was stored matches what was sent: the fields the model has under the same name
        (a test case with other shapes overrides this)."""
        compared = [field for field in payload if field in {f.name for f in item._meta.concrete_fields}]
        assert compared, "no field to compare: override assert_stored"
        for field in compared:
            assert str(getattr(item, field)) == str(payload[field]), field

    def test_anonymous_callers_cannot_create(self):
        before = self.model.objects.count()
        assert_error(self.client("anonymous").post(self.url, self.create_data, format="json"), 401)
        assert self.model.objects.count() == before

    @pytest.mark.parametrize("role", ["customer", "staff"])
    def test_creating_is_allowed_only_to_its_roles_and_stores_what_was_sent(self, role):
        before = self.model.objects.count()
        response = self.client(role).post(self.url, self.create_data, format="json")
        if role in self.create_roles:
            assert response.status_code == 201, response.content
            assert self.model.objects.count() == before + 1
            self.assert_stored(self.create_data, self.model.objects.get(pk=response.json()["id"]))
        else:
            assert_error(response, 403, "permission_denied")
            assert self.model.objects.count() == before

    def test_invalid_input_is_refused_field_by_field_and_changes_nothing(self):
        assert self.invalid_create_data, "name the invalid payloads this endpoint must refuse"
        role = sorted(self.create_roles)[0]
        for payload, field in self.invalid_create_data:
            before = self.model.objects.count()
            error = assert_error(self.client(role).post(self.url, payload, format="json"), 400, "validation_error")
            assert field in error["details"], (payload, error)
            assert self.model.objects.count() == before

    def test_malformed_json_is_a_parse_error(self):
        role = sorted(self.create_roles)[0]
        response = self.client(role).generic("POST", self.url, "{broken", content_type="application/json")
        assert_error(response, 400, "parse_error")


class UpdateContract:
    """Items are changed (PATCH) by their roles only; what was sent is what is stored."""

    update_roles: frozenset = frozenset({"staff"})
    update_data: dict = {}
    denied_update_status: int = 403

    @pytest.mark.parametrize("role", ["customer", "staff"])
    def test_updating_is_allowed_only_to_its_roles(self, role):
        item = self.make_item(self.owner_id)
        before = {field: str(getattr(item, field)) for field in self.update_data}
        response = self.client(role).patch(self.item_url(item), self.update_data, format="json")
        item.refresh_from_db()
        if role in self.update_roles:
            assert response.status_code == 200, response.content
            for field, value in self.update_data.items():
                assert str(response.json()[field]) == str(value)
                assert str(getattr(item, field)) == str(value)
        else:
            assert_error(response, self.denied_update_status)
            assert {field: str(getattr(item, field)) for field in self.update_data} == before


def _b64url(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_json(value: dict) -> str:
    import json

    return _b64url(json.dumps(value, separators=(",", ":")).encode())


FORGERIES = (
    "alg_none",
    "hs256_signed_with_public_key",
    "expired",
    "wrong_audience",
    "wrong_issuer",
    "tampered_payload",
    "signed_by_another_key",
    "garbage",
)


def event_envelope(event_type: str, payload: dict, *, producer: str = "test") -> dict:
    """An event as a relay would send it, for consumer tests."""
    return {
        "id": str(uuid.uuid4()),
        "type": event_type,
        "version": 1,
        "occurred_at": "2026-01-01T00:00:00+00:00",
        "producer": producer,
        "correlation_id": f"test-{uuid.uuid4().hex[:12]}",
        "payload": payload,
    }


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
