"""The auth admin goes through the service layer: the same events and revocations as the API."""

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import services
from accounts.models import User
from servicekit.models import OutboxEvent
from servicekit.testing import staff_browser

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "another-long-passphrase"


@pytest.fixture
def admin_browser(make_user):
    staff = make_user(is_staff=True, is_superuser=True)
    return staff_browser(user_id=str(staff.pk), email=staff.email)


def test_a_user_added_in_the_admin_is_registered_and_announced(admin_browser):
    response = admin_browser.post(
        "/auth/admin/accounts/user/add/",
        {"email": "New.Person@Example.com", "full_name": "New Person", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(email="new.person@example.com")
    assert user.check_password(PASSWORD)
    event = OutboxEvent.objects.get(type="auth.user.registered")
    assert event.payload == {"user_id": str(user.pk), "email": user.email, "full_name": "New Person"}


def test_a_weak_password_in_the_admin_is_refused_and_nothing_is_stored(admin_browser):
    before = User.objects.count()
    response = admin_browser.post(
        "/auth/admin/accounts/user/add/", {"email": "weak@example.com", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200  # the form again, with its errors
    assert User.objects.count() == before
    assert not OutboxEvent.objects.filter(type="auth.user.registered").exists()


def test_an_address_changed_in_the_admin_is_announced_and_ends_the_sessions(admin_browser, make_user):
    user = make_user(full_name="Old Name")
    services.tokens_issue(user=user)
    response = admin_browser.post(
        f"/auth/admin/accounts/user/{user.pk}/change/",
        {"email": "moved@example.com", "full_name": "Old Name", "is_active": "on"},
    )
    assert response.status_code == 302, response.content[:2000]
    event = OutboxEvent.objects.get(type="auth.user.changed")
    assert event.payload == {
        "user_id": str(user.pk),
        "email": "moved@example.com",
        "full_name": "Old Name",
        "is_active": True,
    }
    outstanding = OutstandingToken.objects.filter(user=user)
    assert outstanding.count() == 1
    assert BlacklistedToken.objects.filter(token__in=outstanding).count() == 1


def test_a_password_set_in_the_admin_signs_the_user_out(admin_browser, make_user):
    user = make_user()
    services.tokens_issue(user=user)
    response = admin_browser.post(
        f"/auth/admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content[:2000]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert BlacklistedToken.objects.filter(token__user=user).count() == 1


def test_users_are_deactivated_not_deleted(admin_browser, make_user):
    user = make_user()
    response = admin_browser.post(f"/auth/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=user.pk).exists()
