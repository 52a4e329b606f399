"""Prometheus metrics of a service, at `/internal/metrics/` (never routed by the gateway).

Counted as things happen (every process of the service adds to files in
`PROMETHEUS_MULTIPROC_DIR`, which supervisor sets per service): HTTP requests and their
latency by route, events handled, inbox duplicates dropped, dead letters, CPU job durations,
the saga's duration. Read from the service's own state when scraped (`platform_state`):
outbox backlog and the age of its oldest row, dead letters waiting, each circuit breaker's
state, and what a service adds (`STATUS_PROVIDERS`: orders by status).
"""

import os
import time

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from .outbox_lag import OUTBOX_LAG_SQL

REQUESTS = Counter("shop_http_requests", "HTTP requests served", ["method", "route", "status"])
LATENCY = Histogram(
    "shop_http_request_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_HANDLED = Counter("shop_events_handled", "Events applied by this service's consumer", ["event_type"])
INBOX_DUPLICATES = Counter("shop_inbox_duplicates", "Redelivered events the inbox dropped", ["event_type"])
DEAD_LETTERED = Counter("shop_dead_lettered", "Events given up on (sent to the dead-letter queue)", ["event_type"])
CPU_JOB_SECONDS = Histogram(
    "shop_cpu_job_seconds",
    "Duration of CPU-lane jobs (images, imports)",
    ["event_type"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800),
)
SAGA_SECONDS = Histogram(
    "shop_saga_seconds",
    "Order placed → confirmed or rejected",
    ["outcome"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = f"/{match.route}" if match and match.route else "unmatched"  # the pattern: few labels
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        return response


def outbox_backlog() -> tuple[int, float]:
    """(unpublished outbox rows, age of the oldest in seconds)."""
    with connection.cursor() as cursor:
        cursor.execute(OUTBOX_LAG_SQL)
        pending, age, _ = cursor.fetchone()
    return int(pending), float(age)


def breaker_states() -> dict[str, str]:
    """Each circuit breaker of this service (`BREAKERS`: client factories) → closed/open/half-open."""
    states = {}
    for path in getattr(settings, "BREAKERS", []):
        client = import_string(path)()
        states[client.name] = client.breaker.current_state
    return states


def platform_state() -> dict:
    """What an operator asks of a service: its outbox, dead letters, breakers, and its own extras."""
    from .models import DeadLetter

    state: dict = {"service": settings.SERVICE_NAME}
    if getattr(settings, "PUBLISHES_EVENTS", True):
        pending, age = outbox_backlog()
        state["outbox"] = {"pending": pending, "oldest_seconds": round(age, 3)}
    waiting = DeadLetter.objects.filter(replayed_at__isnull=True)
    state["dead_letters"] = {
        "waiting": waiting.count(),
        "latest": [
            {
                "id": letter.pk,
                "event_type": letter.event_type,
                "event_id": str(letter.event_id),
                "error": letter.error[:300],
                "attempts": letter.attempts,
                "failed_at": letter.failed_at.isoformat(),
            }
            for letter in waiting.order_by("-failed_at")[:10]
        ],
    }
    state["breakers"] = breaker_states()
    for path in getattr(settings, "STATUS_PROVIDERS", []):
        state.update(import_string(path)())
    return state


class PlatformCollector:
    """Gauges read from the service's state at scrape time."""

    def collect(self):
        state = platform_state()
        service = state["service"]
        if "outbox" in state:
            yield _gauge("shop_outbox_pending", "Outbox rows not yet published", service, state["outbox"]["pending"])
            yield _gauge(
                "shop_outbox_oldest_seconds",
                "Age of the oldest unpublished row",
                service,
                state["outbox"]["oldest_seconds"],
            )
        yield _gauge(
            "shop_dead_letters_waiting", "Dead letters not replayed", service, state["dead_letters"]["waiting"]
        )
        breakers = GaugeMetricFamily(
            "shop_breaker_open",
            "1 while the circuit to a dependency is open",
            labels=["service", "dependency", "state"],
        )
        for dependency, breaker_state in state["breakers"].items():
            breakers.add_metric([service, dependency, breaker_state], 0 if breaker_state == "closed" else 1)
        yield breakers
        if "orders_by_status" in state:
            orders = GaugeMetricFamily("shop_orders", "Orders by status", labels=["status"])
            for status, count in state["orders_by_status"].items():
                orders.add_metric([status], count)
            yield orders


def _gauge(name: str, documentation: str, service: str, value: float) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(name, documentation, labels=["service"])
    gauge.add_metric([service], value)
    return gauge


COUNTED = (REQUESTS, LATENCY, EVENTS_HANDLED, INBOX_DUPLICATES, DEAD_LETTERED, CPU_JOB_SECONDS, SAGA_SECONDS)


def exposition() -> bytes:
    """Everything this service counts, every process summed, plus its state now."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:  # one process (development, tests): this process's own counts
        for metric in COUNTED:
            registry.register(metric)
    registry.register(PlatformCollector())
    return generate_latest(registry)
