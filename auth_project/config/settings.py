"""Auth service: identity and user management, token issuing and the gateway's token check."""

from datetime import timedelta
from pathlib import Path

from servicekit.settings import service_settings

BASE_DIR = Path(__file__).resolve().parent.parent
globals().update(
    service_settings(
        name="auth",
        base_dir=BASE_DIR,
        apps=["rest_framework_simplejwt.token_blacklist", "accounts", "dashboard"],
        converge_commands=["ensure_demo_users"],
    )
)

env = ENV  # noqa: F821 (from service_settings): every setting below is read through it
AUTH_USER_MODEL = "accounts.User"
# Users of this service are the real ones, never shadows of a token.
GATEWAY_SSO_SHADOW_USERS = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The ring of signing keys (accounts/keyring.py), generated at set-up into var/keys/jwt (never
# committed); production mounts its own.
JWT_KEYRING_DIR = Path(env.str("JWT_KEYRING_DIR", default=str(VAR_DIR / "keys" / "jwt")))  # noqa: F821 (from service_settings)

SIMPLE_JWT = {
    "ALGORITHM": "RS256",
    "AUDIENCE": env.str("JWT_AUDIENCE", default="shop"),
    "ISSUER": env.str("JWT_ISSUER", default="https://localhost:8443/api/auth"),
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=env.int("JWT_ACCESS_SECONDS", default=300)),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=env.int("JWT_REFRESH_SECONDS", default=7 * 24 * 3600)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "LEEWAY": 5,
}

# Per-account sign-in brake (accounts/sign_in_guard.py).
SIGN_IN_MAX_FAILURES = env.int("SIGN_IN_MAX_FAILURES", default=5)
SIGN_IN_LOCK_SECONDS = env.int("SIGN_IN_LOCK_SECONDS", default=5)
SIGN_IN_LOCK_MAX_SECONDS = env.int("SIGN_IN_LOCK_MAX_SECONDS", default=15 * 60)
SIGN_IN_FAILURE_WINDOW_SECONDS = env.int("SIGN_IN_FAILURE_WINDOW_SECONDS", default=3600)
# A refresh token presented again within this many seconds of its rotation is refused but
# does not revoke its family: two tabs renewing at once are not an attack.
REFRESH_REUSE_GRACE_SECONDS = env.int("REFRESH_REUSE_GRACE_SECONDS", default=2)

# How long the gateway may cache a successful token check: a revoked session is refused at most
# this long after its revocation (capped by the token's own expiry).
VERIFY_CACHE_SECONDS = env.int("VERIFY_CACHE_SECONDS", default=2)
# While the token check cannot answer (its database is away), the gateway may go on using a
# success it cached up to this long ago, rather than refuse everyone.
VERIFY_STALE_IF_ERROR_SECONDS = env.int("VERIFY_STALE_IF_ERROR_SECONDS", default=60)
# Browser single sign-on cookies (admin, browsable API): HttpOnly, Secure, SameSite=Lax.
SSO_ACCESS_COOKIE = "shop_access"
SSO_REFRESH_COOKIE = "shop_refresh"
SSO_REFRESH_COOKIE_PATH = "/auth/"

if PRODUCTION and not any(JWT_KEYRING_DIR.glob("*.pem")):  # noqa: F821
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"Refusing to start in production without a signing key in {JWT_KEYRING_DIR}")
