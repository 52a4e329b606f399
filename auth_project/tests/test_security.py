"""Security in depth inside the auth service: the per-account sign-in brake, token families
(reuse of a rotated refresh token) and the signing-key ring."""

import jwt
import pytest
from django.utils import timezone

from accounts import keyring, services
from accounts.models import SecurityEvent, SignInThrottle, TokenFamily
from accounts.sign_in_guard import LockPolicy, SignInLocked
from accounts.tokens import ShopAccessToken, read_access_token, read_refresh_token
from servicekit.errors import NotAuthenticated

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


class TestLockPolicy:
    POLICY = LockPolicy(max_failures=5, lock_seconds=5, max_lock_seconds=900, window_seconds=3600)

    def test_the_first_failures_lock_nothing(self):
        assert [self.POLICY.lock_for(n) for n in range(5)] == [0, 0, 0, 0, 0]

    def test_the_lock_doubles_with_each_failure_up_to_the_cap(self):
        assert [self.POLICY.lock_for(n) for n in range(5, 10)] == [5, 10, 20, 40, 80]
        assert self.POLICY.lock_for(50) == 900


def fail(email: str, times: int):
    for _ in range(times):
        with pytest.raises(NotAuthenticated):
            services.user_authenticate(email=email, password="not-the-password")


class TestSignInBrake:
    def test_an_account_locks_after_the_allowed_failures(self, make_user, settings):
        user = make_user()
        fail(user.email, settings.SIGN_IN_MAX_FAILURES)
        with pytest.raises(SignInLocked) as locked:
            services.user_authenticate(email=user.email, password=PASSWORD)  # even the right one
        assert 1 <= locked.value.retry_after <= settings.SIGN_IN_LOCK_SECONDS
        assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGN_IN_LOCKED).count() == 1

    def test_an_unknown_address_locks_exactly_like_a_known_one(self, settings):
        fail("nobody@example.com", settings.SIGN_IN_MAX_FAILURES)
        with pytest.raises(SignInLocked):
            services.user_authenticate(email="NOBODY@example.com", password="anything-at-all")

    def test_the_right_password_after_the_lock_works_and_clears_the_count(self, make_user, settings):
        user = make_user()
        fail(user.email, settings.SIGN_IN_MAX_FAILURES)
        SignInThrottle.objects.update(locked_until=timezone.now())  # the lock has run out
        assert services.user_authenticate(email=user.email, password=PASSWORD) == user
        assert SignInThrottle.objects.get().failures == 0

    def test_a_failure_after_the_lock_locks_for_longer(self, make_user, settings):
        user = make_user()
        fail(user.email, settings.SIGN_IN_MAX_FAILURES)
        SignInThrottle.objects.update(locked_until=timezone.now())
        fail(user.email, 1)
        throttle = SignInThrottle.objects.get()
        locked_for = (throttle.locked_until - throttle.last_failure_at).total_seconds()
        assert locked_for == 2 * settings.SIGN_IN_LOCK_SECONDS

    def test_the_login_api_answers_429_with_retry_after(self, api, make_user, settings):
        user = make_user()
        fail(user.email, settings.SIGN_IN_MAX_FAILURES)
        response = api.post("/api/auth/login/", {"email": user.email, "password": PASSWORD}, format="json")
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "sign_in_locked"
        assert 1 <= int(response["Retry-After"]) <= settings.SIGN_IN_LOCK_SECONDS


class TestTokenFamilies:
    def test_a_rotation_stays_in_the_family(self, make_user):
        first = services.tokens_issue(user=make_user())
        second = services.tokens_rotate(refresh=first["refresh"])
        assert ShopAccessToken(second["access"])["sid"] == ShopAccessToken(first["access"])["sid"]

    def test_reusing_a_rotated_refresh_token_ends_the_family_and_is_recorded(self, make_user, settings):
        settings.REFRESH_REUSE_GRACE_SECONDS = 0
        first = services.tokens_issue(user=make_user())
        second = services.tokens_rotate(refresh=first["refresh"])
        with pytest.raises(NotAuthenticated):
            services.tokens_rotate(refresh=first["refresh"])  # the stolen copy
        family = TokenFamily.objects.get()
        assert family.revoked_because == "refresh_reused"
        with pytest.raises(NotAuthenticated):
            services.tokens_rotate(refresh=second["refresh"])  # the family's newest is dead too
        event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.REFRESH_REUSED)
        assert event.details["family"] == str(family.pk)

    def test_a_racing_second_renewal_within_the_grace_ends_nothing(self, make_user, settings):
        settings.REFRESH_REUSE_GRACE_SECONDS = 60
        first = services.tokens_issue(user=make_user())
        second = services.tokens_rotate(refresh=first["refresh"])
        with pytest.raises(NotAuthenticated):
            services.tokens_rotate(refresh=first["refresh"])
        assert services.tokens_rotate(refresh=second["refresh"])["access"]
        assert not SecurityEvent.objects.exists()

    def test_logout_ends_the_family_not_the_others(self, make_user):
        user = make_user()
        phone, laptop = services.tokens_issue(user=user), services.tokens_issue(user=user)
        services.session_end(refresh=phone["refresh"])
        families = {str(pk): why for pk, why in TokenFamily.objects.values_list("pk", "revoked_because")}
        assert families[ShopAccessToken(phone["access"])["sid"]] == "logout"
        assert families[ShopAccessToken(laptop["access"])["sid"]] == ""


@pytest.fixture
def ring(tmp_path, settings):
    settings.JWT_KEYRING_DIR = tmp_path / "jwt"
    keyring.add_key()
    return tmp_path / "jwt"


class TestKeyRing:
    def test_a_new_key_signs_and_the_old_one_still_verifies(self, ring, make_user):
        user = make_user()
        old = services.tokens_issue(user=user)
        new_key = keyring.add_key()
        new = services.tokens_issue(user=user)
        assert jwt.get_unverified_header(new["access"])["kid"] == new_key.kid
        assert jwt.get_unverified_header(old["access"])["kid"] != new_key.kid
        assert read_access_token(old["access"]) is not None
        assert read_access_token(new["access"]) is not None
        assert {key.kid for key in keyring.trusted_keys()} == {
            jwt.get_unverified_header(t["access"])["kid"] for t in (old, new)
        }

    def test_retiring_is_refused_while_old_access_tokens_may_live(self, ring):
        keyring.add_key()
        with pytest.raises(keyring.KeyRingError):
            keyring.retire_old_keys()
        assert len(keyring.trusted_keys()) == 2

    def test_a_retired_key_verifies_nothing(self, ring, make_user):
        old = services.tokens_issue(user=make_user())
        keyring.add_key()
        assert len(keyring.retire_old_keys(force=True)) == 1
        assert read_access_token(old["access"]) is None
        assert read_refresh_token(old["refresh"])[0] is None
        assert (ring / "retired").is_dir() and len(keyring.trusted_keys()) == 1
