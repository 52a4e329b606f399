from django.urls import path

from accounts import sso, verify
from servicekit.urls import handler400, handler403, handler404, handler500, service_urlpatterns  # noqa: F401

urlpatterns = [
    # Reached only by the gateway's auth_request, on the verify pool; never routed to clients.
    path("internal/verify/", verify.verify, name="verify"),
    path("auth/login/", sso.login_page, name="sso-login"),
    path("auth/logout/", sso.logout_page, name="sso-logout"),
    *service_urlpatterns("auth", "accounts.api.urls"),
]
