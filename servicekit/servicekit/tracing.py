"""OpenTelemetry traces across HTTP and events, written as JSON lines to var/traces/<service>.jsonl.

One trace follows one request through every service: the HTTP span of the request that
started it (its parent taken from a `traceparent` header, when a service called), then a span
for each event it caused, in whichever service handles it. The context crosses the broker in
the event itself: the outbox row keeps the `traceparent` of the span that wrote it, the relay
puts it in the envelope and the message headers, and the consumer's span continues it.

Spans are exported as they end, one JSON object per line (no collector to run, no thread
that wakes up while idle); `trace_story.py` reads them back. `OTEL_SDK_DISABLED=true` turns
it all off. A file past `TRACE_FILE_MAX_BYTES` is rotated to `.1` (one generation kept).
"""

import contextlib
import json
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from opentelemetry import context, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

TRACEPARENT = "traceparent"
_propagator = TraceContextTextMapPropagator()
_setup_lock = threading.Lock()
_tracer = None


class JsonLinesExporter(SpanExporter):
    """Appends each finished span as one line; every process of a service shares the file
    (each export is one O_APPEND write of whole lines, so lines never interleave).

    The file stays open: a span costs one write, not a stat, an open and a close. Once a
    second the size is looked at: past `max_bytes` the file is rotated, and a process whose
    file was rotated by another reopens the path."""

    CHECK_SECONDS = 1.0

    def __init__(self, path: Path, service: str, max_bytes: int):
        self.path, self.service, self.max_bytes = path, service, max_bytes
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def export(self, spans) -> SpanExportResult:
        data = "".join(json.dumps(self._as_dict(span), default=str) + "\n" for span in spans).encode()
        # The write is under the lock too: a rotation in another thread must not close the
        # descriptor between choosing it and writing to it.
        with self._lock:
            try:
                os.write(self._file(), data)
            except OSError:
                self._close()
                return SpanExportResult.FAILURE  # tracing never breaks the request it traces
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        with self._lock:
            self._close()

    def _file(self) -> int:
        """The open descriptor of the current file (the lock is held)."""
        now = time.monotonic()
        if self._fd is not None and now - self._checked_at < self.CHECK_SECONDS:
            return self._fd
        self._checked_at = now
        try:
            current = os.stat(self.path)
        except FileNotFoundError:
            current = None
        if current is not None and current.st_size > self.max_bytes:
            os.replace(self.path, self.path.with_suffix(".jsonl.1"))
            current = None
        if self._fd is None or current is None or os.fstat(self._fd).st_ino != current.st_ino:
            self._close()  # rotated (here or by another process): write to the new file
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        return self._fd

    def _close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def _as_dict(self, span) -> dict:
        ctx = span.get_span_context()
        return {
            "trace_id": f"{ctx.trace_id:032x}",
            "span_id": f"{ctx.span_id:016x}",
            "parent_id": f"{span.parent.span_id:016x}" if span.parent else None,
            "service": self.service,
            "name": span.name,
            "kind": span.kind.name,
            "start": span.start_time / 1e9,
            "end": span.end_time / 1e9,
            "status": span.status.status_code.name,
            "attributes": dict(span.attributes or {}),
            "events": [
                {"name": event.name, "time": event.timestamp / 1e9, "attributes": dict(event.attributes or {})}
                for event in span.events
            ],
        }


def tracer():
    """This service's tracer (set up on first use, after Django's settings are loaded)."""
    global _tracer
    if _tracer is None:
        with _setup_lock:
            if _tracer is None:
                _tracer = _build()
    return _tracer


def _build():
    from django.conf import settings

    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return trace.NoOpTracer()
    provider = TracerProvider(resource=Resource.create({"service.name": settings.SERVICE_NAME}))
    path = Path(settings.TRACES_DIR) / f"{settings.SERVICE_NAME}.jsonl"
    provider.add_span_processor(
        SimpleSpanProcessor(JsonLinesExporter(path, settings.SERVICE_NAME, settings.TRACE_FILE_MAX_BYTES))
    )
    return provider.get_tracer("shop")


def current_traceparent() -> str:
    """The W3C traceparent of the current span ("" outside a trace)."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get(TRACEPARENT, "")


def inject_headers(headers: dict) -> dict:
    _propagator.inject(headers)
    return headers


@contextmanager
def span(name: str, *, traceparent: str = "", kind=trace.SpanKind.INTERNAL, **attributes):
    """A span, continuing `traceparent` when given (a caller's, or an event's)."""
    parent = _propagator.extract({TRACEPARENT: traceparent}) if traceparent else None
    token = context.attach(parent) if parent is not None else None
    try:
        with tracer().start_as_current_span(name, kind=kind, attributes=attributes) as current:
            yield current
    finally:
        if token is not None:
            context.detach(token)


class TracingMiddleware:
    """One server span per request, continuing the caller's trace (`traceparent`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with span(
            f"{request.method} {request.path}",
            traceparent=request.headers.get(TRACEPARENT, ""),
            kind=trace.SpanKind.SERVER,
            **{"http.method": request.method, "http.target": request.path},
        ) as current:
            current.set_attribute("request_id", getattr(request, "request_id", ""))
            response = self.get_response(request)
            current.set_attribute("http.status_code", response.status_code)
            if response.status_code >= 500:
                current.set_status(trace.Status(trace.StatusCode.ERROR))
            return response


def annotate(**attributes) -> None:
    """Add facts to the current span (an order's id and new status, a notification sent):
    what a trace is searched by and what its story tells."""
    current = trace.get_current_span()
    for key, value in attributes.items():
        current.set_attribute(key, str(value))


def record(name: str, **attributes) -> None:
    """Something that happened within the current span, at this moment (an event published)."""
    trace.get_current_span().add_event(name, {key: str(value) for key, value in attributes.items()})
