"""Output serializers work their fields out once per class (servicekit.serializers) and render
exactly what DRF's ModelSerializer renders."""

import uuid
from decimal import Decimal

import pytest
from rest_framework import serializers

from orders.api.serializers import OrderLineOutput, OrderOutput
from orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db


class PlainOrderLineOutput(serializers.ModelSerializer):
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = OrderLine
        fields = OrderLineOutput.Meta.fields


class PlainOrderOutput(serializers.ModelSerializer):
    lines = PlainOrderLineOutput(many=True, read_only=True)

    class Meta:
        model = Order
        fields = OrderOutput.Meta.fields


def _order() -> Order:
    order = Order.objects.create(user_id=uuid.uuid4(), total=Decimal("11.75"))
    OrderLine.objects.create(order=order, product_id=uuid.uuid4(), sku="A", name="A", unit_price="8.50", quantity=1)
    OrderLine.objects.create(order=order, product_id=uuid.uuid4(), sku="B", name="B", unit_price="3.25", quantity=1)
    return order


def test_renders_what_a_model_serializer_renders():
    order = _order()
    assert OrderOutput(order).data == PlainOrderOutput(order).data
    assert [line["line_total"] for line in OrderOutput(order).data["lines"]] == ["8.50", "3.25"]


def test_fields_are_built_from_the_model_once_and_copied_for_each_instance(monkeypatch):
    assert OrderOutput(_order()).data["lines"]  # the templates exist from here on
    built = []
    monkeypatch.setattr(
        serializers.ModelSerializer, "get_field_names", lambda *args: built.append(args) or [], raising=True
    )
    first, second = OrderOutput(), OrderOutput()
    assert list(first.fields) == list(second.fields) == OrderOutput.Meta.fields
    assert built == []  # no model introspection for either
    assert first.fields["status"] is not second.fields["status"]  # each instance has its own bound fields
    assert first.fields["status"].parent is first


def test_a_nested_list_has_its_own_child_bound_to_it_in_each_instance():
    first, second = OrderOutput(), OrderOutput()
    lines_first, lines_second = first.fields["lines"], second.fields["lines"]
    assert lines_first.child is not lines_second.child
    assert lines_first.child.parent is lines_first and lines_first.parent is first
    assert lines_first.child.fields["sku"] is not lines_second.child.fields["sku"]
