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
