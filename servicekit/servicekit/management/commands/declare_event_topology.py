"""Declare this service's exchanges and queues (run at provisioning, before any publish)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from servicekit.celery_app import service_app
from servicekit.events.consumer import handled_types
from servicekit.events.topology import declare, queue_name


class Command(BaseCommand):
    help = "Declare the events exchange and, for a consumer, its queue, bindings and dead-letter queue."

    def handle(self, *args, **options):
        app = service_app()
        with app.connection_for_write() as conn:
            declare(conn, settings.SERVICE_NAME, handled_types())
        if handled_types():
            self.stdout.write(f"{queue_name(settings.SERVICE_NAME)} bound to: {', '.join(handled_types())}")
