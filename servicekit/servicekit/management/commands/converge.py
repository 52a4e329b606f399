"""Bring this service up to date in one process: its database (migrate), its static files,
its event topology, then the service's own set-up steps (settings.CONVERGE_COMMANDS: the demo
users, the demo catalogue). `./manage_all.sh up` runs one per service, side by side; each step
is idempotent, and migrate applies exactly what the database lacks."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, collect static files, declare the event topology and run the service's own set-up steps."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("declare_event_topology", stdout=self.stdout)
        for command in settings.CONVERGE_COMMANDS:
            call_command(command, stdout=self.stdout)
