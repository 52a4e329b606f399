"""Writes of the inventory service. Each is one transaction; stock rows are locked first."""

from copy import copy
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
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


# The reservation is the saga's hottest write (one per order), and building its queries through
# the ORM cost the inventory worker more CPU than running them: so it is two fixed statements,
# prepared once per connection by PostgreSQL. The first locks the order's stock rows (in product
# order, as every writer locks them) and says whether this order already holds a reservation;
# the second moves the units, writes the reservations and the ledger rows at once. The ORM
# models stay the definition of these tables; the database's CHECKs still guard the numbers.
_RESERVE_LOCK_SQL = (
    f"SELECT s.product_id::text, s.available, "  # noqa: S608 (our own table names)
    f"EXISTS (SELECT 1 FROM {Reservation._meta.db_table} WHERE order_id = %s) "
    f"FROM {StockLevel._meta.db_table} s WHERE s.product_id = ANY(%s::uuid[]) "
    "ORDER BY s.product_id FOR UPDATE OF s"
)
_RESERVE_SQL = (
    "WITH line AS (SELECT * FROM unnest(%s::uuid[], %s::int[]) AS t (product_id, quantity)), "  # noqa: S608
    f"moved AS (UPDATE {StockLevel._meta.db_table} s SET available = s.available - line.quantity, "
    "reserved = s.reserved + line.quantity, updated_at = %s FROM line WHERE s.product_id = line.product_id), "
    f"held AS (INSERT INTO {Reservation._meta.db_table} "
    "(order_id, product_id, quantity, status, created_at, updated_at) "
    f"SELECT %s, product_id, quantity, '{Reservation.Status.ACTIVE}', %s, %s FROM line) "
    f"INSERT INTO {StockMovement._meta.db_table} "
    "(product_id, kind, available_delta, reserved_delta, reason, reference, actor_id, created_at) "
    f"SELECT product_id, '{StockMovement.Kind.RESERVATION}', -quantity, quantity, 'reserved for order', %s, '', %s "
    "FROM line"
)


def stock_reserve(*, order_id: str, lines: list[dict]) -> bool:
    """Reserve every line of an order, or none. Runs inside the event's transaction.

    Emits `inventory.stock.reserved`, or `inventory.stock.reservation_failed` with a reason
    per line that could not be served. Returns whether the stock was reserved.
    """
    product_ids = [line["product_id"] for line in lines]
    with connection.cursor() as cursor:
        cursor.execute(_RESERVE_LOCK_SQL, [order_id, product_ids])
        rows = cursor.fetchall()
        if rows and rows[0][2]:
            return True  # already reserved (the inbox makes this rare; the check makes it safe)
        available = {product_id: units for product_id, units, _ in rows}
        reasons = []
        for line in lines:
            units = available.get(str(line["product_id"]).lower())
            if units is None:
                reasons.append({"product_id": line["product_id"], "reason": ReservationFailure.UNKNOWN_PRODUCT})
            elif units < line["quantity"]:
                reasons.append(
                    {
                        "product_id": line["product_id"],
                        "reason": ReservationFailure.INSUFFICIENT_STOCK,
                        "requested": line["quantity"],
                        "available": units,
                    }
                )
        if reasons:
            publish_event("inventory.stock.reservation_failed", {"order_id": order_id, "reasons": reasons})
            return False
        now = timezone.now()
        quantities = [line["quantity"] for line in lines]
        cursor.execute(_RESERVE_SQL, [product_ids, quantities, now, order_id, now, now, order_id, now])
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
