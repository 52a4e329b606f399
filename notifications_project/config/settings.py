"""Notifications service: in-app inbox, e-mail and signed webhooks."""

from pathlib import Path

from servicekit.settings import service_settings

BASE_DIR = Path(__file__).resolve().parent.parent
globals().update(service_settings(name="notifications", base_dir=BASE_DIR, apps=["notifications"]))
