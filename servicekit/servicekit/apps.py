from importlib import import_module

from django.apps import AppConfig
from django.conf import settings


class ServicekitConfig(AppConfig):
    name = "servicekit"
    verbose_name = "Events and plumbing"

    def ready(self):
        from . import openapi  # noqa: F401 (registers the OpenAPI authentication extension)

        if settings.EVENT_HANDLERS:
            import_module(settings.EVENT_HANDLERS)  # registers the service's @handles functions
