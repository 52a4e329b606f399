"""The routes every service has in the same place, so the gateway can route them alike."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import health, internal
from .errors import error_page

SSO_LOGIN_URL = "/auth/login/"


def admin_sign_in(request):
    """The admin's own login page. Signing in is the shop's single sign-on; the gateway sends
    only signed-in callers here, so one who still arrives is signed in but not allowed in the
    admin (a customer): say so, rather than send them round to the sign-in page forever."""
    if request.gateway_identity is None:
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{SSO_LOGIN_URL}?{query}" if query else SSO_LOGIN_URL)
    if request.user.is_authenticated and request.user.is_staff:  # signed in to this admin already
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=True):
            target = reverse("admin:index")
        return redirect(target)
    return error_page(
        request,
        403,
        "Staff only",
        f"The {settings.SERVICE_NAME} admin is for staff. You are signed in, but your account is not staff.",
    )


def service_urlpatterns(name: str, api_urls) -> list:
    """Health, schema, docs, admin (with single sign-on) and the service's own API."""
    api = f"api/{name}/"
    return [
        path("internal/caller/", internal.CallerView.as_view(), name="internal-caller"),
        path("internal/status/", internal.StatusView.as_view(), name="internal-status"),
        path(
            "internal/dead-letters/<int:pk>/replay/",
            internal.DeadLetterReplayView.as_view(),
            name="internal-dead-letter-replay",
        ),
        path("internal/metrics/", internal.MetricsView.as_view(), name="internal-metrics"),
        path(f"{api}healthz", health.healthz, name="healthz"),
        path(f"{api}readyz", health.readyz, name="readyz"),
        path(f"{api}schema/", SpectacularAPIView.as_view(), name="schema"),
        path(
            f"{api}docs/",
            SpectacularSwaggerView.as_view(url_name="schema", template_name="servicekit/swagger_ui.html"),
            name="docs",
        ),
        path(
            f"{api}redoc/",
            SpectacularRedocView.as_view(url_name="schema", template_name="servicekit/redoc.html"),
            name="redoc",
        ),
        # The admin's own login and logout are the shop's single sign-on pages.
        path(f"{name}/admin/login/", admin_sign_in),
        path(f"{name}/admin/logout/", RedirectView.as_view(url="/auth/logout/")),
        path(f"{name}/admin/", admin.site.urls),
        path(api, include(api_urls)),
    ]


handler400 = "servicekit.errors.bad_request"
handler403 = "servicekit.errors.permission_denied"
handler404 = "servicekit.errors.not_found"
handler500 = "servicekit.errors.server_error"
