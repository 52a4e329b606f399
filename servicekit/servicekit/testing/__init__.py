"""Test kit for the services' own suites (pytest-django) and the end-to-end suite.

This module: the headers the gateway sends for a signed-in caller, clients that carry them,
the shared error-shape assertion and event envelopes. `plumbing` checks what every service
must do alike; `api` holds the declarative contract mixins for collection endpoints;
`forgery` makes the forged tokens every verifier must refuse.
"""

import uuid

from django.conf import settings
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
