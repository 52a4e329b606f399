import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_users_are_created_then_kept_in_step(monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "first-admin-pass")
    monkeypatch.setenv("DEMO_CUSTOMER_PASSWORD", "first-customer-pass")
    call_command("ensure_demo_users")
    admin = User.objects.get(email="admin@shop.local")
    assert admin.is_staff and admin.is_superuser and admin.check_password("first-admin-pass")
    assert not User.objects.get(email="customer@shop.local").is_staff

    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "second-admin-pass")
    call_command("ensure_demo_users")
    admin.refresh_from_db()
    assert admin.check_password("second-admin-pass")
    assert User.objects.filter(email__endswith="@shop.local").count() == 2


def test_demo_users_need_their_passwords(monkeypatch):
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError):
        call_command("ensure_demo_users")


def test_demo_users_are_registered_like_anyone_and_weak_passwords_refused(monkeypatch):
    from servicekit.models import OutboxEvent

    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "first-admin-pass")
    monkeypatch.setenv("DEMO_CUSTOMER_PASSWORD", "first-customer-pass")
    call_command("ensure_demo_users")
    announced = {e.payload["email"] for e in OutboxEvent.objects.filter(type="auth.user.registered")}
    assert announced == {"admin@shop.local", "customer@shop.local"}
    call_command("ensure_demo_users")  # nothing changed: nothing announced again
    assert OutboxEvent.objects.filter(type="auth.user.registered").count() == 2

    monkeypatch.setenv("DEMO_CUSTOMER_PASSWORD", "12345678901")
    with pytest.raises(CommandError, match="DEMO_CUSTOMER_PASSWORD"):
        call_command("ensure_demo_users")
