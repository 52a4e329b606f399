"""The products endpoints, declaratively (permissions, validation, pagination) and in detail."""

import uuid

import pytest

from inventory.models import Product, StockMovement
from servicekit.testing import api_client_as, assert_error
from servicekit.testing.api import ApiContract, CreateContract, ListContract, UpdateContract

from .conftest import product_create

pytestmark = pytest.mark.django_db


class TestProductsContract(ListContract, CreateContract, UpdateContract, ApiContract):
    url = "/api/inventory/products/"
    model = Product
    create_data = {"sku": "NEW-001", "name": "New thing", "price": "12.50", "stock": 5}
    invalid_create_data = (
        ({"name": "No SKU", "price": "1.00"}, "sku"),
        ({"sku": "has space", "name": "x", "price": "1.00"}, "sku"),
        ({"sku": "NEG-PRICE", "name": "x", "price": "-1.00"}, "price"),
        ({"sku": "BAD-PRICE", "name": "x", "price": "cheap"}, "price"),
        ({"sku": "BIG-PRICE", "name": "x", "price": "123456789.00"}, "price"),
        ({"sku": "NEG-STOCK", "name": "x", "price": "1.00", "stock": -3}, "stock"),
        ({"sku": "STR-STOCK", "name": "x", "price": "1.00", "stock": "many"}, "stock"),
        ({"sku": "NO-NAME", "price": "1.00"}, "name"),
    )
    update_data = {"name": "Renamed", "price": "3.30"}

    def assert_stored(self, payload, item):
        super().assert_stored(payload, item)
        assert (item.stock.available, item.stock.reserved) == (payload["stock"], 0)

    def make_item(self, owner_id):
        return product_create(sku=f"C-{uuid.uuid4().hex[:10]}", name="Contract item", price="2.00", stock=1)


def test_product_shows_its_stock(make_product):
    product = make_product(stock=7)
    body = api_client_as("customer").get(f"/api/inventory/products/{product.pk}/").json()
    assert body["stock_available"] == 7 and body["stock_reserved"] == 0
    assert body["price"] == "9.99"


def test_a_duplicate_sku_is_refused(make_product):
    make_product(sku="DUP-1")
    error = assert_error(
        api_client_as("staff").post(
            "/api/inventory/products/", {"sku": "DUP-1", "name": "x", "price": "1"}, format="json"
        ),
        400,
    )
    assert "sku" in error["details"]


def test_customers_do_not_see_inactive_products_staff_do(make_product):
    hidden = make_product(is_active=False)
    assert api_client_as("customer").get(f"/api/inventory/products/{hidden.pk}/").status_code == 404
    assert api_client_as("staff").get(f"/api/inventory/products/{hidden.pk}/").status_code == 200
    customer_ids = {p["id"] for p in api_client_as("customer").get("/api/inventory/products/").json()["results"]}
    assert str(hidden.pk) not in customer_ids


def test_list_filters_by_name_sku_active_and_ids(make_product):
    mug, tea = make_product(name="Blue mug", sku="MUG-9"), make_product(name="Green tea", sku="TEA-9")
    staff = api_client_as("staff")

    def ids(params):
        return {p["id"] for p in staff.get("/api/inventory/products/", params).json()["results"]}

    assert ids({"name": "mug"}) == {str(mug.pk)}
    assert ids({"sku": "tea-9"}) == {str(tea.pk)}
    assert ids({"ids": f"{mug.pk},{tea.pk}"}) == {str(mug.pk), str(tea.pk)}
    hidden = make_product(is_active=False)
    inactive = staff.get("/api/inventory/products/", {"is_active": "false"}).json()["results"]
    assert str(hidden.pk) in {p["id"] for p in inactive}  # the page cannot be empty
    assert all(p["is_active"] is False for p in inactive)


def test_bad_filters_are_400(make_product):
    error = assert_error(api_client_as("staff").get("/api/inventory/products/", {"ids": "not-a-uuid"}), 400)
    assert "ids" in error["details"]


def test_ordering_by_price(make_product):
    for price in ("5.00", "1.00", "3.00"):
        make_product(price=price)
    prices = [
        p["price"]
        for p in api_client_as("staff").get("/api/inventory/products/", {"ordering": "price"}).json()["results"]
    ]
    assert prices == sorted(prices, key=float)


def test_an_empty_update_is_refused(make_product):
    product = make_product()
    assert_error(api_client_as("staff").patch(f"/api/inventory/products/{product.pk}/", {}, format="json"), 400)


class TestStockAdjustment:
    def url(self, product):
        return f"/api/inventory/products/{product.pk}/stock/"

    def test_staff_adjusts_and_gets_the_new_level_and_a_ledger_entry(self, make_product):
        product = make_product(stock=10)
        response = api_client_as("staff").post(self.url(product), {"delta": -4, "reason": "damaged"}, format="json")
        assert response.status_code == 200
        assert response.json() == {"product_id": str(product.pk), "stock_available": 6, "stock_reserved": 0}
        movement = StockMovement.objects.filter(product=product).first()
        assert (movement.kind, movement.available_delta, movement.reason) == ("adjustment", -4, "damaged")

    def test_removing_more_than_available_is_409_and_changes_nothing(self, make_product):
        product = make_product(stock=3)
        error = assert_error(
            api_client_as("staff").post(self.url(product), {"delta": -4, "reason": "oops"}, format="json"),
            409,
            "insufficient_stock",
        )
        assert error["details"]["available"] == 3
        product.stock.refresh_from_db()
        assert product.stock.available == 3
        assert StockMovement.objects.filter(product=product).count() == 1  # the initial stock only

    @pytest.mark.parametrize(
        ("payload", "field"),
        [({"delta": 0, "reason": "x"}, "delta"), ({"delta": "a", "reason": "x"}, "delta"), ({"delta": 1}, "reason")],
    )
    def test_bad_adjustments_are_400(self, make_product, payload, field):
        product = make_product()
        error = assert_error(api_client_as("staff").post(self.url(product), payload, format="json"), 400)
        assert field in error["details"]

    def test_customers_cannot_adjust_stock(self, make_product):
        product = make_product()
        assert_error(api_client_as("customer").post(self.url(product), {"delta": 5, "reason": "x"}, format="json"), 403)

    def test_movements_are_listed_for_staff_only(self, make_product):
        product = make_product(stock=2)
        url = f"/api/inventory/products/{product.pk}/movements/"
        assert api_client_as("staff").get(url).json()["results"][0]["reason"] == "initial stock"
        assert_error(api_client_as("customer").get(url), 403)

    def test_the_ledger_renders_as_html_in_the_browsable_api(self, make_product):
        product = make_product(stock=2)
        url = f"/api/inventory/products/{product.pk}/movements/"
        response = api_client_as("staff").get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert b"initial stock" in response.content


def test_creating_and_changing_a_product_announces_it(make_product):
    from servicekit.models import OutboxEvent

    product = make_product(price="3.00")
    api_client_as("staff").patch(f"/api/inventory/products/{product.pk}/", {"price": "4.00"}, format="json")
    prices = [
        e.payload["price"]
        for e in OutboxEvent.objects.filter(type="inventory.product.changed", payload__product_id=str(product.pk))
    ]
    assert prices == ["3.00", "4.00"]
