"""Error codes of the inventory service, stable for clients to switch on."""

from enum import StrEnum

from servicekit.events.contracts import ReservationFailure


class InventoryErrorCode(StrEnum):
    INSUFFICIENT_STOCK = ReservationFailure.INSUFFICIENT_STOCK.value
