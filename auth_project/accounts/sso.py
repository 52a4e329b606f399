"""Browser single sign-on for every admin, browsable API and Flower behind the gateway.

Signing in here sets two HttpOnly, Secure, SameSite=Lax cookies: a short-lived access token
(sent everywhere, checked by the gateway like a bearer token) and a refresh token (sent only
to /auth/). When the access cookie expires the gateway sends the browser back here, and a
valid refresh cookie signs it in again without asking for the password.
"""

import contextlib

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings

from . import services
from .tokens import ShopRefreshToken

DEFAULT_NEXT = "/auth/admin/"


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or DEFAULT_NEXT
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=True):
        return target
    return DEFAULT_NEXT


def _signed_in(target: str, tokens: dict[str, str]):
    response = redirect(target)
    common = {"secure": True, "httponly": True, "samesite": "Lax"}
    response.set_cookie(
        settings.SSO_ACCESS_COOKIE,
        tokens["access"],
        max_age=int(api_settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
        path="/",
        **common,
    )
    response.set_cookie(
        settings.SSO_REFRESH_COOKIE,
        tokens["refresh"],
        max_age=int(api_settings.REFRESH_TOKEN_LIFETIME.total_seconds()),
        path=settings.SSO_REFRESH_COOKIE_PATH,
        **common,
    )
    return response


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login_page(request):
    target = _safe_next(request)
    error = ""
    if request.method == "GET" and request.COOKIES.get(settings.SSO_REFRESH_COOKIE):
        try:
            return _signed_in(target, services.tokens_rotate(refresh=request.COOKIES[settings.SSO_REFRESH_COOKIE]))
        except AuthenticationFailed:
            pass  # an expired or revoked session: ask for the password
    if request.method == "POST":
        try:
            user = services.user_authenticate(
                request=request,
                email=request.POST.get("email", ""),
                password=request.POST.get("password", ""),
            )
            return _signed_in(target, services.tokens_issue(user=user))
        except (AuthenticationFailed, ValidationError):
            error = "Email or password is wrong."
    status = 401 if error else 200
    return render(request, "accounts/login.html", {"next": target, "error": error}, status=status)


@never_cache
def logout_page(request):
    raw = request.COOKIES.get(settings.SSO_REFRESH_COOKIE)
    if raw:
        with contextlib.suppress(TokenError):  # already expired or revoked: nothing to revoke
            ShopRefreshToken(raw).blacklist()
    response = redirect("/auth/login/")
    response.delete_cookie(settings.SSO_ACCESS_COOKIE, path="/")
    response.delete_cookie(settings.SSO_REFRESH_COOKIE, path=settings.SSO_REFRESH_COOKIE_PATH)
    return response
