"""Per-account brake on password guessing, on top of the gateway's per-address limit.

After `SIGN_IN_MAX_FAILURES` wrong passwords for one address (from any client address) the
account is locked for `SIGN_IN_LOCK_SECONDS`, doubled with each further failure up to
`SIGN_IN_LOCK_MAX_SECONDS`; attempts while locked are refused with 429 and Retry-After,
without checking the password. The throttle row is locked for the length of the attempt, so
concurrent guesses are counted one after another and a burst cannot slip past the limit.
Unknown addresses are counted and locked alike: the answer says nothing of whether an
account exists. A success clears the count; failures older than the window are forgotten.
"""

import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from servicekit.errors import TooManyRequests

from .error_codes import AuthErrorCode
from .models import SecurityEvent, SignInThrottle

logger = logging.getLogger(__name__)


class SignInLocked(TooManyRequests):
    code = AuthErrorCode.SIGN_IN_LOCKED
    message = "Too many failed sign-ins for this account; retry later."


@dataclass(frozen=True)
class LockPolicy:
    max_failures: int
    lock_seconds: int
    max_lock_seconds: int
    window_seconds: int

    def lock_for(self, failures: int) -> int:
        """Seconds locked after `failures` consecutive failures (0: not locked)."""
        if failures < self.max_failures:
            return 0
        return min(self.max_lock_seconds, self.lock_seconds * 2 ** (failures - self.max_failures))


def policy() -> LockPolicy:
    return LockPolicy(
        max_failures=settings.SIGN_IN_MAX_FAILURES,
        lock_seconds=settings.SIGN_IN_LOCK_SECONDS,
        max_lock_seconds=settings.SIGN_IN_LOCK_MAX_SECONDS,
        window_seconds=settings.SIGN_IN_FAILURE_WINDOW_SECONDS,
    )


def _key(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()


def guarded_attempt(email: str, check_password):
    """Run `check_password()` (→ user or None) unless `email` is locked; count the outcome."""
    rules = policy()
    with transaction.atomic():
        SignInThrottle.objects.get_or_create(key=_key(email))
        throttle = SignInThrottle.objects.select_for_update().get(key=_key(email))
        now = timezone.now()  # read after the lock: a waiter sees the clock of its own turn
        if throttle.locked_until and throttle.locked_until > now:
            wait = math.ceil((throttle.locked_until - now).total_seconds())
            raise SignInLocked(retry_after=max(1, wait), details={"retry_after": max(1, wait)})
        user = check_password()
        if user is not None:
            if throttle.failures:
                throttle.failures, throttle.locked_until = 0, None
                throttle.save(update_fields=["failures", "locked_until"])
            return user
        recent = throttle.last_failure_at and now - throttle.last_failure_at < timedelta(seconds=rules.window_seconds)
        throttle.failures = (throttle.failures if recent else 0) + 1
        throttle.last_failure_at = now
        locked = rules.lock_for(throttle.failures)
        throttle.locked_until = now + timedelta(seconds=locked) if locked else None
        throttle.save(update_fields=["failures", "last_failure_at", "locked_until"])
        if locked:
            SecurityEvent.objects.create(
                kind=SecurityEvent.Kind.SIGN_IN_LOCKED,
                details={"account_key": throttle.key[:16], "failures": throttle.failures, "seconds": locked},
            )
            logger.warning("sign-in locked for %s s after %s failures", locked, throttle.failures)
        return None
