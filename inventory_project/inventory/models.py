import uuid

from django.db import models
from django.db.models import Q

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
MAX_STOCK = 1_000_000


class Product(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sku = models.CharField(max_length=64, unique=True, help_text="Stock keeping unit; never changes.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    is_active = models.BooleanField(default=True, help_text="Inactive products are hidden from customers.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative")]
        indexes = [models.Index(fields=["created_at"]), models.Index(fields=["is_active", "name"])]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class StockLevel(models.Model):
    """How many units can be sold (`available`) and how many are held for orders (`reserved`).

    The row is locked (SELECT ... FOR UPDATE) by every change; the database refuses a negative
    value even if a bug slipped past the service.
    """

    product = models.OneToOneField(Product, on_delete=models.CASCADE, primary_key=True, related_name="stock")
    available = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(available__gte=0), name="stock_available_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.available} available, {self.reserved} reserved"


class StockMovement(models.Model):
    """The ledger: every change of a stock level, with why and for what. Never edited."""

    class Kind(models.TextChoices):
        ADJUSTMENT = "adjustment"
        RESERVATION = "reservation"
        RELEASE = "release"
        SALE = "sale"

    id = models.BigAutoField(primary_key=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    available_delta = models.IntegerField()
    reserved_delta = models.IntegerField(default=0)
    reason = models.CharField(max_length=200)
    reference = models.CharField(max_length=100, blank=True, help_text="Order id, import batch, ...")
    actor_id = models.CharField(max_length=64, blank=True, help_text="Who made the change (user id).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["product", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.available_delta:+d} ({self.reason})"


class Reservation(models.Model):
    """Units held for one order line until the order is confirmed (sold) or cancelled (released)."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        RELEASED = "released"
        SOLD = "sold"

    id = models.BigAutoField(primary_key=True)
    order_id = models.UUIDField(db_index=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order_id", "product"], name="one_reservation_per_order_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id} for {self.order_id} ({self.status})"


class ProductImage(models.Model):
    """A product's picture: the original as uploaded, and the renditions a CPU worker makes of it.

    Files live under MEDIA_ROOT/products/<product id>/<version>/; each upload is a new version,
    so a replaced image's renditions never mix with the new one's and URLs can be cached forever.
    """

    class State(models.TextChoices):
        PROCESSING = "processing"
        READY = "ready"
        FAILED = "failed"

    product = models.OneToOneField(Product, on_delete=models.CASCADE, primary_key=True, related_name="image")
    version = models.CharField(max_length=32, help_text="A new random value per upload.")
    original = models.CharField(max_length=200, help_text="The uploaded file, relative to MEDIA_ROOT.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROCESSING)
    error = models.TextField(blank=True, help_text="Why processing failed, when it did.")
    renditions = models.JSONField(
        default=dict, blank=True, help_text='{"<name>": {"path", "width", "height", "format"}} once ready.'
    )
    uploaded_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"image of {self.product_id} ({self.state})"


class StockImport(models.Model):
    """A CSV of stock adjustments (sku, delta, reason) applied in the background, in batches.

    `rows_done` is the checkpoint: the rows before it are applied (or reported) and committed
    together with it, so a job that dies resumes there and no row is applied twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        CANCELLED = "cancelled"

    TERMINAL = (Status.DONE, Status.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    filename = models.CharField(max_length=200, blank=True)
    source = models.TextField(help_text="The CSV as uploaded.")
    requested_by = models.CharField(max_length=64, help_text="Who uploaded it (user id).")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    cancel_requested = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField()
    rows_done = models.PositiveIntegerField(default=0)
    rows_applied = models.PositiveIntegerField(default=0)
    rows_failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text='[{"line": n, "message": "..."}], the first 1000.')
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.filename or self.id} ({self.status}, {self.rows_done}/{self.rows_total})"

    @property
    def rows_per_second(self) -> float | None:
        if self.started_at is None or not self.rows_done:
            return None
        seconds = ((self.finished_at or self.updated_at) - self.started_at).total_seconds()
        return round(self.rows_done / seconds, 1) if seconds > 0 else None
