from django.urls import include, path

from accounts.api import verify
from accounts.web import views as web
from servicekit.urls import handler400, handler403, handler404, handler500, service_urlpatterns  # noqa: F401

urlpatterns = [
    # Reached only by the gateway's auth_request, on the verify pool; never routed to clients.
    path("internal/verify/", verify.verify, name="verify"),
    path("", web.home, name="home"),
    path("auth/login/", web.login_page, name="sso-login"),
    path("auth/logout/", web.logout_page, name="sso-logout"),
    path("auth/session/renew/", web.session_renew, name="sso-renew"),
    path("", include("dashboard.urls")),
    *service_urlpatterns("auth", "accounts.api.urls"),
]
