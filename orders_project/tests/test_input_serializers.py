"""Input serializers keep field templates (servicekit.serializers.InputSerializer) and validate
exactly as DRF's plain serializers do: the same errors, the same validated data."""

import uuid

import pytest
from rest_framework import serializers

from orders.api.serializers import MAX_LINES, MAX_QUANTITY, OrderCreateInput


class PlainOrderLineInput(serializers.Serializer):
    product_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class PlainOrderCreateInput(serializers.Serializer):
    lines = serializers.ListField(child=PlainOrderLineInput(), min_length=1, max_length=MAX_LINES)

    def validate_lines(self, lines):
        return OrderCreateInput.validate_lines(self, lines)


A, B = str(uuid.uuid4()), str(uuid.uuid4())
BODIES = [
    {"lines": [{"product_id": A, "quantity": 2}, {"product_id": B, "quantity": 1}]},
    {"lines": [{"product_id": A, "quantity": 0}, {"product_id": "not-a-uuid", "quantity": MAX_QUANTITY + 1}]},
    {"lines": [{"product_id": A, "quantity": 1}, {"product_id": A, "quantity": 1}]},
    {"lines": []},
    {"lines": [{"product_id": A, "quantity": 1}] * (MAX_LINES + 1)},
    {"lines": "many"},
    {"lines": [{"quantity": "two"}]},
    {},
]


@pytest.mark.parametrize("body", BODIES)
def test_validates_as_a_plain_serializer_does(body):
    ours, plain = OrderCreateInput(data=body), PlainOrderCreateInput(data=body)
    assert ours.is_valid() == plain.is_valid()
    assert ours.errors == plain.errors
    if plain.errors == {}:
        assert ours.validated_data == plain.validated_data


def test_one_instance_s_errors_do_not_leak_into_the_next():
    assert not OrderCreateInput(data=BODIES[1]).is_valid()
    good = OrderCreateInput(data=BODIES[0])
    assert good.is_valid(), good.errors
    assert [line["quantity"] for line in good.validated_data["lines"]] == [2, 1]
