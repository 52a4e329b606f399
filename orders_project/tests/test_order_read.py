"""The order read by one fixed statement (selectors.order_get) gives what the ORM's
`prefetch_related("lines")` gave: the same values, the lines in order and read with it (no
further query), each pointing at its order; someone else's order is not found."""

import uuid

import pytest

from orders import selectors
from orders.models import Order
from orders.services import order_confirm, order_create
from servicekit.identity import GatewayIdentity

from .conftest import MUG, TEA

pytestmark = pytest.mark.django_db


def values(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


def placed(lines) -> Order:
    identity = GatewayIdentity(user_id=str(uuid.uuid4()), email="x@example.com")
    return order_create(identity=identity, lines=lines)[0]


def test_an_order_with_its_lines_reads_as_the_orm_reads_it(django_assert_num_queries):
    order = placed([{"product_id": TEA.id, "quantity": 3}, {"product_id": MUG.id, "quantity": 1}])
    order_confirm(order_id=str(order.pk))
    expected = Order.objects.prefetch_related("lines").get(pk=order.pk)
    with django_assert_num_queries(1):
        read = selectors.order_get(user_id=order.user_id, order_id=str(order.pk))
        lines = list(read.lines.all())
        assert all(line.order is read for line in lines)
    assert values(read) == values(expected)
    assert [values(line) for line in lines] == [values(line) for line in expected.lines.all()]
    assert [line.product_id for line in lines] == [TEA.id, MUG.id]  # by line id, as written
    assert read.status == Order.Status.CONFIRMED and not read._state.adding


def test_someone_elses_order_is_not_found():
    order = placed([{"product_id": MUG.id, "quantity": 1}])
    with pytest.raises(selectors.NotFoundError):
        selectors.order_get(user_id=uuid.uuid4(), order_id=order.pk)


@pytest.mark.parametrize("order_id", [uuid.uuid4(), "not-a-uuid", ""])
def test_an_unknown_or_malformed_id_is_not_found(order_id):
    order = placed([{"product_id": MUG.id, "quantity": 1}])
    with pytest.raises(selectors.NotFoundError):
        selectors.order_get(user_id=order.user_id, order_id=order_id)
