"""Writes of the orders service."""

import hashlib
import json
from decimal import Decimal
from uuid import UUID

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from servicekit import tracing
from servicekit.db import rows
from servicekit.db.insert import insert
from servicekit.errors import DomainError, InvalidInput, NotFoundError
from servicekit.events.outbox import publish_event
from servicekit.identity import GatewayIdentity
from servicekit.metrics import SAGA_SECONDS

from . import clients, selectors
from .error_codes import OrdersErrorCode
from .models import CatalogueEntry, Order, OrderLine
from .selectors import ProductSnapshot


class IdempotencyKeyReused(DomainError):
    status = 422
    code = OrdersErrorCode.IDEMPOTENCY_KEY_REUSED
    message = "This Idempotency-Key was used for a different request."


class InvalidOrderState(DomainError):
    status = 409
    code = OrdersErrorCode.INVALID_STATE
    message = "The order cannot change like this in its current state."


def _fingerprint(lines: list[dict]) -> str:
    canonical = json.dumps([{"product_id": str(x["product_id"]), "quantity": x["quantity"]} for x in lines])
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(*, user_id, idempotency_key: str, fingerprint: str) -> Order | None:
    order = Order.objects.filter(user_id=user_id, idempotency_key=idempotency_key).first()
    if order is not None and order.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(details={"order_id": str(order.id)})
    return order


def order_create(
    *,
    identity: GatewayIdentity,
    lines: list[dict],
    idempotency_key: str | None = None,
) -> tuple[Order, bool]:
    """Store an order as PENDING with each product's name and price copied as sold.

    Returns (order, created). With an Idempotency-Key, a retry of the same request returns
    the first order (created=False); the same key with another body is refused (422).
    """
    # A retry is the exception: the unique (user, key) index finds it when the order is
    # stored, rather than a lookup before every order.
    fingerprint = _fingerprint(lines)
    products = catalogue_lookup(product_ids=[line["product_id"] for line in lines], identity=identity)
    problems = [
        {} if line["product_id"] in products else {"product_id": ["Unknown or unavailable product."]} for line in lines
    ]
    if any(problems):
        # A retry of an order placed before its product went away still gets that order.
        earlier = idempotency_key and _replay(
            user_id=identity.user_id, idempotency_key=idempotency_key, fingerprint=fingerprint
        )
        if earlier:
            return earlier, False
        raise InvalidInput(details={"lines": problems})

    try:
        with transaction.atomic():
            (order,) = insert(
                Order(
                    user_id=identity.user_id,
                    total=sum((products[x["product_id"]].price * x["quantity"] for x in lines), Decimal("0.00")),
                    idempotency_key=idempotency_key or "",
                    request_fingerprint=fingerprint,
                )
            )
            tracing.annotate(**{"order.id": order.pk, "order.status": order.status})
            order_lines = insert(
                *(
                    OrderLine(
                        order=order,
                        product_id=line["product_id"],
                        sku=products[line["product_id"]].sku,
                        name=products[line["product_id"]].name,
                        unit_price=products[line["product_id"]].price,
                        quantity=line["quantity"],
                    )
                    for line in lines
                )
            )
            publish_event(
                "orders.order.created",
                {
                    "order_id": str(order.id),
                    "user_id": str(order.user_id),
                    "lines": [{"product_id": str(x["product_id"]), "quantity": x["quantity"]} for x in lines],
                    "total": str(order.total),
                },
            )
    except IntegrityError:
        # A retry, or the same request racing us: answer as the first one did.
        earlier = idempotency_key and _replay(
            user_id=identity.user_id, idempotency_key=idempotency_key, fingerprint=fingerprint
        )
        if not earlier:
            raise
        return earlier, False
    # The caller answers with the order as stored: its lines are the ones just written, so
    # `order.lines.all()` needs no query (Django's prefetch cache).
    order._prefetched_objects_cache = {"lines": order_lines}
    return order, True


CANCELLABLE = {Order.Status.PENDING, Order.Status.CONFIRMED}


@transaction.atomic
def order_cancel(*, order_id, user_id) -> Order:
    """Cancel a PENDING or CONFIRMED order; inventory releases what it holds for it."""
    order = Order.objects.select_for_update().filter(pk=order_id, user_id=user_id).first()
    if order is None:
        raise NotFoundError("No such order.")
    if order.status not in CANCELLABLE:
        raise InvalidOrderState(f"A {order.status} order cannot be cancelled.", details={"status": order.status})
    previous = order.status
    order.status = Order.Status.CANCELLED
    order.save(update_fields=["status", "updated_at"])
    publish_event(
        "orders.order.cancelled",
        {"order_id": str(order.id), "user_id": str(order.user_id), "previous_status": previous},
    )
    return order


# The move and the read of what the event needs in one statement (it was a locked read, then a
# write): the WHERE makes the move conditional, so an order settled or cancelled meanwhile stays.
# Read with a plain cursor (servicekit.db.rows): Django's RawQuerySet machinery cost as much as
# the rest of the settle.
_SETTLE_SQL = (
    f"UPDATE {Order._meta.db_table} SET status = %s, updated_at = %s WHERE id = %s AND status = %s "  # noqa: S608
    f"RETURNING {rows.columns(Order)}"
)


def _settle(order_id: str, new_status: str) -> Order | None:
    """Move a PENDING order to CONFIRMED or REJECTED. Anything else (already settled, or
    cancelled meanwhile) stays as it is: the saga's later steps take care of it."""
    with connection.cursor() as cursor:
        cursor.execute(_SETTLE_SQL, [new_status, timezone.now(), order_id, Order.Status.PENDING])
        row = cursor.fetchone()
    if row is None:
        return None
    order = rows.instance(Order, row)
    tracing.annotate(**{"order.id": order.pk, "order.status": new_status})
    # Counted when the transaction commits, so a retried handler counts its order once.
    elapsed = (order.updated_at - order.created_at).total_seconds()
    transaction.on_commit(lambda: SAGA_SECONDS.labels(new_status.lower()).observe(elapsed))
    return order


def order_confirm(*, order_id: str) -> Order | None:
    order = _settle(order_id, Order.Status.CONFIRMED)
    if order is not None:
        publish_event(
            "orders.order.confirmed",
            {"order_id": str(order.id), "user_id": str(order.user_id), "total": str(order.total)},
        )
    return order


def order_reject(*, order_id: str, reasons: list) -> Order | None:
    order = _settle(order_id, Order.Status.REJECTED)
    if order is not None:
        publish_event(
            "orders.order.rejected", {"order_id": str(order.id), "user_id": str(order.user_id), "reasons": reasons}
        )
    return order


@transaction.atomic
def catalogue_remember(*, product_id, sku: str, name: str, price, is_active: bool, changed_at) -> bool:
    """Keep the newest news of a product in orders' copy of the catalogue; returns whether this
    was news (a late, older event changes nothing)."""
    changed_at = parse_datetime(changed_at) if isinstance(changed_at, str) else changed_at
    entry = CatalogueEntry.objects.select_for_update().filter(pk=product_id).first()
    if entry is not None and entry.changed_at >= changed_at:
        return False
    CatalogueEntry.objects.update_or_create(
        product_id=product_id,
        defaults={"sku": sku, "name": name, "price": Decimal(price), "is_active": is_active, "changed_at": changed_at},
    )
    return True


def catalogue_lookup(*, product_ids: list[UUID], identity: GatewayIdentity) -> dict[UUID, ProductSnapshot]:
    """The active products among `product_ids`, from orders' own copy of the catalogue; only
    products never heard of are asked of inventory (and remembered), so orders are taken, and
    wait PENDING, while inventory is away."""
    entries = selectors.catalogue_entries(product_ids=product_ids)
    unknown = [pid for pid in product_ids if pid not in entries]
    if unknown:
        for row in clients.inventory_products(product_ids=unknown, identity=identity):
            catalogue_remember(
                product_id=row["id"],
                sku=row["sku"],
                name=row["name"],
                price=row["price"],
                is_active=row["is_active"],
                changed_at=row["updated_at"],
            )
        entries = selectors.catalogue_entries(product_ids=product_ids)
    return {
        entry.pk: ProductSnapshot(entry.pk, entry.sku, entry.name, entry.price)
        for entry in entries.values()
        if entry.is_active
    }
