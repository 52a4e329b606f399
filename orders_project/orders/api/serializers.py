from rest_framework import serializers

from servicekit.serializers import InputSerializer, ModelOutputSerializer

from ..models import Order, OrderLine

MAX_LINES = 50
MAX_QUANTITY = 1000


class OrderLineInput(InputSerializer):
    product_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class OrderCreateInput(InputSerializer):
    lines = serializers.ListField(child=OrderLineInput(), min_length=1, max_length=MAX_LINES)

    def validate_lines(self, lines):
        seen = [line["product_id"] for line in lines]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError("Each product may appear on one line only; add up the quantities.")
        return lines


class OrderLineOutput(ModelOutputSerializer):
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = OrderLine
        fields = ["product_id", "sku", "name", "unit_price", "quantity", "line_total"]
        read_only_fields = fields


class OrderOutput(ModelOutputSerializer):
    lines = OrderLineOutput(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "status", "lines", "total", "created_at", "updated_at"]
        read_only_fields = fields
