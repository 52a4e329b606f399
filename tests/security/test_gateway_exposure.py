"""The gateway exposes what the schemas document and the pages a browser needs; nothing
internal. Each service's own suite checks that every route under /api/<service>/ is in its
schema (servicekit/testing/plumbing.py); here the gateway's locations are held to that."""

import re

import pytest

from ..support import ROOT, SERVICES, assert_error_shape

ROUTES = (ROOT / "gateway_nginx" / "routes.conf").read_text()
SERVICE_NAMES = "|".join(SERVICES)

# Every location the gateway has, and why it may be there. A location added to routes.conf
# that is not listed here fails the test: document it in a schema, or say what it is.
DOCUMENTED_API = "routes into /api/<service>/, every path of which is in that service's schema"
ALLOWED = {
    "= /_verify": "internal: the token check (auth_request only)",
    "= /_verify_staff": "internal: the staff token check (auth_request only)",
    "= /_orders_create_idempotent": "internal: order creation that may be retried",
    "@sso_login": "named: the sign-in redirect",
    "= /api/auth/login/": DOCUMENTED_API,
    "= /api/auth/register/": DOCUMENTED_API,
    "~ ^/api/auth/(refresh|jwks)/$": DOCUMENTED_API,
    "~ ^/api/(?<service>${SERVICE_NAMES})/(healthz|readyz|schema/|docs/|redoc/)$": DOCUMENTED_API,
    "~ ^/api/inventory/(products/[0-9a-f-]+/image|imports)/$": DOCUMENTED_API,
    "= /api/orders/": DOCUMENTED_API,
    "~ ^/api/(?<service>${SERVICE_NAMES})/": DOCUMENTED_API,
    "= /auth/login/": "page: single sign-on",
    "= /auth/logout/": "page: sign out",
    "= /auth/session/renew/": "page: an open page renews its cookie",
    "= /favicon.ico": "file",
    "~ ^/media/(${SERVICE_NAMES})/": "files: product images",
    "~ ^/(${SERVICE_NAMES})/static/": "files: the pages' static files",
    "= /": "page: home",
    "~ ^/(?<service>${SERVICE_NAMES})/admin/": "page: each service's admin (staff)",
    "/flower/": "page: Flower (staff)",
    "/dashboard/": "page: the architecture dashboard (staff)",
    "/dashboard/api/": DOCUMENTED_API.replace("/api/<service>/", "/dashboard/api/") + " (auth's)",
    "/": "everything else: the JSON 404",
}


def test_every_gateway_location_is_documented_or_accounted_for():
    locations = {match.strip() for match in re.findall(r"^location\s+(.+?)\s*\{$", ROUTES, flags=re.MULTILINE)}
    assert locations - set(ALLOWED) == set(), "a location that no schema documents and nobody accounted for"
    assert set(ALLOWED) - locations == set(), "the list above names a location that is gone"


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("path", ["/internal/caller/", "/internal/verify/", "/internal/metrics/"])
def test_internal_routes_are_unreachable_through_the_gateway(gateway, staff, service, path):
    assert_error_shape(gateway.get(path, headers=staff.auth), 404, "not_found")
    assert_error_shape(gateway.get(f"/api/{service}{path}", headers=staff.auth), 404, "not_found")


@pytest.mark.parametrize("service", SERVICES)
def test_a_path_in_no_schema_is_a_json_404(gateway, staff, service):
    assert_error_shape(gateway.get(f"/api/{service}/no-such-thing/", headers=staff.auth), 404, "not_found")
