"""Writes of the inventory service. Each is one transaction; stock rows are locked first."""

from copy import copy
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from servicekit.errors import DomainError, InvalidInput
from servicekit.events.contracts import ReservationFailure
from servicekit.events.outbox import publish_event

from .error_codes import InventoryErrorCode
from .models import Product, Reservation, StockLevel, StockMovement


class InsufficientStock(DomainError):
    status = 409
    code = InventoryErrorCode.INSUFFICIENT_STOCK
    message = "Not enough stock for this change."


@transaction.atomic
def product_create(
    *, sku: str, name: str, price: Decimal, stock: int = 0, description: str = "", is_active: bool = True, actor_id=""
) -> Product:
    try:
        with transaction.atomic():
            product = Product.objects.create(
                sku=sku, name=name, price=price, description=description, is_active=is_active
            )
    except IntegrityError as exc:
        raise InvalidInput(details={"sku": ["A product with this SKU already exists."]}) from exc
    StockLevel.objects.create(product=product, available=stock)
    product_announce(product=product)
    if stock:
        StockMovement.objects.create(
            product=product,
            kind=StockMovement.Kind.ADJUSTMENT,
            available_delta=stock,
            reason="initial stock",
            actor_id=actor_id,
        )
    return product


@transaction.atomic
def product_update(*, product: Product, **changes) -> Product:
    for field, value in changes.items():
        setattr(product, field, value)
    product.save(update_fields=[*changes, "updated_at"])
    product_announce(product=product)
    return product


def product_announce(*, product: Product) -> None:
    """`inventory.product.changed`: what orders needs to sell it (its copy of the catalogue)."""
    publish_event(
        "inventory.product.changed",
        {
            "product_id": str(product.pk),
            "sku": product.sku,
            "name": product.name,
            "price": str(product.price),
            "is_active": product.is_active,
            "updated_at": product.updated_at.isoformat(),
        },
    )


@dataclass(frozen=True)
class Adjustment:
    """Add or remove available units of one product (a delivery, a count, damage)."""

    product_id: str
    delta: int
    reason: str
    reference: str = ""


def stock_adjust(*, product_id, delta: int, reason: str, actor_id: str = "", reference: str = "") -> StockLevel:
    """One adjustment; never below zero."""
    (outcome,) = stock_adjust_many([Adjustment(str(product_id), delta, reason, reference)], actor_id=actor_id)
    if isinstance(outcome, InsufficientStock):
        raise outcome
    return outcome


@transaction.atomic
def stock_adjust_many(adjustments: list[Adjustment], *, actor_id: str = "") -> list[StockLevel | InsufficientStock]:
    """Apply adjustments in order, each one or its refusal (it would take stock below zero):
    the outcome of each, in order. The stock rows are locked first (in product order, as every
    writer locks them); the levels are written and the ledger rows inserted in one statement
    each, whatever the number of adjustments (a bulk import is this, a batch at a time)."""
    levels = stock_levels_locked({a.product_id for a in adjustments})
    now = timezone.now()
    outcomes, movements, changed = [], [], {}
    for adjustment in adjustments:
        level = levels[adjustment.product_id]
        if level.available + adjustment.delta < 0:
            outcomes.append(
                InsufficientStock(
                    f"Only {level.available} units are available; cannot remove {-adjustment.delta}.",
                    details={"available": level.available, "requested_removal": -adjustment.delta},
                )
            )
            continue
        level.available += adjustment.delta
        level.updated_at = now
        changed[adjustment.product_id] = level
        movements.append(
            StockMovement(
                product_id=adjustment.product_id,
                kind=StockMovement.Kind.ADJUSTMENT,
                available_delta=adjustment.delta,
                reason=adjustment.reason,
                reference=adjustment.reference,
                actor_id=actor_id,
            )
        )
        outcomes.append(copy(level))
    if changed:
        StockLevel.objects.bulk_update(changed.values(), ["available", "updated_at"])
        StockMovement.objects.bulk_create(movements)
    return outcomes


def stock_levels_locked(product_ids) -> dict:
    # Locked in one order (by product id) by everyone, so two reservations cannot deadlock.
    levels = StockLevel.objects.select_for_update().filter(product_id__in=product_ids).order_by("product_id")
    return {str(level.product_id): level for level in levels}


def stock_reserve(*, order_id: str, lines: list[dict]) -> bool:
    """Reserve every line of an order, or none. Runs inside the event's transaction.

    Emits `inventory.stock.reserved`, or `inventory.stock.reservation_failed` with a reason
    per line that could not be served. Returns whether the stock was reserved.
    """
    if Reservation.objects.filter(order_id=order_id).exists():
        return True  # already reserved (the inbox makes this rare; the check makes it safe)
    levels = stock_levels_locked([line["product_id"] for line in lines])
    reasons = []
    for line in lines:
        level = levels.get(line["product_id"])
        if level is None:
            reasons.append({"product_id": line["product_id"], "reason": ReservationFailure.UNKNOWN_PRODUCT})
        elif level.available < line["quantity"]:
            reasons.append(
                {
                    "product_id": line["product_id"],
                    "reason": ReservationFailure.INSUFFICIENT_STOCK,
                    "requested": line["quantity"],
                    "available": level.available,
                }
            )
    if reasons:
        publish_event("inventory.stock.reservation_failed", {"order_id": order_id, "reasons": reasons})
        return False
    for line in lines:
        level = levels[line["product_id"]]
        level.available -= line["quantity"]
        level.reserved += line["quantity"]
        level.save(update_fields=["available", "reserved", "updated_at"])
    Reservation.objects.bulk_create(
        Reservation(order_id=order_id, product_id=line["product_id"], quantity=line["quantity"]) for line in lines
    )
    StockMovement.objects.bulk_create(
        StockMovement(
            product_id=line["product_id"],
            kind=StockMovement.Kind.RESERVATION,
            available_delta=-line["quantity"],
            reserved_delta=line["quantity"],
            reason="reserved for order",
            reference=order_id,
        )
        for line in lines
    )
    publish_event("inventory.stock.reserved", {"order_id": order_id, "lines": lines})
    return True


def stock_release(*, order_id: str, user_id: str) -> list[dict]:
    """Give back what an order holds (it was cancelled). Emits `inventory.stock.released`."""
    reservations = list(
        Reservation.objects.select_for_update().filter(order_id=order_id, status=Reservation.Status.ACTIVE)
    )
    levels = stock_levels_locked([str(r.product_id) for r in reservations])
    released = []
    for reservation in reservations:
        level = levels[str(reservation.product_id)]
        level.available += reservation.quantity
        level.reserved -= reservation.quantity
        level.save(update_fields=["available", "reserved", "updated_at"])
        reservation.status = Reservation.Status.RELEASED
        reservation.save(update_fields=["status", "updated_at"])
        StockMovement.objects.create(
            product_id=reservation.product_id,
            kind=StockMovement.Kind.RELEASE,
            available_delta=reservation.quantity,
            reserved_delta=-reservation.quantity,
            reason="order cancelled",
            reference=order_id,
        )
        released.append({"product_id": str(reservation.product_id), "quantity": reservation.quantity})
    publish_event("inventory.stock.released", {"order_id": order_id, "user_id": user_id, "lines": released})
    return released
