"""Liveness and readiness, for the gateway, the supervisor and whoever is on call.

`healthz` says the process serves requests; `readyz` says its database, cache and broker
answer. Neither needs a signed-in caller, and neither reveals more than up/down.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from kombu import Connection


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


def healthz(request):
    return JsonResponse({"status": "ok", "service": settings.SERVICE_NAME})


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
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", "service": settings.SERVICE_NAME, "checks": results},
        status=200 if ready else 503,
    )
