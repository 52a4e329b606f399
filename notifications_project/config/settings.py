"""Notifications service: in-app inbox, e-mail and signed webhooks."""

from pathlib import Path

from servicekit.settings import service_settings

BASE_DIR = Path(__file__).resolve().parent.parent
globals().update(
    service_settings(
        name="notifications", base_dir=BASE_DIR, apps=["notifications"], event_handlers="notifications.events"
    )
)

import environ  # noqa: E402

_env = environ.Env()
# E-mail through Django's framework: printed to the log by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = _env.str("EMAIL_HOST", default="")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = _env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = _env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = _env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = _env.bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = _env.str("DEFAULT_FROM_EMAIL", default="shop <no-reply@shop.local>")
