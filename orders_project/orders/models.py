import uuid

from django.db import models
from django.db.models import Q


class CatalogueEntry(models.Model):
    """Orders' copy of a product, kept from inventory's `inventory.product.changed` events,
    so an order can be placed while inventory is away."""

    product_id = models.UUIDField(primary_key=True)
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    is_active = models.BooleanField()
    changed_at = models.DateTimeField(help_text="The product's own update time: older news is ignored.")

    class Meta:
        verbose_name_plural = "catalogue entries"

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING"
        CONFIRMED = "CONFIRMED"
        REJECTED = "REJECTED"
        CANCELLED = "CANCELLED"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user_id = models.UUIDField(db_index=True, help_text="The owner: the token's `sub`.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    # A retried POST with the same Idempotency-Key and body returns this order again.
    idempotency_key = models.CharField(max_length=255, blank=True, default="")
    request_fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="one_order_per_idempotency_key",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
        ]
        indexes = [models.Index(fields=["user_id", "-created_at"]), models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"


class OrderLine(models.Model):
    """A product as it was sold: name, SKU and price are copied, never looked up again."""

    id = models.BigAutoField(primary_key=True)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product_id = models.UUIDField()
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product_id"], name="one_line_per_product"),
            models.CheckConstraint(condition=Q(quantity__gte=1) & Q(quantity__lte=1000), name="line_quantity_range"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity
