"""Reads of the inventory service."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from servicekit.errors import NotFoundError

from .models import Product, StockMovement


def product_list(*, include_inactive: bool, filters: dict | None = None) -> QuerySet[Product]:
    """Products with their stock; customers see only active ones."""
    products = Product.objects.select_related("stock")
    if not include_inactive:
        products = products.filter(is_active=True)
    filters = filters or {}
    if filters.get("name"):
        products = products.filter(name__icontains=filters["name"])
    if filters.get("sku"):
        products = products.filter(sku__iexact=filters["sku"])
    if filters.get("is_active") is not None:
        products = products.filter(is_active=filters["is_active"])
    if filters.get("ids"):
        products = products.filter(id__in=filters["ids"])
    return products


def product_get(*, product_id, include_inactive: bool) -> Product:
    # By primary key, without the list's ordering: the hottest read of the shop.
    products = Product.objects.select_related("stock")
    if not include_inactive:
        products = products.filter(is_active=True)
    try:
        return products.get(pk=product_id)
    except (Product.DoesNotExist, ValidationError):
        raise NotFoundError("No such product.") from None


def movement_list(*, product_id) -> QuerySet[StockMovement]:
    return StockMovement.objects.filter(product_id=product_id)
