"""Reads of the inventory service."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from servicekit.errors import NotFoundError

from .models import Product, ProductImage, StockImport, StockMovement


def product_list(*, include_inactive: bool, filters: dict | None = None) -> QuerySet[Product]:
    """Products with their stock; customers see only active ones."""
    products = Product.objects.select_related("stock", "image")
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
    products = Product.objects.select_related("stock", "image")
    if not include_inactive:
        products = products.filter(is_active=True)
    try:
        return products.get(pk=product_id)
    except (Product.DoesNotExist, ValidationError):
        raise NotFoundError("No such product.") from None


def movement_list(*, product_id) -> QuerySet[StockMovement]:
    return StockMovement.objects.filter(product_id=product_id)


def product_image_get(*, product_id) -> ProductImage:
    image = ProductImage.objects.filter(product_id=product_id).first()
    if image is None:
        raise NotFoundError("This product has no image.")
    return image


def stock_import_list() -> QuerySet[StockImport]:
    return StockImport.objects.defer("source")


def stock_import_get(*, import_id) -> StockImport:
    try:
        return StockImport.objects.defer("source").get(pk=import_id)
    except (StockImport.DoesNotExist, ValidationError):
        raise NotFoundError("No such import.") from None
