from django.contrib import admin

from servicekit.admin import ReadOnlyAdminMixin

from .models import Product, Reservation, StockLevel, StockMovement


class StockLevelInline(admin.StackedInline):
    model = StockLevel
    can_delete = False
    readonly_fields = ["available", "reserved", "updated_at"]
    extra = 0


class StockMovementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StockMovement
    fields = ["created_at", "kind", "available_delta", "reserved_delta", "reason", "reference", "actor_id"]
    readonly_fields = fields
    ordering = ["-created_at"]
    extra = 0
    max_num = 0
    show_change_link = True


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "price", "is_active", "available", "reserved", "updated_at"]
    list_filter = ["is_active", "created_at"]
    search_fields = ["sku", "name"]
    readonly_fields = ["id", "created_at", "updated_at"]
    inlines = [StockLevelInline, StockMovementInline]
    list_select_related = ["stock"]

    @admin.display(ordering="stock__available")
    def available(self, product) -> int:
        return product.stock.available

    @admin.display(ordering="stock__reserved")
    def reserved(self, product) -> int:
        return product.stock.reserved

    def get_readonly_fields(self, request, obj=None):
        # The SKU is copied into orders: it never changes once the product exists.
        return [*self.readonly_fields, "sku"] if obj else self.readonly_fields


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "product", "kind", "available_delta", "reserved_delta", "reason", "reference"]
    list_filter = ["kind", "created_at"]
    search_fields = ["product__sku", "product__name", "reference", "reason"]
    list_select_related = ["product"]
    date_hierarchy = "created_at"


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["order_id", "product", "quantity", "status", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["order_id", "product__sku"]
    list_select_related = ["product"]
