from django.contrib import admin

from .models import CatalogueEntry, Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["product_id", "sku", "name", "unit_price", "quantity", "line_total"]
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["id", "user_id", "status", "total", "created_at", "updated_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["=id", "=user_id"]
    date_hierarchy = "created_at"
    readonly_fields = ["id", "user_id", "total", "idempotency_key", "request_fingerprint", "created_at", "updated_at"]
    inlines = [OrderLineInline]

    def has_add_permission(self, request) -> bool:
        return False  # orders are placed through the API, which copies prices from inventory


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "price", "is_active", "changed_at"]
    list_filter = ["is_active"]
    search_fields = ["sku", "name", "=product_id"]
    readonly_fields = ["product_id", "sku", "name", "price", "is_active", "changed_at"]

    def has_add_permission(self, request) -> bool:
        return False  # a copy of inventory's catalogue, kept by its events
