"""What the gateway does for every request: TLS, redirects, request ids, JSON errors,
limits, and keeping internal routes and listeners private."""

import re
import socket
import ssl

import pytest
import requests

from .support import CA_BUNDLE, GATEWAY_URL, MANIFEST, SERVICES, assert_error_shape

SERVICE_PORTS = tuple(MANIFEST.ports())  # every pool, and Flower


def test_plain_http_redirects_to_https():
    response = requests.get("http://localhost:8080/api/auth/healthz", allow_redirects=False, timeout=5)
    assert response.status_code == 301
    assert response.headers["Location"] == f"{GATEWAY_URL}/api/auth/healthz"


def test_tls_is_served_with_the_development_certificate():
    context = ssl.create_default_context(cafile=CA_BUNDLE)
    with (
        socket.create_connection(("localhost", 8443), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        assert tls.version() in ("TLSv1.2", "TLSv1.3")


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_is_healthy_and_ready_through_the_gateway(gateway, service):
    assert gateway.get(f"/api/{service}/healthz").json()["status"] == "ok"
    ready = gateway.get(f"/api/{service}/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_a_request_id_is_made_up_when_absent(gateway):
    response = gateway.get("/api/auth/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_a_well_formed_request_id_is_kept_and_a_bad_one_replaced(gateway):
    kept = gateway.get("/api/auth/healthz", headers={"X-Request-ID": "trace-0123456789"})
    assert kept.headers["X-Request-ID"] == "trace-0123456789"
    replaced = gateway.get("/api/auth/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert replaced.headers["X-Request-ID"] != "bad id with spaces"
    assert "," not in replaced.headers["X-Request-ID"]  # one id, not the service's and the gateway's


def test_unknown_paths_get_a_json_404(gateway):
    assert_error_shape(gateway.get("/no/such/place"), 404, "not_found")


def test_the_token_check_is_not_reachable_from_outside(gateway):
    assert_error_shape(gateway.get("/internal/verify/"), 404, "not_found")
    assert_error_shape(gateway.get("/_verify"), 404, "not_found")


def test_an_oversized_body_gets_a_json_413(gateway):
    response = gateway.post(
        "/api/auth/login/", data=b"x" * (2 * 1024 * 1024), headers={"Content-Type": "application/json"}
    )
    assert_error_shape(response, 413, "payload_too_large")


def test_security_headers_are_set_once(gateway):
    response = gateway.get("/api/auth/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "nginx/" not in response.headers.get("Server", "")  # no version advertised


def _listening_addresses(port: int) -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            next(rows)
            for row in rows:
                local, state = row.split()[1], row.split()[3]
                address, hex_port = local.rsplit(":", 1)
                if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                    found.add(address)
    return found


@pytest.mark.parametrize("port", SERVICE_PORTS)
def test_services_listen_on_loopback_only(port):
    addresses = _listening_addresses(port)
    assert addresses, f"nothing listens on {port}"
    assert addresses == {"0100007F"}  # 127.0.0.1, and nothing else


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_a_browser_gets_html_error_pages_and_api_clients_json(gateway):
    page = gateway.get("/no-such-page/", headers=BROWSER)
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
    assert "<h1>Not found</h1>" in page.text and 'href="/auth/login/"' in page.text
    assert page.headers["X-Request-ID"] in page.text
    assert_error_shape(gateway.get("/no-such-page/"), 404, "not_found")


def test_a_browser_without_a_session_is_sent_to_sign_in_and_back(gateway):
    response = gateway.get("/api/orders/?page_size=5&ordering=x", headers=BROWSER)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/login/?next=/api/orders/?page_size=5&ordering=x")
    assert_error_shape(gateway.get("/api/orders/"), 401, "not_authenticated")  # API clients: JSON 401


def test_home_needs_a_sign_in(gateway):
    response = gateway.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login/?next=/")


def test_the_favicon_is_served(gateway):
    response = gateway.get("/favicon.ico")
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
