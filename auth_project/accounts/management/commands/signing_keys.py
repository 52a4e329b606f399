"""`./manage_all.sh rotate-keys [--retire [--force]] | list`: the token-signing key ring."""

from django.core.management.base import BaseCommand, CommandError

from accounts import keyring


class Command(BaseCommand):
    help = "Add a token-signing key (it signs from now on), list the ring, or retire the older keys."

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", default="add", choices=["add", "list"])
        parser.add_argument("--retire", action="store_true", help="stop trusting every key but the newest")
        parser.add_argument("--force", action="store_true", help="retire even if older tokens are still unexpired")

    def handle(self, *args, action, retire, force, **options):
        if retire:
            try:
                retired = keyring.retire_old_keys(force=force)
            except keyring.KeyRingError as exc:
                raise CommandError(str(exc)) from exc
            for key in retired:
                self.stdout.write(f"retired {key.kid}")
            if not retired:
                self.stdout.write("nothing to retire: the ring holds one key")
        elif action == "add":
            key = keyring.add_key()
            self.stdout.write(f"added {key.kid}: it signs new tokens now; older keys still verify")
        for key in keyring.trusted_keys():
            role = "signs" if key == keyring.signing_key() else "verifies"
            self.stdout.write(f"  {key.kid}  created {key.created}  {role}")
