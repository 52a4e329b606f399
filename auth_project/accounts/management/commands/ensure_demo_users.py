"""Keeps the demo staff user and customer in step with var/secrets.env.

Idempotent: creates them when missing and resets their password and flags only when they
differ, so that the credentials `manage_all.sh up` prints always work.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.services import announce_registration

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
            user = User.objects.filter(email=email).first()
            created = user is None
            if created:
                user = User(email=email, full_name=full_name)
            elif user.check_password(password) and user.is_staff == staff and user.is_superuser == staff:
                continue
            user.set_password(password)
            user.is_staff = user.is_superuser = staff
            user.is_active = True
            user.save()
            if created:
                announce_registration(user=user)
            self.stdout.write(f"demo user ready: {email}")
