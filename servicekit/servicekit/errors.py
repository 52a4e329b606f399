"""One error shape for every service:

    {"error": {"code": "...", "message": "...", "details": {...}, "request_id": "..."}}

`code` is stable and meant for clients to switch on; `message` is for humans.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .request_id import current_request_id


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details or {},
            "request_id": current_request_id(),
        }
    }


def error_response(status: int, code: str, message: str, details: dict | None = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, details), status=status)


class DomainError(Exception):
    """A business rule said no. Framework-free: services and selectors raise this family and
    know nothing of HTTP frameworks; the API layer translates it once (api_exception_handler).

    Subclasses set `code` (stable, for clients to switch on: an enum value), `status` (a hint
    of the HTTP status) and `message`; `details` carries structured context (numbers stay
    numbers; for invalid input, the messages of each field).
    """

    status = 409
    code = "conflict"
    message = "This conflicts with the current state."
    retry_after: int | None = None  # seconds, sent as Retry-After when set

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict | None = None,
        retry_after: int | None = None,
    ):
        self.message = message or self.message
        self.code = str(code or self.code)
        self.details = details or {}
        self.retry_after = retry_after if retry_after is not None else self.retry_after
        super().__init__(self.message)


class InvalidInput(DomainError):
    """`details` names each field and what is wrong with it: {"field": ["message", ...]}."""

    status = 400
    code = "validation_error"
    message = "The request is not valid."


class NotFoundError(DomainError):
    status = 404
    code = "not_found"
    message = "Nothing is here."


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    message = "A valid access token is required."


class Forbidden(DomainError):
    status = 403
    code = "permission_denied"
    message = "You do not have permission to do this."


class Unavailable(DomainError):
    status = 503
    code = "dependency_unavailable"
    message = "A service this request needs is unavailable; retry later."
    retry_after = 5


class TooManyRequests(DomainError):
    status = 429
    code = "rate_limited"
    message = "Too many requests; retry later."
    retry_after = 1


def domain_error_response(exc: DomainError) -> Response:
    response = Response(error_body(exc.code, exc.message, exc.details), status=exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="shop"'
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    return response


def _describe(exc: exceptions.APIException) -> tuple[str, str, dict]:
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        details = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        return "validation_error", "The request is not valid.", details
    if isinstance(detail, dict) and "detail" in detail:
        # simplejwt's token errors: {"detail", "code", "messages"}
        extra = {k: v for k, v in detail.items() if k not in ("detail", "code")}
        return str(detail.get("code") or exc.default_code), str(detail["detail"]), extra
    code = getattr(detail, "code", None) or exc.default_code
    return str(code), str(detail), {}


def api_exception_handler(exc, context):
    """DRF exception handler that renders every handled error in the shared shape: the
    domain's errors (translated here, and only here) and DRF's own (parsing, permissions)."""
    if isinstance(exc, DomainError):
        set_rollback()
        return domain_error_response(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's handler500 answers
    code, message, details = _describe(exc if isinstance(exc, exceptions.APIException) else _as_api_exception(exc))
    response.data = error_body(code, message, details)
    return response


def _as_api_exception(exc) -> exceptions.APIException:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    return exceptions.APIException()


def wants_html(request) -> bool:
    """A browser navigating (Accept: text/html) gets an HTML page; API clients keep JSON."""
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "application/json" not in accept.split(",")[0]


def error_page(request, status: int, title: str, message: str) -> HttpResponse:
    """A small HTML page that says what happened and links home, to sign in or to sign out."""
    context = {
        "status": status,
        "title": title,
        "message": message,
        "identity": getattr(request, "gateway_identity", None),
        "request_id": current_request_id(),
    }
    return HttpResponse(render_to_string("servicekit/error.html", context), status=status)


def _negotiated(request, status: int, code: str, title: str, message: str, details: dict | None = None):
    if wants_html(request):
        return error_page(request, status, title, message)
    return error_response(status, code, message, details)


# Django-level handlers, for what never reaches a DRF view.
def bad_request(request, exception=None):
    return _negotiated(request, 400, "bad_request", "Bad request", "The request could not be understood.")


def permission_denied(request, exception=None):
    return _negotiated(request, 403, "permission_denied", "Not allowed", "You do not have permission to do this.")


def not_found(request, exception=None):
    return _negotiated(request, 404, "not_found", "Not found", "Nothing is here.")


def server_error(request):
    # Django calls this while handling the exception: a database that cannot be reached (down,
    # restarting, a connection cut) is a 503 to retry, not a bug. A retried order creation
    # with its Idempotency-Key finds the order if the first attempt did commit.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        message = "The service's database is unavailable; retry later."
        response = _negotiated(request, 503, "database_unavailable", "Try again shortly", message)
        response["Retry-After"] = "2"
        return response
    return _negotiated(request, 500, "server_error", "Something went wrong", "Something went wrong on our side.")


def csrf_failure(request, reason=""):
    return _negotiated(
        request,
        403,
        "csrf_failed",
        "Form expired",
        "CSRF verification failed: reload the page and try again.",
        {"reason": reason},
    )
