"""Reads of the auth service."""

from servicekit.errors import NotFoundError

from .models import User


def user_get(*, user_id: str) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFoundError("No such user.")
    return user
