"""Keeps the demo staff user and customer in step with var/secrets.env.

Idempotent: creates them when missing and resets their password and flags only when they
differ, so that the credentials `manage_all.sh up` prints always work. Every change goes
through the service layer, like a sign-up or an admin's edit (events, validation, revoked
sessions included).
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services
from accounts.models import User
from servicekit.errors import InvalidInput

DEMO_USERS = [
    # email, password variable, full name, staff (the demo staff user is a superuser everywhere)
    ("admin@shop.local", "DEMO_ADMIN_PASSWORD", "Demo Admin", True),
    ("customer@shop.local", "DEMO_CUSTOMER_PASSWORD", "Demo Customer", False),
]


class Command(BaseCommand):
    help = "Create or align the demo users (passwords from DEMO_ADMIN_PASSWORD and DEMO_CUSTOMER_PASSWORD)."

    @transaction.atomic
    def handle(self, *args, **options):
        for email, password_var, full_name, staff in DEMO_USERS:
            password = os.environ.get(password_var)
            if not password:
                raise CommandError(f"{password_var} is not set")
            try:
                if self._align(email=email, password=password, full_name=full_name, staff=staff):
                    self.stdout.write(f"demo user ready: {email}")
            except InvalidInput as exc:
                raise CommandError(f"{password_var}: {exc.details}") from exc

    @staticmethod
    def _align(*, email: str, password: str, full_name: str, staff: bool) -> bool:
        """Make the demo user match; returns whether anything changed."""
        user = User.objects.filter(email=email).first()
        if user is None:
            user = services.user_register(email=email, password=password, full_name=full_name)
        elif user.check_password(password) and (user.is_staff, user.is_superuser, user.is_active) == (
            staff,
            staff,
            True,
        ):
            return False
        elif not user.check_password(password):
            services.user_set_password(user=user, password=password)
        flags = {"is_staff": staff, "is_superuser": staff, "is_active": True}
        changes = {field: value for field, value in flags.items() if getattr(user, field) != value}
        if changes:
            services.user_update(user=user, **changes)
        return True
