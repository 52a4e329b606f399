"""Notifications service: tells users what happened (in-app inbox and e-mail)."""

from pathlib import Path

from servicekit.settings import service_settings

BASE_DIR = Path(__file__).resolve().parent.parent
globals().update(
    service_settings(
        name="notifications", base_dir=BASE_DIR, apps=["notifications"], event_handlers="notifications.events"
    )
)

env = ENV  # noqa: F821 (from service_settings): every setting below is read through it

# E-mail through Django's framework: printed to the log by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "notifications.mail_backend.LogEmailBackend"
)
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shop <no-reply@shop.local>")

# Notifications consumes events and publishes none: it has no outbox relay.
PUBLISHES_EVENTS = False
