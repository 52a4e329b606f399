"""servicekit.db.insert writes rows as `save()` writes them, in one statement."""

import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from orders.models import Order, OrderLine
from servicekit.db.insert import insert

pytestmark = pytest.mark.django_db


def test_a_row_is_stored_with_its_defaults_and_timestamps():
    (order,) = insert(Order(user_id=uuid.uuid4(), total=Decimal("3.50"), idempotency_key="k"))
    stored = Order.objects.get(pk=order.pk)
    assert (stored.status, stored.total, stored.idempotency_key) == ("PENDING", Decimal("3.50"), "k")
    assert stored.created_at == order.created_at and stored.updated_at == order.updated_at
    assert not order._state.adding  # saved: a later save() updates it
    order.status = Order.Status.CONFIRMED
    order.save(update_fields=["status"])
    assert Order.objects.get(pk=order.pk).status == "CONFIRMED"


def test_several_rows_get_their_database_assigned_keys_in_order():
    (order,) = insert(Order(user_id=uuid.uuid4(), total=Decimal("1.00")))
    lines = insert(
        *(
            OrderLine(order=order, product_id=uuid.uuid4(), sku=f"S{n}", name=f"N{n}", unit_price="1.00", quantity=n)
            for n in (1, 2, 3)
        )
    )
    assert [(line.pk is not None, line.quantity) for line in lines] == [(True, 1), (True, 2), (True, 3)]
    assert [(line.pk, line.sku) for line in lines] == list(order.lines.order_by("id").values_list("pk", "sku"))


def test_a_constraint_is_enforced_as_with_save():
    user = uuid.uuid4()
    insert(Order(user_id=user, total=Decimal("1.00"), idempotency_key="same"))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(Order(user_id=user, total=Decimal("1.00"), idempotency_key="same"))
    assert Order.objects.filter(user_id=user).count() == 1
