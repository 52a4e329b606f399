"""The event plumbing as orders uses it: the outbox written with the change, contracts
checked on both sides, and each event applied once."""

import uuid

import pytest
from django.db import transaction

from orders.models import Order
from orders.services import order_cancel, order_create
from servicekit.events.consumer import apply_event
from servicekit.events.contracts import ContractViolation
from servicekit.events.outbox import publish_event
from servicekit.identity import GatewayIdentity
from servicekit.models import InboxEvent, OutboxEvent
from servicekit.testing import event_envelope as envelope

from .conftest import MUG

pytestmark = pytest.mark.django_db


def place_order(quantity=1) -> Order:
    identity = GatewayIdentity(user_id=str(uuid.uuid4()), email="x@example.com")
    return order_create(identity=identity, lines=[{"product_id": MUG.id, "quantity": quantity}])[0]


def test_placing_an_order_writes_its_event_in_the_same_transaction():
    order = place_order(quantity=3)
    event = OutboxEvent.objects.get(type="orders.order.created", payload__order_id=str(order.id))
    assert event.published_at is None
    assert event.producer == "orders"
    assert event.payload["lines"] == [{"product_id": str(MUG.id), "quantity": 3}]
    assert event.payload["user_id"] == str(order.user_id)


def test_a_rolled_back_change_leaves_no_event():
    before = OutboxEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        place_order()
        raise RuntimeError("the request failed after the order was written")
    assert OutboxEvent.objects.count() == before
    assert not Order.objects.exists()


@pytest.mark.django_db(transaction=True)  # no test-wide transaction around this one
def test_publishing_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        publish_event("orders.order.confirmed", {"order_id": "x", "user_id": "y", "total": "1.00"})


def test_an_event_that_breaks_its_contract_is_refused_at_the_producer():
    with pytest.raises(ContractViolation), transaction.atomic():
        publish_event("orders.order.confirmed", {"order_id": "x"})


def test_stock_reserved_confirms_and_emits_once_even_if_delivered_twice():
    order = place_order()
    event = envelope("inventory.stock.reserved", {"order_id": str(order.id), "lines": []})
    assert apply_event(event) is True
    assert apply_event(event) is False  # the redelivery changes nothing
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    assert OutboxEvent.objects.filter(type="orders.order.confirmed", payload__order_id=str(order.id)).count() == 1
    assert InboxEvent.objects.filter(event_id=event["id"]).count() == 1


def test_reservation_failed_rejects_with_the_reasons():
    order = place_order()
    reasons = [{"product_id": str(MUG.id), "reason": "insufficient_stock", "requested": 1, "available": 0}]
    apply_event(envelope("inventory.stock.reservation_failed", {"order_id": str(order.id), "reasons": reasons}))
    order.refresh_from_db()
    assert order.status == Order.Status.REJECTED
    rejected = OutboxEvent.objects.get(type="orders.order.rejected", payload__order_id=str(order.id))
    assert rejected.payload["reasons"] == reasons


def test_a_late_answer_does_not_resurrect_a_cancelled_order():
    order = place_order()
    order_cancel(order_id=order.id, user_id=order.user_id)
    apply_event(envelope("inventory.stock.reserved", {"order_id": str(order.id), "lines": []}))
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert not OutboxEvent.objects.filter(type="orders.order.confirmed", payload__order_id=str(order.id)).exists()


def test_confirmed_orders_can_be_cancelled_and_say_so():
    order = place_order()
    apply_event(envelope("inventory.stock.reserved", {"order_id": str(order.id), "lines": []}))
    order_cancel(order_id=order.id, user_id=order.user_id)
    cancelled = OutboxEvent.objects.get(type="orders.order.cancelled", payload__order_id=str(order.id))
    assert cancelled.payload["previous_status"] == "CONFIRMED"


def test_a_failing_handler_leaves_no_inbox_row_so_a_retry_can_apply_it():
    event = envelope("inventory.stock.reserved", {"order_id": "not-a-uuid", "lines": []})
    with pytest.raises(Exception):  # noqa: B017 (whatever the handler raised)
        apply_event(event)
    assert not InboxEvent.objects.filter(event_id=event["id"]).exists()


def test_an_event_breaking_its_contract_is_refused_by_the_consumer():
    with pytest.raises(ContractViolation):
        apply_event(envelope("inventory.stock.reserved", {"lines": []}))
