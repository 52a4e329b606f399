from django.contrib import admin

from .models import Notification, Recipient


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user_id", "kind", "short_message", "emailed_to", "read_at"]
    list_filter = ["kind", "created_at", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["=user_id", "message", "emailed_to"]
    date_hierarchy = "created_at"
    readonly_fields = ["id", "user_id", "kind", "message", "data", "emailed_to", "created_at", "read_at"]

    @admin.display(description="message")
    def short_message(self, notification) -> str:
        return notification.message[:80]

    def has_add_permission(self, request) -> bool:
        return False  # notifications come from events and the API, which also send the e-mail


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["user_id", "email", "full_name", "updated_at"]
    search_fields = ["=user_id", "email", "full_name"]
    readonly_fields = ["user_id", "email", "full_name", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False  # copies of auth's users, kept by its events
