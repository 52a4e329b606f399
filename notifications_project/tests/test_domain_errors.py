"""The domain's errors know nothing of HTTP frameworks; the API layer translates them once."""

import pytest
from rest_framework.exceptions import APIException

from servicekit.errors import DomainError, Forbidden, InvalidInput, NotAuthenticated, NotFoundError, Unavailable
from servicekit.errors import api_exception_handler as translate


class TooLate(DomainError):
    status = 409
    code = "too_late"
    message = "Too late for that."


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (TooLate(details={"minutes": 5}), 409, "too_late"),
        (InvalidInput(details={"email": ["Taken."]}), 400, "validation_error"),
        (NotFoundError("No such thing."), 404, "not_found"),
        (NotAuthenticated("Wrong.", code="invalid_credentials"), 401, "invalid_credentials"),
        (Forbidden(), 403, "permission_denied"),
        (Unavailable(), 503, "dependency_unavailable"),
    ],
)
def test_every_domain_error_becomes_the_shared_error_shape(error, status, code):
    assert not isinstance(error, APIException)
    response = translate(error, {})
    assert response.status_code == status
    body = response.data["error"]
    assert body["code"] == code and body["message"] == error.message and body["details"] == error.details
    assert set(body) == {"code", "message", "details", "request_id"}


def test_a_refused_sign_in_says_how_to_authenticate_and_an_outage_when_to_retry():
    assert translate(NotAuthenticated(), {})["WWW-Authenticate"] == 'Bearer realm="shop"'
    assert translate(Unavailable(), {})["Retry-After"] == "5"


def test_a_message_and_code_given_when_raised_win_over_the_class_defaults():
    error = TooLate("Far too late.", code="way_too_late")
    assert (error.message, error.code, str(error)) == ("Far too late.", "way_too_late", "Far too late.")
    assert TooLate().message == "Too late for that."  # the class default is untouched
