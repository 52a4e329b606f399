"""Where a browser lands after signing in (pure logic)."""

import pytest
from django.test import RequestFactory

from accounts.web.landing import landing, requested_next

SERVICES = ["auth", "inventory", "orders", "notifications"]


@pytest.mark.parametrize(
    ("target", "is_staff", "expected"),
    [
        ("/inventory/admin/", True, "/inventory/admin/"),
        ("/inventory/admin/", False, "/"),
        ("/flower/", False, "/"),
        ("/flower/", True, "/flower/"),
        ("/api/orders/", False, "/api/orders/"),
        ("/auth/login/?next=/x/", True, "/"),
        ("/auth/logout/", False, "/"),
        ("", False, "/"),
        ("https://evil.example/", True, "/"),
        ("//evil.example/x", True, "/"),
        ("javascript:alert(1)", True, "/"),
        ("/x\r\nSet-Cookie: a=b", True, "/"),
        ("/api/orders/\x00", False, "/"),
    ],
)
def test_landing(target, is_staff, expected):
    request = RequestFactory().get("/auth/login/", secure=True)
    assert landing(request, target=target, is_staff=is_staff, services=SERVICES) == expected


def test_next_from_the_gateway_keeps_its_query_and_django_s_is_decoded():
    factory = RequestFactory()
    assert requested_next(factory.get("/auth/login/?next=/api/x/?a=1&b=2")) == "/api/x/?a=1&b=2"
    assert requested_next(factory.get("/auth/login/?next=%2Fauth%2Fadmin%2F")) == "/auth/admin/"
    assert requested_next(factory.get("/auth/login/?signed_out=1")) == ""
    assert requested_next(factory.post("/auth/login/", {"next": "/orders/admin/"})) == "/orders/admin/"
