"""Reads of the auth service."""

from rest_framework.exceptions import NotFound

from .models import User


def user_get(*, user_id: str) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound("No such user.")
    return user
