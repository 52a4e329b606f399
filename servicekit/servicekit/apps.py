from django.apps import AppConfig


class ServicekitConfig(AppConfig):
    name = "servicekit"

    def ready(self):
        from . import openapi  # noqa: F401 (registers the OpenAPI authentication extension)
