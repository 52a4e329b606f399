from decimal import Decimal

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from servicekit.serializers import ModelOutputSerializer

from ..models import MAX_STOCK, SKU_PATTERN, Product, ProductImage, StockImport, StockMovement


class RenditionOutput(serializers.Serializer):
    url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.CharField()

    def get_url(self, rendition) -> str:
        return f"{settings.MEDIA_URL}{rendition['path']}"


class ProductImageOutput(ModelOutputSerializer):
    renditions = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = ["state", "error", "renditions", "uploaded_at", "processed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=RenditionOutput()))
    def get_renditions(self, image) -> dict:
        """thumb_128, thumb_256, thumb_512 (longest side in pixels) and webp, once ready."""
        return {name: RenditionOutput(rendition).data for name, rendition in image.renditions.items()}


class ProductOutput(ModelOutputSerializer):
    stock_available = serializers.IntegerField(source="stock.available", read_only=True)
    stock_reserved = serializers.IntegerField(source="stock.reserved", read_only=True)
    image = serializers.SerializerMethodField()

    @extend_schema_field(ProductImageOutput(allow_null=True))
    def get_image(self, product):
        image = getattr(product, "image", None)  # the reverse one-to-one raises when there is none
        return ProductImageOutput(image).data if image is not None else None

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "description",
            "price",
            "is_active",
            "stock_available",
            "stock_reserved",
            "image",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProductCreateInput(serializers.Serializer):
    sku = serializers.RegexField(SKU_PATTERN, max_length=64)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"))
    stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, default=0)
    is_active = serializers.BooleanField(default=True)


class ProductUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False)
    is_active = serializers.BooleanField(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Nothing to change: send name, description, price or is_active.")
        return attrs


class StockAdjustInput(serializers.Serializer):
    delta = serializers.IntegerField(min_value=-MAX_STOCK, max_value=MAX_STOCK)
    reason = serializers.CharField(max_length=200)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def validate_delta(self, value: int) -> int:
        if value == 0:
            raise serializers.ValidationError("A change of zero changes nothing.")
        return value


class StockLevelOutput(serializers.Serializer):
    product_id = serializers.UUIDField()
    stock_available = serializers.IntegerField(source="available")
    stock_reserved = serializers.IntegerField(source="reserved")


class CommaSeparatedUUIDs(serializers.ListField):
    child = serializers.UUIDField()

    def to_internal_value(self, data):
        if isinstance(data, list) and len(data) == 1:
            data = data[0]
        return super().to_internal_value([part for part in str(data).split(",") if part])


class ProductFilterInput(serializers.Serializer):
    name = serializers.CharField(required=False, max_length=200)
    sku = serializers.CharField(required=False, max_length=64)
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
    ids = CommaSeparatedUUIDs(required=False, max_length=100, help_text="Comma-separated product ids.")


class StockMovementOutput(ModelOutputSerializer):
    class Meta:
        model = StockMovement
        fields = ["id", "kind", "available_delta", "reserved_delta", "reason", "reference", "actor_id", "created_at"]
        read_only_fields = fields


class ProductImageInput(serializers.Serializer):
    image = serializers.FileField(help_text="JPEG, PNG, WebP or GIF; 10 MB and 40 megapixels at most.")


class StockImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="CSV with the header sku,delta,reason; 100,000 rows at most.")


class StockImportOutput(ModelOutputSerializer):
    rows_per_second = serializers.FloatField(read_only=True, allow_null=True)
    errors = serializers.ListField(child=serializers.DictField(), read_only=True, help_text="[{line, message}]")

    class Meta:
        model = StockImport
        fields = [
            "id",
            "filename",
            "status",
            "cancel_requested",
            "rows_total",
            "rows_done",
            "rows_applied",
            "rows_failed",
            "rows_per_second",
            "errors",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
