"""Run this service's outbox relay (supervised; several may run at once)."""

from django.core.management.base import BaseCommand

from servicekit.celery_app import service_app
from servicekit.events.relay import OutboxRelay


class Command(BaseCommand):
    help = "Publish committed outbox events to RabbitMQ, woken by NOTIFY, sweeping periodically."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Publish what is pending, then exit.")
        parser.add_argument("--sweep-seconds", type=float, default=30.0)
        parser.add_argument(
            "--exit-after-publish",
            action="store_true",
            help="Fault injection for tests: with --once, die after publishing and before marking sent.",
        )

    def handle(self, *args, **options):
        app = service_app()
        relay = OutboxRelay(app, sweep_seconds=options["sweep_seconds"])
        if options["once"]:
            sent = relay.drain(exit_after_publish=options["exit_after_publish"])
            self.stdout.write(f"published {sent} events")
            return
        relay.run_forever()
