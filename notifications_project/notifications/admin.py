"""The notifications admin: notifications come from events and the API (which also send the
e-mail), recipients are copies of auth's users kept by its events. Both are read-only here."""

from django.contrib import admin

from servicekit.admin import ReadOnlyAdminMixin

from .models import Notification, Recipient


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "user_id", "kind", "short_message", "emailed_to", "read_at"]
    list_filter = ["kind", "created_at", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["=user_id", "message", "emailed_to"]
    date_hierarchy = "created_at"

    @admin.display(description="message")
    def short_message(self, notification) -> str:
        return notification.message[:80]


@admin.register(Recipient)
class RecipientAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user_id", "email", "full_name", "updated_at"]
    search_fields = ["=user_id", "email", "full_name"]
