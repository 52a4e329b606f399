"""Writes of the auth service: registration, passwords and the life of refresh tokens."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from servicekit.errors import Forbidden, InvalidInput, NotAuthenticated
from servicekit.events.outbox import publish_event

from .error_codes import AuthErrorCode
from .models import SecurityEvent, TokenFamily, User, normalize_email
from .sign_in_guard import guarded_attempt
from .tokens import FAMILY_CLAIM, ShopRefreshToken, read_refresh_token

logger = logging.getLogger(__name__)

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
    """The user with these credentials. Same answer for an unknown email and a wrong
    password (no account enumeration); 429 while the account is locked (sign_in_guard.py)."""
    email = normalize_email(email)
    user = guarded_attempt(email, lambda: authenticate(request, email=email, password=password))
    if user is None:
        raise NotAuthenticated("Email or password is wrong.", code=AuthErrorCode.INVALID_CREDENTIALS)
    return user


def tokens_issue(*, user: User) -> dict[str, str]:
    """A new sign-in: a new token family and its first pair."""
    family = TokenFamily.objects.create(user=user)
    refresh = ShopRefreshToken.for_user(user, family_id=family.pk)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def families_revoke(*, because: str, **which) -> int:
    """End the token families `which` selects (their refresh and access tokens alike)."""
    return TokenFamily.objects.filter(revoked_at__isnull=True, **which).update(
        revoked_at=timezone.now(), revoked_because=because
    )


def family_is_live(family_id) -> bool:
    if not family_id:
        return False  # a token from before families: refused like a revoked one
    return TokenFamily.objects.filter(pk=family_id, revoked_at__isnull=True).exists()


def _parse_refresh(raw: str) -> ShopRefreshToken:
    token, why = read_refresh_token(raw)
    if token is None:
        raise NotAuthenticated(why, code=AuthErrorCode.TOKEN_NOT_VALID)
    return token


def tokens_rotate(*, refresh: str) -> dict[str, str]:
    """Trade a refresh token for a new pair; the old refresh token is refused from then on.

    The outstanding-token row is locked, so two concurrent uses of one refresh token cannot
    both succeed. The new pair carries the user's current flags, not the old token's, and
    stays in the token's family. A token already traded in ends its family (reuse means a copy).
    """
    token = _parse_refresh(refresh)
    with transaction.atomic():
        outstanding = OutstandingToken.objects.select_for_update(of=("self",)).filter(jti=token["jti"]).first()
        rotated = BlacklistedToken.objects.filter(token=outstanding).first() if outstanding else None
        if outstanding is not None and rotated is None:
            return _rotate(token, outstanding)
    if rotated is not None:
        _refresh_reused(token, rotated_at=rotated.blacklisted_at)
    raise NotAuthenticated("Token is blacklisted", code=AuthErrorCode.TOKEN_NOT_VALID)


def _rotate(token: ShopRefreshToken, outstanding: OutstandingToken) -> dict[str, str]:
    if not family_is_live(token.get(FAMILY_CLAIM)):
        raise NotAuthenticated("This session has ended.", code=AuthErrorCode.TOKEN_NOT_VALID)
    user = User.objects.filter(pk=token["sub"], is_active=True).first()
    if user is None:
        raise NotAuthenticated("The user is inactive or gone.", code=AuthErrorCode.USER_INACTIVE)
    BlacklistedToken.objects.create(token=outstanding)
    refresh_token = ShopRefreshToken.for_user(user, family_id=token[FAMILY_CLAIM])
    return {"access": str(refresh_token.access_token), "refresh": str(refresh_token)}


@transaction.atomic
def _refresh_reused(token: ShopRefreshToken, *, rotated_at) -> None:
    """A refresh token that was already traded in is back: someone holds a copy. Its whole
    family ends, unless it is a second renewal racing the first (within the grace)."""
    if timezone.now() - rotated_at < timedelta(seconds=settings.REFRESH_REUSE_GRACE_SECONDS):
        return
    family_id = token.get(FAMILY_CLAIM)
    revoked = families_revoke(because="refresh_reused", pk=family_id) if family_id else 0
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.REFRESH_REUSED,
        user_id=token.get("sub"),
        details={"family": family_id, "jti": token["jti"], "family_revoked": bool(revoked)},
    )
    logger.warning("refresh token reused: family %s revoked", family_id)


def tokens_revoke(*, refresh: str, user_id: str) -> None:
    """Log out: the refresh token is refused from now on. Only its owner may revoke it."""
    token = _parse_refresh(refresh)
    if str(token["sub"]) != str(user_id):
        raise Forbidden("This refresh token belongs to someone else.", code=AuthErrorCode.TOKEN_NOT_YOURS)
    token.blacklist()
    families_revoke(because="logout", pk=token.get(FAMILY_CLAIM))


def session_end(*, refresh: str) -> None:
    """A browser signs out: its refresh token is refused from now on. Holding the token is
    the proof of ownership here; one already expired, revoked or unreadable needs nothing."""
    token, _ = read_refresh_token(refresh)
    if token is not None:
        token.blacklist()
        families_revoke(because="logout", pk=token.get(FAMILY_CLAIM))


def tokens_revoke_all(*, user: User, because: str = "signed_out_everywhere") -> int:
    """Sign the user out everywhere: every family ends, access tokens included."""
    families_revoke(because=because, user=user)
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
