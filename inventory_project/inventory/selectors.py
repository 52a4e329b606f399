"""Reads of the inventory service."""

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet

from servicekit.db import rows
from servicekit.errors import NotFoundError

from .models import Product, ProductImage, StockImport, StockLevel, StockMovement


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


# The hottest read of the shop (every product page), written out once: the product with its
# stock and image, as `select_related("stock", "image")` reads them, by primary key. Compiling
# that QuerySet was a third of the request's CPU.
_PRODUCT_SQL = (
    f"SELECT {rows.columns(Product, 'p')}, {rows.columns(StockLevel, 's')}, {rows.columns(ProductImage, 'i')} "  # noqa: S608 (our own names)
    f'FROM "{Product._meta.db_table}" p '
    f'LEFT JOIN "{StockLevel._meta.db_table}" s ON s."{StockLevel._meta.pk.column}" = p."id" '
    f'LEFT JOIN "{ProductImage._meta.db_table}" i ON i."{ProductImage._meta.pk.column}" = p."id" '
    'WHERE p."id" = %s'
)
_ACTIVE_PRODUCT_SQL = _PRODUCT_SQL + ' AND p."is_active"'


def product_get(*, product_id, include_inactive: bool) -> Product:
    try:
        product_id = Product._meta.pk.to_python(product_id)  # as the ORM converts a lookup's value
    except ValidationError:
        raise NotFoundError("No such product.") from None
    with connection.cursor() as cursor:
        cursor.execute(_PRODUCT_SQL if include_inactive else _ACTIVE_PRODUCT_SQL, [product_id])
        row = cursor.fetchone()
    if row is None:
        raise NotFoundError("No such product.")
    product = rows.instance(Product, row)
    stock = rows.instance(StockLevel, row, rows.width(Product))
    image = rows.instance(ProductImage, row, rows.width(Product) + rows.width(StockLevel))
    # As select_related leaves them: product.stock and product.image read without a query (a
    # missing one raises RelatedObjectDoesNotExist), and each points back at the product.
    for related, name in ((stock, "stock"), (image, "image")):
        getattr(Product, name).related.set_cached_value(product, related)
        if related is not None:
            related._meta.get_field("product").set_cached_value(related, product)
    return product


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
