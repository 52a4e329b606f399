"""Service-to-service credentials: each service signs its own short-lived tokens.

Every service has an Ed25519 key pair (`SERVICE_KEYS_DIR/<name>.key`, generated at set-up;
the public halves `<name>.pub` are readable by all). A call to another service carries
`X-Service-Token`: a JWT (EdDSA) whose issuer is `service:<caller>`, whose audience is
`service:<callee>`, living `SERVICE_TOKEN_SECONDS`. The callee checks it against the caller's
public key, and then knows which service called (`request.calling_service`) and may trust the
identity the caller passes on for its user. Neither a customer's token nor the gateway's secret
can produce one: only the holder of a service's private key can speak as that service.
"""

import threading
import time
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jwt
from django.conf import settings
from rest_framework.permissions import BasePermission

SERVICE_TOKEN_HEADER = "X-Service-Token"  # noqa: S105 (a header name, not a secret)
SERVICE_TOKEN_META = "HTTP_X_SERVICE_TOKEN"  # noqa: S105
ISSUER_PREFIX = "service:"


@dataclass(frozen=True)
class ServicePrincipal:
    """The service that made a call (its name, from the verified token)."""

    name: str


def _keys_dir() -> Path:
    return Path(settings.SERVICE_KEYS_DIR)


@cache
def _private_key(name: str) -> str:
    return (_keys_dir() / f"{name}.key").read_text()


@cache
def _public_key(name: str) -> str | None:
    path = _keys_dir() / f"{name}.pub"
    return path.read_text() if name.isidentifier() and path.is_file() else None


_issued: dict[str, tuple[float, str]] = {}
_issued_lock = threading.Lock()


def service_token(audience: str) -> str:
    """A token saying "this service calls `audience`", reused until it is half-way to expiry."""
    now = time.time()
    lifetime = settings.SERVICE_TOKEN_SECONDS
    with _issued_lock:
        cached = _issued.get(audience)
        if cached and cached[0] - now > lifetime / 2:
            return cached[1]
        claims = {
            "iss": f"{ISSUER_PREFIX}{settings.SERVICE_NAME}",
            "aud": f"{ISSUER_PREFIX}{audience}",
            "iat": int(now),
            "exp": int(now + lifetime),
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(claims, _private_key(settings.SERVICE_NAME), algorithm="EdDSA")
        _issued[audience] = (now + lifetime, token)
        return token


def calling_service(raw: str) -> ServicePrincipal | None:
    """The service that signed `raw` for this service, or None (missing, forged, expired, not for us)."""
    if not raw:
        return None
    try:
        issuer = jwt.decode(raw, options={"verify_signature": False}).get("iss", "")
    except jwt.InvalidTokenError:
        return None
    if not isinstance(issuer, str) or not issuer.startswith(ISSUER_PREFIX):
        return None
    name = issuer.removeprefix(ISSUER_PREFIX)
    public_key = _public_key(name)
    if public_key is None:
        return None
    try:
        jwt.decode(
            raw,
            public_key,
            algorithms=["EdDSA"],
            audience=f"{ISSUER_PREFIX}{settings.SERVICE_NAME}",
            issuer=issuer,
            options={"require": ["exp", "iat", "iss", "aud"]},
            leeway=5,
        )
    except jwt.InvalidTokenError:
        return None
    return ServicePrincipal(name=name)


class IsService(BasePermission):
    """Only another service of the platform, by its own credential (not a user, not the gateway)."""

    message = "Only a service of the platform may call this."

    def has_permission(self, request, view) -> bool:
        return getattr(request._request, "calling_service", None) is not None
