"""Every event the shop publishes: its name, version and the payload it carries.

Producers and consumers import these from one place, so they cannot drift apart. A contract
is never edited in place: a change gets a new version, and consumers handle both until the
old one is gone. Routing keys are the event types, strictly `<producer>.<aggregate>.<event>`.
"""

from dataclasses import dataclass
from enum import StrEnum


class ContractViolation(ValueError):
    """An event does not match its contract: a bug on one side, never fixed by retrying."""


@dataclass(frozen=True)
class Contract:
    type: str
    version: int
    fields: dict[str, type]  # required payload fields and their JSON types

    def check(self, payload: dict) -> None:
        missing = [name for name in self.fields if name not in payload]
        wrong = [name for name, kind in self.fields.items() if name in payload and not isinstance(payload[name], kind)]
        if missing or wrong:
            raise ContractViolation(f"{self.type} v{self.version}: missing {missing}, wrong type {wrong}")


class ReservationFailure(StrEnum):
    """Why a line could not be reserved: the `reason` of `inventory.stock.reservation_failed`,
    and inventory's error code for the same refusal through its API."""

    INSUFFICIENT_STOCK = "insufficient_stock"
    UNKNOWN_PRODUCT = "unknown_product"


LINES = list  # [{"product_id": str, "quantity": int}, ...]
CONTRACTS = {
    (c.type, c.version): c
    for c in [
        Contract("auth.user.registered", 1, {"user_id": str, "email": str, "full_name": str}),
        Contract("auth.user.changed", 1, {"user_id": str, "email": str, "full_name": str, "is_active": bool}),
        Contract("orders.order.created", 1, {"order_id": str, "user_id": str, "lines": LINES, "total": str}),
        Contract("orders.order.confirmed", 1, {"order_id": str, "user_id": str, "total": str}),
        Contract("orders.order.rejected", 1, {"order_id": str, "user_id": str, "reasons": list}),
        Contract("orders.order.cancelled", 1, {"order_id": str, "user_id": str, "previous_status": str}),
        Contract(
            "inventory.product.changed",
            1,
            {"product_id": str, "sku": str, "name": str, "price": str, "is_active": bool, "updated_at": str},
        ),
        Contract("inventory.stock.reserved", 1, {"order_id": str, "lines": LINES}),
        Contract("inventory.stock.reservation_failed", 1, {"order_id": str, "reasons": list}),
        Contract("inventory.stock.released", 1, {"order_id": str, "user_id": str, "lines": LINES}),
        # Work for inventory's own CPU lane (anyone else may listen too).
        Contract("inventory.image.uploaded", 1, {"product_id": str, "version": str}),
        Contract("inventory.import.requested", 1, {"import_id": str, "rows": int}),
    ]
}
LATEST = {event_type: max(v for t, v in CONTRACTS if t == event_type) for event_type, _ in CONTRACTS}


def contract_for(event_type: str, version: int) -> Contract:
    try:
        return CONTRACTS[(event_type, version)]
    except KeyError:
        raise ContractViolation(f"no contract for {event_type} v{version}") from None
