"""The inventory admin. Saves go through the service layer, as the API's do: a product added
here gets its stock level, ledger entry and `inventory.product.changed` event, and a changed
price or name reaches orders' copy of the catalogue; an image uploaded here is checked and
rendered like one uploaded through the API, and a stock import started here runs on the CPU
lane like any other. Ledgers and reservations are read-only."""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator

from servicekit.admin import ReadOnlyAdminMixin
from servicekit.errors import DomainError, InvalidInput

from . import images, imports, services
from .models import MAX_STOCK, SKU_PATTERN, Product, ProductImage, Reservation, StockImport, StockLevel, StockMovement

EDITABLE_FIELDS = ("name", "description", "price", "is_active")


def _checked_upload(upload, check):
    """The service's own check of an uploaded file, as a form error; the file rewound after."""
    try:
        check(upload.read())
    except InvalidInput as exc:
        raise forms.ValidationError(exc.message) from exc
    upload.seek(0)
    return upload


class ProductAdminForm(forms.ModelForm):
    stock = forms.IntegerField(
        min_value=0, max_value=MAX_STOCK, initial=0, required=False, help_text="Units in stock to start with."
    )
    image = forms.FileField(
        required=False, help_text="A new picture (JPEG, PNG, WebP or GIF): its thumbnails are made in the background."
    )

    class Meta:
        model = Product
        fields = ["sku", "name", "description", "price", "is_active"]

    def clean_sku(self):
        sku = self.cleaned_data["sku"]
        if not re.fullmatch(SKU_PATTERN, sku):
            raise forms.ValidationError("Letters, digits, '.', '_' and '-' only, starting with a letter or digit.")
        return sku

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        return _checked_upload(upload, images.image_inspect) if upload else upload

    def clean_price(self):
        price = self.cleaned_data["price"]
        if price is not None and price < 0:
            raise forms.ValidationError("A price cannot be negative.")
        return price


class StockLevelInline(admin.StackedInline):
    model = StockLevel
    can_delete = False
    readonly_fields = ["available", "reserved", "updated_at"]
    extra = 0


def _preview(image: ProductImage) -> str:
    rendition = image.renditions.get("thumb_128")
    if not rendition:
        return image.error or image.state
    src = f"{settings.MEDIA_URL}{rendition['path']}"
    return format_html('<img src="{}" alt="" width="{}" height="{}">', src, rendition["width"], rendition["height"])


class ProductImageInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = ProductImage
    fields = ["preview", "state", "error", "uploaded_at", "processed_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0

    @admin.display(description="picture")
    def preview(self, image) -> str:
        return _preview(image)


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
    form = ProductAdminForm
    list_display = ["sku", "short_name", "price", "is_active", "available", "reserved", "updated_at"]
    list_filter = ["is_active", "created_at"]
    search_fields = ["sku", "name"]
    readonly_fields = ["id", "created_at", "updated_at"]
    list_select_related = ["stock"]

    @admin.display(description="name", ordering="name")
    def short_name(self, product) -> str:
        return Truncator(product.name).chars(48)  # long names would push price and stock off the list

    @admin.display(ordering="stock__available")
    def available(self, product) -> int:
        return product.stock.available

    @admin.display(ordering="stock__reserved")
    def reserved(self, product) -> int:
        return product.stock.reserved

    def get_fields(self, request, obj=None):
        fields = ["sku", "name", "description", "price", "is_active"]
        return [*fields, "image", *self.readonly_fields] if obj else [*fields, "stock"]

    def get_readonly_fields(self, request, obj=None):
        # The SKU is copied into orders: it never changes once the product exists.
        return [*self.readonly_fields, "sku"] if obj else []

    def get_inlines(self, request, obj):
        return [ProductImageInline, StockLevelInline, StockMovementInline] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # orders and the ledger refer to products: deactivate instead

    def save_model(self, request, obj, form, change):
        if change:
            changes = {field: form.cleaned_data[field] for field in EDITABLE_FIELDS if field in form.changed_data}
            if changes:
                services.product_update(product=obj, **changes)
            if form.cleaned_data.get("image"):
                images.product_image_upload(product=obj, data=form.cleaned_data["image"].read())
            return
        identity = getattr(request, "gateway_identity", None)
        product = services.product_create(
            sku=form.cleaned_data["sku"],
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            price=form.cleaned_data["price"],
            is_active=form.cleaned_data["is_active"],
            stock=form.cleaned_data.get("stock") or 0,
            actor_id=identity.user_id if identity else "",
        )
        vars(obj).update(vars(product))  # the admin goes on with the product the service made


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


class StockImportAddForm(forms.ModelForm):
    file = forms.FileField(help_text="CSV with the header sku,delta,reason; 100,000 rows at most.")

    class Meta:
        model = StockImport
        fields = []

    def clean_file(self):
        return _checked_upload(self.cleaned_data["file"], imports.stock_import_check)


@admin.register(StockImport)
class StockImportAdmin(admin.ModelAdmin):
    """Imports and their progress; a new one is started by uploading its CSV here or through
    the API (both through imports.stock_import_request), and stopped by the cancel action."""

    list_display = ["created_at", "filename", "status", "progress", "rows_applied", "rows_failed", "speed"]
    list_filter = ["status", "created_at"]
    readonly_fields = [
        "id",
        "filename",
        "status",
        "progress",
        "rows_total",
        "rows_done",
        "rows_applied",
        "rows_failed",
        "speed",
        "cancel_requested",
        "errors",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    actions = ["cancel"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("source")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StockImportAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ["file"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    @admin.display(description="progress")
    def progress(self, job) -> str:
        done, total = job.rows_done, job.rows_total
        return format_html('<progress value="{}" max="{}"></progress> {} / {}', done, total, done, total)

    @admin.display(description="rows/s")
    def speed(self, job):
        return job.rows_per_second or "-"

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data["file"]
        identity = getattr(request, "gateway_identity", None)
        job = imports.stock_import_request(
            filename=upload.name or "", data=upload.read(), actor_id=identity.user_id if identity else ""
        )
        vars(obj).update(vars(job))

    @admin.action(description="Cancel the selected imports")
    def cancel(self, request, queryset):
        for job in queryset:
            try:
                imports.stock_import_cancel(stock_import=job)
            except DomainError as exc:
                messages.warning(request, f"{job}: {exc.message}")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
