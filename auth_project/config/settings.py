"""Auth service: identity and user management, token issuing and the gateway's token check."""

from datetime import timedelta
from pathlib import Path

from servicekit.settings import service_settings

BASE_DIR = Path(__file__).resolve().parent.parent
globals().update(
    service_settings(
        name="auth",
        base_dir=BASE_DIR,
        apps=["rest_framework_simplejwt.token_blacklist", "accounts"],
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

# Signing keys are generated at set-up into var/keys (never committed); production names them.
_keys_dir = Path(env.str("JWT_KEYS_DIR", default=str(VAR_DIR / "keys")))  # noqa: F821 (from service_settings)
JWT_PRIVATE_KEY_FILE = Path(env.str("JWT_PRIVATE_KEY_FILE", default=str(_keys_dir / "jwt_private.pem")))
JWT_PUBLIC_KEY_FILE = Path(env.str("JWT_PUBLIC_KEY_FILE", default=str(_keys_dir / "jwt_public.pem")))


def _read_key(path: Path) -> str:
    return path.read_text() if path.is_file() else ""


SIMPLE_JWT = {
    "ALGORITHM": "RS256",
    "SIGNING_KEY": _read_key(JWT_PRIVATE_KEY_FILE),
    "VERIFYING_KEY": _read_key(JWT_PUBLIC_KEY_FILE),
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

# How long the gateway may cache a successful token check (capped by the token's own expiry).
VERIFY_CACHE_SECONDS = env.int("VERIFY_CACHE_SECONDS", default=30)
# Browser single sign-on cookies (admin, browsable API): HttpOnly, Secure, SameSite=Lax.
SSO_ACCESS_COOKIE = "shop_access"
SSO_REFRESH_COOKIE = "shop_refresh"
SSO_REFRESH_COOKIE_PATH = "/auth/"

if PRODUCTION and not (SIMPLE_JWT["SIGNING_KEY"] and SIMPLE_JWT["VERIFYING_KEY"]):  # noqa: F821
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Refusing to start in production without JWT_PRIVATE_KEY_FILE and JWT_PUBLIC_KEY_FILE")
