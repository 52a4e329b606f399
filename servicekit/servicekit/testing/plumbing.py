"""What every service must do alike, checked declaratively: health, readiness against the real
database, cache and broker, one error shape (JSON for API clients, HTML for browsers), trust in
identity headers only from the gateway, and admin single sign-on for staff only. A service's
suite subclasses ServicePlumbingTests with `service = "<name>"`."""

import json
import re
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver

from . import gateway_headers, https_client


def _routes(resolver, prefix: str = "/"):
    """Every route of the URLconf, as an OpenAPI-style path ("/api/x/{id}/")."""
    for entry in resolver.url_patterns:
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(entry.pattern))
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            yield (prefix + route).replace("^", "").replace("$", "")


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

    def test_a_database_that_cannot_be_reached_is_a_503_to_retry_not_a_500(self):
        from django.db import OperationalError, connections
        from django.test import RequestFactory

        from servicekit.errors import server_error

        unreachable = connections.create_connection("default")
        unreachable.settings_dict = {**unreachable.settings_dict, "PORT": "9"}  # nothing listens there
        request = RequestFactory().get(f"/api/{self.service}/", HTTP_ACCEPT="application/json")
        try:
            unreachable.ensure_connection()
        except OperationalError:
            response = server_error(request)  # as Django calls it, while handling the error
        assert response.status_code == 503
        assert response["Retry-After"] == "2"
        assert json.loads(response.content)["error"]["code"] == "database_unavailable"

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

    def test_every_api_route_is_in_the_schema(self):
        """The gateway exposes /api/<service>/ whole: whatever is routed there is documented
        (but for the schema and its two viewers)."""
        schema_paths = set(
            https_client().get(f"/api/{self.service}/schema/", HTTP_ACCEPT="application/json").json()["paths"]
        )
        prefix = f"/api/{self.service}/"
        routes = {route for route in _routes(get_resolver()) if route.startswith(prefix)}
        undocumented = routes - schema_paths - {f"{prefix}{page}" for page in ("schema/", "docs/", "redoc/")}
        assert not undocumented, f"routed but in no schema: {sorted(undocumented)}"
        assert f"{prefix}healthz" in schema_paths and f"{prefix}readyz" in schema_paths

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
