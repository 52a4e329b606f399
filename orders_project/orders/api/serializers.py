from rest_framework import serializers

from ..models import Order

MAX_LINES = 50
MAX_QUANTITY = 1000


class OrderLineInput(serializers.Serializer):
    product_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class OrderCreateInput(serializers.Serializer):
    lines = serializers.ListField(child=OrderLineInput(), min_length=1, max_length=MAX_LINES)

    def validate_lines(self, lines):
        seen = [line["product_id"] for line in lines]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError("Each product may appear on one line only; add up the quantities.")
        return lines


class OrderLineOutput(serializers.Serializer):
    # Declared field by field rather than as a ModelSerializer: DRF would rebuild these fields
    # from the model for every order it renders (about a tenth of an order's CPU in the API).
    product_id = serializers.UUIDField(read_only=True)
    sku = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    quantity = serializers.IntegerField(read_only=True)
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)


class OrderOutput(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    status = serializers.ChoiceField(choices=Order.Status.choices, read_only=True)
    lines = OrderLineOutput(many=True, read_only=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
