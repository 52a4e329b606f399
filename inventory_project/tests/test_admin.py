"""The inventory admin goes through the service layer: stock level, ledger and events as the
API makes them."""

import uuid
from decimal import Decimal

import pytest

from inventory.models import Product, ProductImage, StockLevel, StockMovement
from servicekit.models import OutboxEvent
from servicekit.testing import staff_browser

pytestmark = pytest.mark.django_db
STAFF_ID = str(uuid.uuid4())


@pytest.fixture
def admin_browser():
    return staff_browser(user_id=STAFF_ID)


def product_form(product, **changes) -> dict:
    form = {"name": product.name, "description": product.description, "price": str(product.price)}
    if product.is_active:
        form["is_active"] = "on"
    form.update(changes)
    # The inline formsets the change form carries (image, stock level, ledger): management data only.
    image = 1 if ProductImage.objects.filter(pk=product.pk).exists() else 0
    for prefix, total in (("image", image), ("stock", 1), ("movements", product.movements.count())):
        form.update({f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": total, f"{prefix}-MAX_NUM_FORMS": 1000})
    return form


def test_a_product_added_in_the_admin_gets_stock_ledger_and_its_event(admin_browser):
    response = admin_browser.post(
        "/inventory/admin/inventory/product/add/",
        {"sku": "ADM-1", "name": "Added here", "description": "", "price": "4.20", "is_active": "on", "stock": "7"},
    )
    assert response.status_code == 302, response.content[:3000]
    product = Product.objects.get(sku="ADM-1")
    assert StockLevel.objects.get(product=product).available == 7
    movement = StockMovement.objects.get(product=product)
    assert (movement.available_delta, movement.reason, movement.actor_id) == (7, "initial stock", STAFF_ID)
    event = OutboxEvent.objects.get(type="inventory.product.changed")
    assert event.payload["product_id"] == str(product.pk) and event.payload["price"] == "4.20"


@pytest.mark.parametrize(
    ("field", "value"), [("sku", "has space"), ("sku", "-starts-with-dash"), ("price", "-1.00"), ("stock", "-3")]
)
def test_invalid_admin_input_is_refused_and_changes_nothing(admin_browser, field, value):
    form = {"sku": "ADM-2", "name": "Nope", "description": "", "price": "1.00", "is_active": "on", "stock": "1"}
    response = admin_browser.post("/inventory/admin/inventory/product/add/", {**form, field: value})
    assert response.status_code == 200  # the form again, with its errors
    assert not Product.objects.exists() and not OutboxEvent.objects.exists()


def test_a_price_changed_in_the_admin_is_announced_once(admin_browser, make_product):
    product = make_product(price=Decimal("2.00"))
    before = OutboxEvent.objects.filter(type="inventory.product.changed").count()
    response = admin_browser.post(
        f"/inventory/admin/inventory/product/{product.pk}/change/", product_form(product, price="2.75")
    )
    assert response.status_code == 302, response.content[:3000]
    product.refresh_from_db()
    assert product.price == Decimal("2.75")
    events = OutboxEvent.objects.filter(type="inventory.product.changed").order_by("created_at")
    assert events.count() == before + 1 and events.last().payload["price"] == "2.75"


def test_saving_an_unchanged_product_announces_nothing(admin_browser, make_product):
    product = make_product()
    before = OutboxEvent.objects.count()
    response = admin_browser.post(f"/inventory/admin/inventory/product/{product.pk}/change/", product_form(product))
    assert response.status_code == 302
    assert OutboxEvent.objects.count() == before


def test_products_are_deactivated_not_deleted(admin_browser, make_product):
    product = make_product()
    response = admin_browser.post(f"/inventory/admin/inventory/product/{product.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Product.objects.filter(pk=product.pk).exists()


def test_an_image_uploaded_in_the_admin_goes_through_the_same_checks_and_job(
    admin_browser, make_product, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .images import picture

    settings.MEDIA_ROOT = tmp_path
    product = make_product()
    url = f"/inventory/admin/inventory/product/{product.pk}/change/"
    refused = admin_browser.post(url, {**product_form(product), "image": SimpleUploadedFile("x.png", b"not an image")})
    assert refused.status_code == 200 and b"not an image this shop accepts" in refused.content
    assert not ProductImage.objects.filter(pk=product.pk).exists()
    upload = SimpleUploadedFile("x.png", picture(64, 64))
    assert admin_browser.post(url, {**product_form(product), "image": upload}).status_code == 302
    assert ProductImage.objects.get(pk=product.pk).state == "processing"
    assert OutboxEvent.objects.filter(type="inventory.image.uploaded", payload__product_id=str(product.pk)).exists()
