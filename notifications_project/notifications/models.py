import uuid

from django.db import models


class Recipient(models.Model):
    """Who a user id is, as far as telling them goes: a copy kept from auth's events."""

    user_id = models.UUIDField(primary_key=True)
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.email


class Notification(models.Model):
    """Something a user is told: shown in their in-app inbox, and e-mailed when asked."""

    class Kind(models.TextChoices):
        WELCOME = "welcome"
        ORDER_CONFIRMED = "order_confirmed"
        ORDER_REJECTED = "order_rejected"
        ORDER_CANCELLED = "order_cancelled"
        ANNOUNCEMENT = "announcement"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user_id = models.UUIDField(db_index=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    message = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    emailed_to = models.EmailField(blank=True, help_text="Where an e-mail copy went, if one did.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"

    @property
    def read(self) -> bool:
        return self.read_at is not None
