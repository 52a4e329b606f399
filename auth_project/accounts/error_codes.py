"""Error codes of the auth service, stable for clients to switch on."""

from enum import StrEnum


class AuthErrorCode(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"
    TOKEN_NOT_VALID = "token_not_valid"  # noqa: S105 (an error code, not a secret)
    USER_INACTIVE = "user_inactive"
    TOKEN_NOT_YOURS = "token_not_yours"  # noqa: S105
    SIGN_IN_LOCKED = "sign_in_locked"
