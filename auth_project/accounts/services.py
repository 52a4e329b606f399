"""Writes of the auth service: registration, passwords and the life of refresh tokens."""

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from servicekit.errors import Forbidden, InvalidInput, NotAuthenticated
from servicekit.events.outbox import publish_event

from .error_codes import AuthErrorCode
from .models import User, normalize_email
from .tokens import ShopRefreshToken, read_refresh_token

EMAIL_TAKEN = "A user with this email already exists."


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise InvalidInput(details={"password": list(exc.messages)}) from exc


def user_register(*, email: str, password: str, full_name: str = "") -> User:
    user = User(email=normalize_email(email), full_name=full_name)
    _validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            user_announce(user=user)
    except IntegrityError as exc:
        raise InvalidInput(details={"email": [EMAIL_TAKEN]}) from exc
    return user


def user_announce(*, user: User) -> None:
    """`auth.user.registered`: other services learn of the user (notifications keeps the address)."""
    publish_event("auth.user.registered", {"user_id": str(user.pk), "email": user.email, "full_name": user.full_name})


def user_authenticate(*, email: str, password: str, request=None) -> User:
    # Same answer for unknown email and wrong password: no account enumeration.
    user = authenticate(request, email=normalize_email(email), password=password)
    if user is None:
        raise NotAuthenticated("Email or password is wrong.", code=AuthErrorCode.INVALID_CREDENTIALS)
    return user


def tokens_issue(*, user: User) -> dict[str, str]:
    refresh = ShopRefreshToken.for_user(user)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def _parse_refresh(raw: str) -> ShopRefreshToken:
    token, why = read_refresh_token(raw)
    if token is None:
        raise NotAuthenticated(why, code=AuthErrorCode.TOKEN_NOT_VALID)
    return token


@transaction.atomic
def tokens_rotate(*, refresh: str) -> dict[str, str]:
    """Trade a refresh token for a new pair; the old refresh token is refused from then on.

    The outstanding-token row is locked, so two concurrent uses of one refresh token cannot
    both succeed. The new pair carries the user's current flags, not the old token's.
    """
    token = _parse_refresh(refresh)
    outstanding = OutstandingToken.objects.select_for_update(of=("self",)).filter(jti=token["jti"]).first()
    if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
        raise NotAuthenticated("Token is blacklisted", code=AuthErrorCode.TOKEN_NOT_VALID)
    user = User.objects.filter(pk=token["sub"], is_active=True).first()
    if user is None:
        raise NotAuthenticated("The user is inactive or gone.", code=AuthErrorCode.USER_INACTIVE)
    BlacklistedToken.objects.create(token=outstanding)
    refresh_token = ShopRefreshToken.for_user(user)
    return {"access": str(refresh_token.access_token), "refresh": str(refresh_token)}


def tokens_revoke(*, refresh: str, user_id: str) -> None:
    """Log out: the refresh token is refused from now on. Only its owner may revoke it."""
    token = _parse_refresh(refresh)
    if str(token["sub"]) != str(user_id):
        raise Forbidden("This refresh token belongs to someone else.", code=AuthErrorCode.TOKEN_NOT_YOURS)
    token.blacklist()


def session_end(*, refresh: str) -> None:
    """A browser signs out: its refresh token is refused from now on. Holding the token is
    the proof of ownership here; one already expired, revoked or unreadable needs nothing."""
    token, _ = read_refresh_token(refresh)
    if token is not None:
        token.blacklist()


def tokens_revoke_all(*, user: User) -> int:
    pending = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now()).exclude(
        blacklistedtoken__isnull=False
    )
    revoked = [BlacklistedToken(token=t) for t in pending]
    BlacklistedToken.objects.bulk_create(revoked, ignore_conflicts=True)
    return len(revoked)


@transaction.atomic
def user_change_password(*, user: User, old_password: str, new_password: str) -> None:
    """Change the password and sign the user out everywhere (every refresh token revoked)."""
    if not user.check_password(old_password):
        raise InvalidInput(details={"old_password": ["The current password is wrong."]})
    user_set_password(user=user, password=new_password)


@transaction.atomic
def user_set_password(*, user: User, password: str) -> None:
    """Set a password (checked against the password rules) and sign the user out everywhere."""
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    tokens_revoke_all(user=user)


# What other services copy (notifications keeps the address) and what tokens carry.
ANNOUNCED_FIELDS = {"email", "full_name", "is_active"}
TOKEN_FIELDS = {"email", "is_active", "is_staff", "is_superuser"}


@transaction.atomic
def user_update(*, user: User, **changes) -> User:
    """Change a user's profile or roles (the admin's way in).

    Other services hear of a new address, name or deactivation (`auth.user.changed`); a change
    of what tokens carry (address, roles, active) signs the user out everywhere, so that the
    next token has the new flags.
    """
    if "email" in changes:
        changes["email"] = normalize_email(changes["email"])
    for field, value in changes.items():
        setattr(user, field, value)
    try:
        with transaction.atomic():
            user.save(update_fields=list(changes))
    except IntegrityError as exc:
        raise InvalidInput(details={"email": [EMAIL_TAKEN]}) from exc
    if ANNOUNCED_FIELDS & set(changes):
        publish_event(
            "auth.user.changed",
            {"user_id": str(user.pk), "email": user.email, "full_name": user.full_name, "is_active": user.is_active},
        )
    if TOKEN_FIELDS & set(changes):
        tokens_revoke_all(user=user)
    return user
