"""Writes of the orders service."""

import hashlib
import json
from collections.abc import Callable
from decimal import Decimal

from django.db import IntegrityError, transaction
from rest_framework.exceptions import NotFound, ValidationError

from servicekit.errors import DomainError
from servicekit.identity import GatewayIdentity

from . import catalogue
from .models import Order, OrderLine


class IdempotencyKeyReused(DomainError):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used for a different request."


class InvalidOrderState(DomainError):
    status_code = 409
    default_code = "invalid_state"


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
    products_by_id: Callable | None = None,
) -> tuple[Order, bool]:
    """Store an order as PENDING with each product's name and price copied as sold.

    Returns (order, created). With an Idempotency-Key, a retry of the same request returns
    the first order (created=False); the same key with another body is refused (422).
    """
    fingerprint = _fingerprint(lines)
    if idempotency_key:
        earlier = _replay(user_id=identity.user_id, idempotency_key=idempotency_key, fingerprint=fingerprint)
        if earlier is not None:
            return earlier, False

    products = (products_by_id or catalogue.products_by_id)(
        product_ids=[line["product_id"] for line in lines], identity=identity
    )
    problems = [
        {} if line["product_id"] in products else {"product_id": ["Unknown or unavailable product."]} for line in lines
    ]
    if any(problems):
        raise ValidationError({"lines": problems}, code="unknown_product")

    try:
        with transaction.atomic():
            order = Order.objects.create(
                user_id=identity.user_id,
                total=sum((products[x["product_id"]].price * x["quantity"] for x in lines), Decimal("0.00")),
                idempotency_key=idempotency_key or "",
                request_fingerprint=fingerprint,
            )
            OrderLine.objects.bulk_create(
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
    except IntegrityError:
        if not idempotency_key:
            raise
        # The same request raced us and won: answer as its replay.
        return _replay(user_id=identity.user_id, idempotency_key=idempotency_key, fingerprint=fingerprint), False
    return order, True


@transaction.atomic
def order_cancel(*, order_id, user_id) -> Order:
    order = Order.objects.select_for_update().filter(pk=order_id, user_id=user_id).first()
    if order is None:
        raise NotFound("No such order.")
    if order.status != Order.Status.PENDING:
        raise InvalidOrderState(f"A {order.status} order cannot be cancelled.", details={"status": order.status})
    order.status = Order.Status.CANCELLED
    order.save(update_fields=["status", "updated_at"])
    return order
