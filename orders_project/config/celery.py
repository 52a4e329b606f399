"""This service's Celery app: `celery -A config worker` (events) and the outbox relay."""

from servicekit.celery_app import make_celery_app

app = make_celery_app()
