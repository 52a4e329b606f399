import uuid

import pytest

from orders.models import CatalogueEntry, Order
from orders.services import order_create
from servicekit.identity import GatewayIdentity
from servicekit.models import OutboxEvent
from servicekit.testing import api_client_as, assert_error
from servicekit.testing.api import ApiContract, CreateContract, ListContract

from .conftest import MUG, TEA

pytestmark = pytest.mark.django_db
URL = "/api/orders/"


def one_mug(quantity=1):
    return {"lines": [{"product_id": str(MUG.id), "quantity": quantity}]}


class TestOrdersContract(ListContract, CreateContract, ApiContract):
    url = URL
    model = Order
    create_roles = frozenset({"customer", "staff"})
    create_data = one_mug()
    invalid_create_data = (
        ({"lines": []}, "lines"),
        ({}, "lines"),
        ({"lines": "mug"}, "lines"),
        ({"lines": [{"product_id": str(MUG.id), "quantity": 0}]}, "lines"),
        ({"lines": [{"product_id": str(MUG.id), "quantity": 1001}]}, "lines"),
        ({"lines": [{"product_id": str(MUG.id), "quantity": "two"}]}, "lines"),
        ({"lines": [{"product_id": "not-a-uuid", "quantity": 1}]}, "lines"),
        ({"lines": [{"product_id": str(uuid.uuid4()), "quantity": 1}]}, "lines"),
        ({"lines": [{"product_id": str(MUG.id), "quantity": 1}] * 2}, "lines"),
        ({"lines": [{"product_id": str(uuid.uuid4()), "quantity": 1} for _ in range(51)]}, "lines"),
    )
    # No UpdateContract: orders change state through the saga and the cancel action only.

    def assert_stored(self, payload, item):
        stored = [(str(line.product_id), line.quantity, line.unit_price) for line in item.lines.all()]
        sent = [(line["product_id"], line["quantity"], MUG.price) for line in payload["lines"]]
        assert stored == sent and item.status == Order.Status.PENDING
        assert str(item.user_id) == self.owner_id

    def make_item(self, owner_id):
        identity = GatewayIdentity(user_id=owner_id, email="owner@example.com")
        return order_create(identity=identity, lines=[{"product_id": MUG.id, "quantity": 2}])[0]


def test_an_order_is_pending_with_prices_copied_as_sold():
    response = api_client_as("customer").post(
        URL,
        {"lines": [{"product_id": str(MUG.id), "quantity": 2}, {"product_id": str(TEA.id), "quantity": 3}]},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "PENDING"
    assert body["total"] == "26.75"
    assert [(x["sku"], x["name"], x["unit_price"], x["quantity"], x["line_total"]) for x in body["lines"]] == [
        ("MUG-1", "Mug", "8.50", 2, "17.00"),
        ("TEA-1", "Tea", "3.25", 3, "9.75"),
    ]


def test_someone_elses_order_is_404_not_403():
    owner, other = str(uuid.uuid4()), str(uuid.uuid4())
    order_id = api_client_as("customer", user_id=owner).post(URL, one_mug(), format="json").json()["id"]
    assert_error(api_client_as("customer", user_id=other).get(f"{URL}{order_id}/"), 404, "not_found")
    assert_error(api_client_as("customer", user_id=other).post(f"{URL}{order_id}/cancel/"), 404, "not_found")
    assert api_client_as("customer", user_id=other).get(URL).json()["results"] == []
    assert api_client_as("customer", user_id=owner).get(f"{URL}{order_id}/").status_code == 200


class TestIdempotency:
    def test_a_retry_with_the_same_key_and_body_returns_the_first_order(self):
        client = api_client_as("customer")
        first = client.post(URL, one_mug(), format="json", HTTP_IDEMPOTENCY_KEY="retry-me-1")
        again = client.post(URL, one_mug(), format="json", HTTP_IDEMPOTENCY_KEY="retry-me-1")
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        assert Order.objects.filter(idempotency_key="retry-me-1").count() == 1
        # The unique index found the retry: nothing was announced twice.
        assert OutboxEvent.objects.filter(type="orders.order.created").count() == 1

    def test_a_retry_after_its_product_went_away_still_gets_the_first_order(self):
        client = api_client_as("customer")
        first = client.post(URL, one_mug(), format="json", HTTP_IDEMPOTENCY_KEY="retry-me-3")
        CatalogueEntry.objects.filter(pk=MUG.id).update(is_active=False)  # the mug is no longer sold
        again = client.post(URL, one_mug(), format="json", HTTP_IDEMPOTENCY_KEY="retry-me-3")
        assert again.status_code == 201 and again.json() == first.json()
        fresh = client.post(URL, one_mug(), format="json", HTTP_IDEMPOTENCY_KEY="retry-me-4")
        assert_error(fresh, 400, "validation_error")

    def test_the_same_key_with_another_body_is_422_and_changes_nothing(self):
        client = api_client_as("customer")
        client.post(URL, one_mug(1), format="json", HTTP_IDEMPOTENCY_KEY="retry-me-2")
        error = assert_error(
            client.post(URL, one_mug(5), format="json", HTTP_IDEMPOTENCY_KEY="retry-me-2"),
            422,
            "idempotency_key_reused",
        )
        assert error["details"]["order_id"]
        assert Order.objects.filter(idempotency_key="retry-me-2").get().lines.get().quantity == 1

    def test_keys_are_per_user(self):
        one, two = api_client_as("customer"), api_client_as("customer")
        assert one.post(URL, one_mug(), format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
        assert two.post(URL, one_mug(), format="json", HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
        assert Order.objects.filter(idempotency_key="shared").count() == 2

    def test_a_malformed_key_is_400(self):
        error = assert_error(
            api_client_as("customer").post(URL, one_mug(), format="json", HTTP_IDEMPOTENCY_KEY="x" * 300), 400
        )
        assert "Idempotency-Key" in error["details"]


class TestCancel:
    def test_a_pending_order_can_be_cancelled_once(self):
        client = api_client_as("customer")
        order_id = client.post(URL, one_mug(), format="json").json()["id"]
        cancelled = client.post(f"{URL}{order_id}/cancel/")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "CANCELLED"
        error = assert_error(client.post(f"{URL}{order_id}/cancel/"), 409, "invalid_state")
        assert error["details"]["status"] == "CANCELLED"
