import pytest
from rest_framework.test import APIClient

from accounts.models import User
from servicekit.testing import gateway_headers

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(**fields) -> User:
        fields.setdefault("email", f"user{next(counter)}@example.com")
        return User.objects.create_user(password=fields.pop("password", PASSWORD), **fields)

    return make


@pytest.fixture
def api():
    return APIClient(HTTP_X_FORWARDED_PROTO="https")


@pytest.fixture
def signed_in(api):
    """An API client that carries the gateway's identity headers for `user`."""

    def sign_in(user: User) -> APIClient:
        api.credentials(**gateway_headers(user_id=str(user.pk), email=user.email, staff=user.is_staff))
        return api

    return sign_in
