"""The token check the gateway makes (nginx `auth_request`) before every protected request.

It answers 200 with the identity in response headers, or 401 with no body (403 when the
route asks for staff with `?require=staff` and the caller is not). Besides the signature,
algorithm, expiry, audience and issuer, it asks whether the token's family (`sid`) is still
live: one indexed read, so that a logout or a password change ends access tokens too. The
gateway caches a success for `VERIFY_CACHE_SECONDS` (2 s), which bounds how long a revoked
token keeps working, and may use a cached success for a while when this check cannot answer.
It is served by its own worker pool and is not routed by the gateway to clients.
"""

import time

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from ..services import family_is_live
from ..tokens import FAMILY_CLAIM, read_access_token


def _presented_token(request) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), "bearer"
    cookie = request.COOKIES.get(settings.SSO_ACCESS_COOKIE, "")
    return cookie, "cookie"


def _flag(value) -> str:
    return "1" if value is True else "0"


@csrf_exempt
def verify(request):
    raw, via = _presented_token(request)
    token = read_access_token(raw)
    if token is None or not family_is_live(token.get(FAMILY_CLAIM)):
        return HttpResponse(status=401)
    if request.GET.get("require") == "staff" and token.get("is_staff") is not True:
        return HttpResponse(status=403)  # signed in, but this route is for staff only
    response = HttpResponse(status=200)
    response["X-User-Id"] = str(token["sub"])
    response["X-User-Email"] = str(token.get("email", ""))
    response["X-User-Is-Staff"] = _flag(token.get("is_staff"))
    response["X-User-Is-Superuser"] = _flag(token.get("is_superuser"))
    response["X-User-Auth-Via"] = via
    # nginx caches a success for at most this long, and never past the token's expiry.
    remaining = int(token["exp"] - time.time())
    fresh = max(0, min(settings.VERIFY_CACHE_SECONDS, remaining))
    stale = max(0, min(settings.VERIFY_STALE_IF_ERROR_SECONDS, remaining - fresh))
    response["Cache-Control"] = f"max-age={fresh}, stale-if-error={stale}"
    return response
