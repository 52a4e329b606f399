"""Liveness and readiness, for the gateway, the supervisor and whoever is on call.

`healthz` says the process serves requests; `readyz` says its database, cache and broker
answer. Neither needs a signed-in caller, and neither reveals more than up/down.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from kombu import Connection
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    key = "readyz"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was written")


def _check_broker() -> None:
    with Connection(settings.BROKER_URL, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1)


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


def _probe(view):
    """A probe: anybody may ask (it says only up or down), no sign-in, no CSRF."""
    for decorate in (throttle_classes([]), permission_classes([AllowAny]), authentication_classes([])):
        view = decorate(view)
    return api_view(["GET"])(view)


_STATUS = {"status": serializers.CharField(), "service": serializers.CharField()}


@extend_schema(responses={200: inline_serializer("Health", _STATUS)}, tags=["health"])
@_probe
def healthz(request):
    return Response({"status": "ok", "service": settings.SERVICE_NAME})


@extend_schema(
    responses={
        200: inline_serializer("Readiness", {**_STATUS, "checks": serializers.DictField()}),
        503: OpenApiResponse(description="A dependency (database, cache, broker) does not answer."),
    },
    tags=["health"],
)
@_probe
def readyz(request):
    results, ready = {}, True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
            results[name] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
        except Exception as exc:  # any failure means "not ready"; say which, not why in detail
            ready = False
            results[name] = {"ok": False, "error": type(exc).__name__}
    return Response(
        {"status": "ready" if ready else "unavailable", "service": settings.SERVICE_NAME, "checks": results},
        status=200 if ready else 503,
    )
