"""Writes of the inventory service. Each is one transaction; stock rows are locked first."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError

from servicekit.errors import DomainError

from .models import Product, StockLevel, StockMovement


class InsufficientStock(DomainError):
    status_code = 409
    default_code = "insufficient_stock"
    default_detail = "Not enough stock for this change."


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
        raise ValidationError({"sku": ["A product with this SKU already exists."]}, code="sku_taken") from exc
    StockLevel.objects.create(product=product, available=stock)
    if stock:
        StockMovement.objects.create(
            product=product,
            kind=StockMovement.Kind.ADJUSTMENT,
            available_delta=stock,
            reason="initial stock",
            actor_id=actor_id,
        )
    return product


def product_update(*, product: Product, **changes) -> Product:
    for field, value in changes.items():
        setattr(product, field, value)
    product.save(update_fields=[*changes, "updated_at"])
    return product


@transaction.atomic
def stock_adjust(*, product_id, delta: int, reason: str, actor_id: str = "", reference: str = "") -> StockLevel:
    """Add or remove available units (a delivery, a count, damage); never below zero."""
    level = StockLevel.objects.select_for_update().get(product_id=product_id)
    if level.available + delta < 0:
        raise InsufficientStock(
            f"Only {level.available} units are available; cannot remove {-delta}.",
            details={"available": level.available, "requested_removal": -delta},
        )
    level.available += delta
    level.save(update_fields=["available", "updated_at"])
    StockMovement.objects.create(
        product_id=product_id,
        kind=StockMovement.Kind.ADJUSTMENT,
        available_delta=delta,
        reason=reason,
        reference=reference,
        actor_id=actor_id,
    )
    return level
