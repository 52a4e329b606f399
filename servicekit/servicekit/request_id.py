"""Request ids: kept from the gateway (or a well-formed client value), made up otherwise.

The id is stored in a context variable so that log lines and error bodies can carry it
without threading the request through every call.
"""

import re
import uuid
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
_current: ContextVar[str] = ContextVar("request_id", default="-")


def current_request_id() -> str:
    """The id of the request being served by this thread, or '-' outside a request."""
    return _current.get()


def clean_request_id(value: str | None) -> str:
    """Return `value` when it is a well-formed id, else a fresh one."""
    if value and _WELL_FORMED.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = clean_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdLogFilter:
    """Adds `request_id` to every log record."""

    def filter(self, record) -> bool:
        # django.request logs a response after the middleware is done: take its request's id.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id()
        return True
