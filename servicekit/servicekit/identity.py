"""The caller's identity, as the gateway vouches for it.

The gateway verifies the token (through the auth service) and passes the identity upstream
in `X-User-*` headers, together with a shared secret that only it knows. A service trusts
those headers only when the secret matches, or when another service of the platform sends
them with its own credential (service_auth.py: it calls on behalf of that user); otherwise it
removes them, so that a client on the same host that talks to a service directly gains
nothing by sending them itself.
"""

import hmac
from dataclasses import dataclass

from django.conf import settings
from rest_framework import authentication, exceptions

from .service_auth import SERVICE_TOKEN_META, calling_service

GATEWAY_SECRET_META = "HTTP_X_GATEWAY_SECRET"  # noqa: S105 (a header name, not a secret)
IDENTITY_META = {
    "user_id": "HTTP_X_USER_ID",
    "email": "HTTP_X_USER_EMAIL",
    "is_staff": "HTTP_X_USER_IS_STAFF",
    "is_superuser": "HTTP_X_USER_IS_SUPERUSER",
    "auth_via": "HTTP_X_USER_AUTH_VIA",
}


@dataclass(frozen=True)
class GatewayIdentity:
    """A signed-in caller. Quacks enough like a Django user for DRF permissions."""

    user_id: str
    email: str
    is_staff: bool = False
    is_superuser: bool = False
    auth_via: str = "bearer"  # or "cookie": cookie-borne identities need CSRF checks

    is_authenticated = True
    is_anonymous = False

    @property
    def pk(self) -> str:
        return self.user_id

    def __str__(self) -> str:
        return self.email or self.user_id

    @classmethod
    def from_meta(cls, meta) -> "GatewayIdentity | None":
        user_id = meta.get(IDENTITY_META["user_id"], "")
        if not user_id:
            return None
        return cls(
            user_id=user_id,
            email=meta.get(IDENTITY_META["email"], ""),
            is_staff=meta.get(IDENTITY_META["is_staff"]) == "1",
            is_superuser=meta.get(IDENTITY_META["is_superuser"]) == "1",
            auth_via=meta.get(IDENTITY_META["auth_via"], "bearer"),
        )


def request_comes_from_gateway(request) -> bool:
    sent = request.META.get(GATEWAY_SECRET_META, "")
    return bool(sent) and hmac.compare_digest(sent.encode(), settings.GATEWAY_SECRET.encode())


class GatewayIdentityMiddleware:
    """Sets `request.gateway_identity` and `request.calling_service`; drops identity headers
    that neither the gateway nor a calling service vouched for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.calling_service = calling_service(request.META.pop(SERVICE_TOKEN_META, ""))
        if request.calling_service is not None or request_comes_from_gateway(request):
            request.gateway_identity = GatewayIdentity.from_meta(request.META)
        else:
            for key in IDENTITY_META.values():
                request.META.pop(key, None)
            request.gateway_identity = None
        request.META.pop(GATEWAY_SECRET_META, None)  # never echoed, logged or passed on
        return self.get_response(request)


class _CsrfCheck(authentication.CSRFCheck):
    def _reject(self, request, reason):
        return reason


class GatewayIdentityAuthentication(authentication.BaseAuthentication):
    """DRF authentication from the gateway identity.

    Browsers are authenticated by a cookie, so their unsafe requests must pass CSRF checks,
    exactly as with session authentication; bearer-token clients need not.
    """

    def authenticate(self, request):
        identity = getattr(request._request, "gateway_identity", None)
        if identity is None:
            return None
        if identity.auth_via == "cookie":
            self._enforce_csrf(request)
        return identity, None

    def authenticate_header(self, request):
        return 'Bearer realm="shop"'

    @staticmethod
    def _enforce_csrf(request):
        check = _CsrfCheck(lambda req: None)
        check.process_request(request)
        reason = check.process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(f"CSRF failed: {reason}")
