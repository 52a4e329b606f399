"""The orders admin: orders are placed through the API (which copies prices from the
catalogue) and move through the saga; staff may look, and cancel through the same service
function the API uses, so that inventory releases the stock. The catalogue is a copy kept by
inventory's events: read-only."""

from django.contrib import admin, messages

from servicekit.admin import ReadOnlyAdminMixin
from servicekit.errors import DomainError

from . import services
from .models import CatalogueEntry, Order, OrderLine


class OrderLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OrderLine
    fields = ["product_id", "sku", "name", "unit_price", "quantity", "line_total"]
    readonly_fields = fields
    extra = 0
    max_num = 0


@admin.register(Order)
class OrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "user_id", "status", "total", "created_at", "updated_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["=id", "=user_id"]
    date_hierarchy = "created_at"
    readonly_fields = ["id", "user_id", "total", "idempotency_key", "request_fingerprint", "created_at", "updated_at"]
    inlines = [OrderLineInline]
    actions = ["cancel"]

    def has_cancel_permission(self, request) -> bool:
        return request.user.has_perm("orders.change_order")

    @admin.action(description="Cancel the selected orders (releases their stock)", permissions=["cancel"])
    def cancel(self, request, queryset):
        cancelled = 0
        for order in queryset:
            try:
                services.order_cancel(order_id=order.pk, user_id=order.user_id)
                cancelled += 1
            except DomainError as exc:
                self.message_user(request, f"Order {order.pk}: {exc.message}", messages.WARNING)
        self.message_user(request, f"Cancelled {cancelled} order(s).", messages.SUCCESS)


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sku", "name", "price", "is_active", "changed_at"]
    list_filter = ["is_active"]
    search_fields = ["sku", "name", "=product_id"]
