"""Access and refresh tokens: simplejwt's, signed RS256 by the key ring's newest key and
labelled with its key id (`kid`), so that verifiers pick the right key and a rotation needs
no flag day (keyring.py).

Every token carries `sid`, its family: the sign-in it descends from. Revoking the family
(logout, password change, a reused refresh token) ends the access tokens too (models.TokenFamily).
"""

from functools import cache

import jwt
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from . import keyring

FAMILY_CLAIM = "sid"


class KeyRingTokenBackend(TokenBackend):
    def encode(self, payload: dict) -> str:
        key = keyring.signing_key()
        claims = {**payload, "aud": self.audience, "iss": self.issuer}
        return jwt.encode(claims, key.private_pem, algorithm=self.algorithm, headers={"kid": key.kid})

    def get_verifying_key(self, token) -> str:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.InvalidTokenError as exc:
            raise TokenBackendError("Token is invalid") from exc
        key = keyring.verifying_key(kid)
        if key is None:  # unknown or retired key: nothing to verify it with
            raise TokenBackendError("Token is signed by an unknown key")
        return key


@cache
def token_backend() -> KeyRingTokenBackend:
    return KeyRingTokenBackend(
        api_settings.ALGORITHM,
        None,
        None,
        api_settings.AUDIENCE,
        api_settings.ISSUER,
        None,
        api_settings.LEEWAY,
    )


def public_jwks() -> dict:
    return {"keys": [key.jwk for key in keyring.trusted_keys()]}


class ShopAccessToken(AccessToken):
    @property
    def token_backend(self):
        return token_backend()


class ShopRefreshToken(RefreshToken):
    access_token_class = ShopAccessToken

    @property
    def token_backend(self):
        return token_backend()

    def check_blacklist(self) -> None:
        """Not here: services.tokens_rotate checks it under a row lock, and must see a rotated
        token come back (its reuse ends the family) rather than a parse error."""

    @classmethod
    def for_user(cls, user, *, family_id) -> "ShopRefreshToken":
        token = super().for_user(user)
        # Copied into every access token made from this refresh token.
        token[FAMILY_CLAIM] = str(family_id)
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
