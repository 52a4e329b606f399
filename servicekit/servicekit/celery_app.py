"""Each service's Celery app, configured from Django settings (namespace CELERY)."""

import os

from celery import Celery, signals

# Celery's Django fixup closes every database connection before and after every task unless
# this is set, so each event paid for a new PostgreSQL connection (about a third of the
# database's CPU per order). Connections are instead handled per task as Django handles them
# per request (below); the fixup's own recycling is pushed out of the way.
DB_REUSE_MAX = 1_000_000


def _close_old_connections(**kwargs) -> None:
    # Like a request's start and end: keep a healthy connection up to CONN_MAX_AGE, drop one
    # that broke (after a PostgreSQL restart, say) so the next task connects afresh.
    from django.db import close_old_connections

    close_old_connections()


def make_celery_app() -> Celery:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    app = Celery(settings.SERVICE_NAME)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.CELERY_DB_REUSE_MAX = DB_REUSE_MAX
    signals.task_prerun.connect(_close_old_connections, weak=False)
    signals.task_postrun.connect(_close_old_connections, weak=False)
    if settings.EVENT_HANDLERS:
        from .events.consumer import register_event_task

        register_event_task(app)
    return app


def service_app() -> Celery:
    """This service's Celery app, the current one (the service's config package makes it when
    Django starts): servicekit never imports the host project."""
    from celery import current_app

    return current_app._get_current_object()
