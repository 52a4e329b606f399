"""Access and refresh tokens: simplejwt's, signed RS256 and labelled with the key id (`kid`).

The `kid` lets verifiers pick the right key from the JWKS, which is what makes a key
rotation possible without a flag day.
"""

import base64
import hashlib
import json
from functools import cache

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@cache
def public_jwk() -> dict:
    """The verifying key as a JWK, with its RFC 7638 thumbprint as `kid`."""
    numbers = load_pem_public_key(api_settings.VERIFYING_KEY.encode()).public_numbers()
    jwk = {"e": _b64url_uint(numbers.e), "kty": "RSA", "n": _b64url_uint(numbers.n)}
    thumbprint = hashlib.sha256(json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()).digest()
    kid = base64.urlsafe_b64encode(thumbprint).rstrip(b"=").decode()
    return {**jwk, "kid": kid, "use": "sig", "alg": api_settings.ALGORITHM}


class KeyIdTokenBackend(TokenBackend):
    def encode(self, payload: dict) -> str:
        claims = {**payload, "aud": self.audience, "iss": self.issuer}
        return jwt.encode(
            claims, self.prepared_signing_key, algorithm=self.algorithm, headers={"kid": public_jwk()["kid"]}
        )


@cache
def token_backend() -> KeyIdTokenBackend:
    return KeyIdTokenBackend(
        api_settings.ALGORITHM,
        api_settings.SIGNING_KEY,
        api_settings.VERIFYING_KEY,
        api_settings.AUDIENCE,
        api_settings.ISSUER,
        None,
        api_settings.LEEWAY,
    )


class ShopAccessToken(AccessToken):
    @property
    def token_backend(self):
        return token_backend()


class ShopRefreshToken(RefreshToken):
    access_token_class = ShopAccessToken

    @property
    def token_backend(self):
        return token_backend()

    @classmethod
    def for_user(cls, user) -> "ShopRefreshToken":
        token = super().for_user(user)
        # Copied into every access token made from this refresh token.
        token["email"] = user.email
        token["is_staff"] = user.is_staff
        token["is_superuser"] = user.is_superuser
        return token


def read_access_token(raw: str) -> ShopAccessToken | None:
    """The access token `raw`, or None when it is missing, forged, expired or not for us."""
    try:
        return ShopAccessToken(raw) if raw else None
    except TokenError:
        return None


def read_refresh_token(raw: str) -> tuple[ShopRefreshToken | None, str]:
    """The refresh token `raw` and "", or None and why it is not valid."""
    if not raw:
        return None, "No refresh token."
    try:
        return ShopRefreshToken(raw), ""
    except TokenError as exc:
        return None, str(exc)
