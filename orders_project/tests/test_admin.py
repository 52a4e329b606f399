"""The orders admin: staff cancel through the service function, so inventory hears of it."""

import uuid

import pytest

from orders.models import Order
from orders.services import order_confirm, order_create
from servicekit.identity import GatewayIdentity
from servicekit.models import OutboxEvent
from servicekit.testing import staff_browser

from .conftest import MUG

pytestmark = pytest.mark.django_db
CHANGELIST = "/orders/admin/orders/order/"


def place_order() -> Order:
    identity = GatewayIdentity(user_id=str(uuid.uuid4()), email="x@example.com")
    return order_create(identity=identity, lines=[{"product_id": MUG.id, "quantity": 1}])[0]


def test_staff_cancel_orders_through_the_service():
    pending, confirmed = place_order(), place_order()
    order_confirm(order_id=str(confirmed.pk))
    response = staff_browser().post(
        CHANGELIST, {"action": "cancel", "_selected_action": [pending.pk, confirmed.pk], "index": 0}
    )
    assert response.status_code == 302
    assert set(Order.objects.values_list("status", flat=True)) == {Order.Status.CANCELLED}
    cancelled = OutboxEvent.objects.filter(type="orders.order.cancelled")
    assert {e.payload["previous_status"] for e in cancelled} == {"PENDING", "CONFIRMED"}


def test_an_order_that_cannot_be_cancelled_is_reported_and_left_alone():
    order = place_order()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.REJECTED)
    browser = staff_browser()
    response = browser.post(CHANGELIST, {"action": "cancel", "_selected_action": [order.pk], "index": 0}, follow=True)
    assert b"cannot be cancelled" in response.content
    assert Order.objects.get(pk=order.pk).status == Order.Status.REJECTED
    assert not OutboxEvent.objects.filter(type="orders.order.cancelled").exists()


def test_an_order_cannot_be_edited_or_deleted_in_the_admin():
    order = place_order()
    browser = staff_browser()
    assert browser.post(f"{CHANGELIST}{order.pk}/change/", {"status": "CONFIRMED"}).status_code == 403
    assert browser.post(f"{CHANGELIST}{order.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING
