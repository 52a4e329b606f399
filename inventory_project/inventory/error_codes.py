"""Error codes of the inventory service, stable for clients to switch on."""

from enum import StrEnum

from servicekit.events.contracts import ReservationFailure


class InventoryErrorCode(StrEnum):
    INSUFFICIENT_STOCK = ReservationFailure.INSUFFICIENT_STOCK.value
    INVALID_IMAGE = "invalid_image"
    IMAGE_TOO_LARGE = "image_too_large"
    INVALID_IMPORT = "invalid_import"
    IMPORT_FINISHED = "import_finished"
