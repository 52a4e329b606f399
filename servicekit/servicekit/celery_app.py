"""Each service's Celery app, configured from Django settings (namespace CELERY)."""

import os

from celery import Celery


def make_celery_app() -> Celery:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    app = Celery(settings.SERVICE_NAME)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    if settings.EVENT_HANDLERS:
        from .events.consumer import register_event_task

        register_event_task(app)
    return app
