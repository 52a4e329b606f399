"""Creates the demo staff user and customer when they do not exist yet (never resets them)."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User

DEMO_USERS = [
    # email, password variable, is staff (staff of auth are superusers of every admin)
    ("admin@shop.local", "DEMO_ADMIN_PASSWORD", True),
    ("customer@shop.local", "DEMO_CUSTOMER_PASSWORD", False),
]


class Command(BaseCommand):
    help = "Create the demo users (passwords from DEMO_ADMIN_PASSWORD and DEMO_CUSTOMER_PASSWORD)."

    @transaction.atomic
    def handle(self, *args, **options):
        for email, password_var, staff in DEMO_USERS:
            if User.objects.filter(email=email).exists():
                continue
            password = os.environ.get(password_var)
            if not password:
                raise CommandError(f"{password_var} is not set")
            if staff:
                User.objects.create_superuser(email, password, full_name="Demo Admin")
            else:
                User.objects.create_user(email, password, full_name="Demo Customer")
            self.stdout.write(f"created {email}")
