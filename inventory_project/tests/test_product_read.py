"""The product read by one fixed statement (selectors.product_get) gives what the ORM's
`select_related("stock", "image")` gave: the same values, converted as the ORM converts them,
the stock and image read with it (no further query), and the same "not found"."""

import uuid
from datetime import UTC, datetime

import pytest

from inventory import selectors
from inventory.models import Product, ProductImage, StockLevel
from servicekit.errors import NotFoundError

pytestmark = pytest.mark.django_db

RENDITIONS = {"thumb": {"path": "products/x/v1/thumb.webp", "width": 200, "height": 150, "format": "webp"}}


def values(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


def with_image(product: Product) -> ProductImage:
    return ProductImage.objects.create(
        product=product,
        version="v1",
        original="products/x/v1/original.png",
        state=ProductImage.State.READY,
        renditions=RENDITIONS,
        uploaded_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    )


def test_a_product_with_its_stock_and_image_reads_as_the_orm_reads_it(make_product, django_assert_num_queries):
    product = make_product(stock=7)
    with_image(product)
    expected = Product.objects.select_related("stock", "image").get(pk=product.pk)
    with django_assert_num_queries(1):
        read = selectors.product_get(product_id=product.pk, include_inactive=False)
        stock, image = read.stock, read.image
        assert stock.product is read and image.product is read
    assert values(read) == values(expected)
    assert values(stock) == values(expected.stock)
    assert values(image) == values(expected.image)
    assert image.renditions == RENDITIONS  # the JSON column as an object, not its text
    assert not read._state.adding and read._state.db == "default"


def test_a_product_without_an_image_has_none(make_product, django_assert_num_queries):
    product = make_product(stock=3)
    with django_assert_num_queries(1):
        read = selectors.product_get(product_id=str(product.pk), include_inactive=False)
        assert getattr(read, "image", None) is None
        with pytest.raises(Product.image.RelatedObjectDoesNotExist):
            read.image  # noqa: B018 (the access is the test)
        assert read.stock.available == 3


def test_an_inactive_product_is_read_only_when_asked_for(make_product):
    product = make_product(is_active=False)
    with pytest.raises(NotFoundError):
        selectors.product_get(product_id=product.pk, include_inactive=False)
    assert selectors.product_get(product_id=product.pk, include_inactive=True).pk == product.pk


@pytest.mark.parametrize("product_id", [uuid.uuid4(), str(uuid.uuid4()), "not-a-uuid", ""])
def test_an_unknown_or_malformed_id_is_not_found(make_product, product_id):
    make_product()
    with pytest.raises(NotFoundError):
        selectors.product_get(product_id=product_id, include_inactive=True)


def test_a_product_whose_stock_row_is_missing_reads_without_one(make_product):
    product = make_product()
    StockLevel.objects.filter(pk=product.pk).delete()
    read = selectors.product_get(product_id=product.pk, include_inactive=True)
    assert getattr(read, "stock", None) is None
