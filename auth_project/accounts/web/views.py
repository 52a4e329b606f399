"""Browser single sign-on for every admin, browsable API and Flower behind the gateway.

Signing in here sets two HttpOnly, Secure, SameSite=Lax cookies: a short-lived access token
(sent everywhere, checked by the gateway like a bearer token) and a refresh token (sent only
to /auth/). When the access cookie expires the gateway sends a navigating browser back here,
and a valid refresh cookie signs it in again without asking for the password; pages that stay
open renew it in the background through `session/renew/`.
"""

import time

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework_simplejwt.settings import api_settings

from servicekit.errors import InvalidInput, NotAuthenticated

from .. import services
from ..sign_in_guard import SignInLocked
from ..tokens import FAMILY_CLAIM, ShopAccessToken, read_access_token
from .landing import landing, requested_next

# An access cookie with less than this left is renewed rather than trusted for a whole page view.
RENEW_BEFORE_SECONDS = 90
RENEW_HEADER = "shop-session"  # custom header: a cross-site form cannot send it


def _set_session_cookies(response, tokens: dict[str, str]):
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


def _access_cookie(request) -> ShopAccessToken | None:
    """The browser's access token, when it is valid for a while yet and its session is live."""
    token = read_access_token(request.COOKIES.get(settings.SSO_ACCESS_COOKIE, ""))
    if token is None or token["exp"] - time.time() <= RENEW_BEFORE_SECONDS:
        return None
    return token if services.family_is_live(token.get(FAMILY_CLAIM)) else None


def _go(request, *, target: str, is_staff: bool):
    return redirect(landing(request, target=target, is_staff=is_staff, services=settings.SHOP_SERVICES))


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login_page(request):
    target = requested_next(request)
    error = ""
    email = ""
    if request.method == "GET":
        current = _access_cookie(request)
        if current is not None:  # already signed in: no new token, just go on
            return _go(request, target=target, is_staff=current.get("is_staff") is True)
        if request.COOKIES.get(settings.SSO_REFRESH_COOKIE):
            try:
                tokens = services.tokens_rotate(refresh=request.COOKIES[settings.SSO_REFRESH_COOKIE])
                is_staff = ShopAccessToken(tokens["access"]).get("is_staff") is True
                return _set_session_cookies(_go(request, target=target, is_staff=is_staff), tokens)
            except NotAuthenticated:
                pass  # an expired or revoked session: ask for the password
    else:
        email = request.POST.get("email", "")
        try:
            user = services.user_authenticate(request=request, email=email, password=request.POST.get("password", ""))
            return _set_session_cookies(
                _go(request, target=target, is_staff=user.is_staff), services.tokens_issue(user=user)
            )
        except (NotAuthenticated, InvalidInput):
            error = "Email or password is wrong."
        except SignInLocked as exc:
            context = {"next": target, "email": email, "error": f"{exc.message} ({exc.retry_after} s)"}
            response = render(request, "accounts/login.html", context, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
    context = {"next": target, "error": error, "email": email, "signed_out": "signed_out" in request.GET}
    return render(request, "accounts/login.html", context, status=401 if error else 200)


@never_cache
def logout_page(request):
    services.session_end(refresh=request.COOKIES.get(settings.SSO_REFRESH_COOKIE, ""))
    response = redirect("/auth/login/?signed_out=1")
    response.delete_cookie(settings.SSO_ACCESS_COOKIE, path="/")
    response.delete_cookie(settings.SSO_REFRESH_COOKIE, path=settings.SSO_REFRESH_COOKIE_PATH)
    return response


@never_cache
@csrf_exempt  # guarded by the custom header below and by SameSite cookies instead
@require_POST
def session_renew(request):
    """Renews the access cookie of an open page shortly before it expires.

    Answers a page's call (with its custom header; 400 without) with 200 whether or not the
    browser is signed in (a signed-out visitor's page just stops asking): `signed_in` and,
    when signed in, the seconds the access cookie has left.
    """
    if request.headers.get("X-Requested-With") != RENEW_HEADER:
        return JsonResponse({"signed_in": False, "reason": "missing X-Requested-With header"}, status=400)
    current = _access_cookie(request)
    if current is not None:
        return JsonResponse({"signed_in": True, "expires_in": int(current["exp"] - time.time())})
    try:
        tokens = services.tokens_rotate(refresh=request.COOKIES.get(settings.SSO_REFRESH_COOKIE, ""))
    except NotAuthenticated:
        return JsonResponse({"signed_in": False})
    lifetime = int(api_settings.ACCESS_TOKEN_LIFETIME.total_seconds())
    return _set_session_cookies(JsonResponse({"signed_in": True, "expires_in": lifetime}), tokens)


def _home_links(*, is_staff: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    services_ = settings.SHOP_SERVICES
    docs = [(f"{name} API docs", f"/api/{name}/docs/") for name in services_]
    if is_staff:
        return [
            ("Admins", [(f"{name} admin", f"/{name}/admin/") for name in services_]),
            (
                "APIs",
                [
                    ("Products", "/api/inventory/products/"),
                    ("My orders", "/api/orders/"),
                    ("My notifications", "/api/notifications/"),
                ],
            ),
            ("API docs", docs),
            ("Operations", [("Flower: workers and queues", "/flower/")]),
        ]
    return [
        (
            "Shop",
            [
                ("My orders", "/api/orders/"),
                ("My notifications", "/api/notifications/"),
                ("Products", "/api/inventory/products/"),
                ("My account", "/api/auth/me/"),
            ],
        ),
        ("API docs", docs),
    ]


@never_cache
def home(request):
    """`/`: who you are, how to sign out, and what you may open. The gateway sends only
    signed-in browsers here (others go to the sign-in page)."""
    identity = request.gateway_identity
    if identity is None:
        return redirect("/auth/login/")
    return render(
        request, "accounts/home.html", {"identity": identity, "sections": _home_links(is_staff=identity.is_staff)}
    )
