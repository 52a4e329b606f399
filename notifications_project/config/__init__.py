# The Celery app is loaded with Django, so `shared_task` and the relay find it.
from .celery import app as celery_app

__all__ = ["celery_app"]
