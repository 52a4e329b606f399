"""Declare this service's exchanges and queues (run at provisioning, before any publish)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from servicekit.celery_app import service_app
from servicekit.events.consumer import handled_lanes
from servicekit.events.topology import declare, queue_name


class Command(BaseCommand):
    help = "Declare the events exchange and, for a consumer, its queues, bindings and dead-letter queue."

    def handle(self, *args, **options):
        app = service_app()
        lanes = handled_lanes()
        with app.connection_for_write() as conn:
            declare(conn, settings.SERVICE_NAME, lanes)
        for lane, event_types in lanes.items():
            if event_types:
                self.stdout.write(f"{queue_name(settings.SERVICE_NAME, lane)} bound to: {', '.join(event_types)}")
