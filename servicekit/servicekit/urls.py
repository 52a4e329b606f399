"""The routes every service has in the same place, so the gateway can route them alike."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import health

SSO_LOGIN_URL = "/auth/login/"


def service_urlpatterns(name: str, api_urls) -> list:
    """Health, schema, docs, admin (with single sign-on) and the service's own API."""
    api = f"api/{name}/"
    return [
        path(f"{api}healthz", health.healthz, name="healthz"),
        path(f"{api}readyz", health.readyz, name="readyz"),
        path(f"{api}schema/", SpectacularAPIView.as_view(), name="schema"),
        path(f"{api}docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
        path(f"{api}redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
        # The admin's own login and logout are the shop's single sign-on pages.
        path(f"{name}/admin/login/", RedirectView.as_view(url=SSO_LOGIN_URL, query_string=True)),
        path(f"{name}/admin/logout/", RedirectView.as_view(url="/auth/logout/")),
        path(f"{name}/admin/", admin.site.urls),
        path(api, include(api_urls)),
    ]


handler400 = "servicekit.errors.bad_request"
handler403 = "servicekit.errors.permission_denied"
handler404 = "servicekit.errors.not_found"
handler500 = "servicekit.errors.server_error"
