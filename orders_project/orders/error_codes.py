"""Error codes of the orders service, stable for clients to switch on."""

from enum import StrEnum


class OrdersErrorCode(StrEnum):
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INVALID_STATE = "invalid_state"
