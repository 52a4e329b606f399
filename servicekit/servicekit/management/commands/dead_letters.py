"""List this service's dead letters, or replay them once their cause is fixed."""

from django.core.management.base import BaseCommand, CommandError

from servicekit.celery_app import service_app
from servicekit.events.dead_letters import dead_letter_queue_depth, dead_letter_replay
from servicekit.models import DeadLetter


class Command(BaseCommand):
    help = "dead_letters list | dead_letters replay EVENT_ID... | dead_letters replay --all"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "replay"])
        parser.add_argument("event_ids", nargs="*")
        parser.add_argument("--all", action="store_true", help="With replay: every dead letter not replayed yet.")

    def handle(self, *args, **options):
        app = service_app()
        waiting = DeadLetter.objects.filter(replayed_at__isnull=True)
        if options["action"] == "list":
            self.stdout.write(f"dead-letter queue depth: {dead_letter_queue_depth(app)}")
            for letter in waiting:
                self.stdout.write(
                    f"{letter.event_id}  {letter.event_type}  {letter.failed_at:%Y-%m-%d %H:%M:%S}  {letter.error}"
                )
            return
        if not options["all"] and not options["event_ids"]:
            raise CommandError("name the event ids to replay, or --all")
        chosen = waiting if options["all"] else waiting.filter(event_id__in=options["event_ids"])
        replayed = 0
        for letter in chosen:
            dead_letter_replay(app, letter)
            replayed += 1
        self.stdout.write(f"replayed {replayed}")
