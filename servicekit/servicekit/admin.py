"""Every service's admin: titled for its service, its outbox, inbox and dead letters."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import Group, User
from django.utils import timezone

from .celery_app import service_app
from .models import DeadLetter, InboxEvent, OutboxEvent

admin.site.site_header = f"shop · {settings.SERVICE_NAME} admin"
admin.site.site_title = admin.site.site_header
admin.site.site_url = "/"  # "View site": the shop's home page

if settings.GATEWAY_SSO_SHADOW_USERS:
    # Here users are shadows of the auth service's staff (kept by single sign-on), not the
    # shop's users: the auth admin is where people and roles are managed.
    import django.contrib.auth.admin  # noqa: F401 (registers them first, so they can be unregistered)

    admin.site.unregister(User)
    admin.site.unregister(Group)


class ReadOnlyAdminMixin:
    """For ledgers and records code writes: visible in the admin, never edited by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PublishedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", "pending"), ("sent", "sent")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(published_at__isnull=True)
        if self.value() == "sent":
            return queryset.filter(published_at__isnull=False)
        return queryset


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "type", "id", "correlation_id", "published_at"]
    list_filter = [PublishedFilter, "type"]
    ordering = ["-created_at"]
    search_fields = ["=id", "=correlation_id", "type"]

    def changelist_view(self, request, extra_context=None):
        pending = OutboxEvent.objects.filter(published_at__isnull=True)
        oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
        age = f"{(timezone.now() - oldest).total_seconds():.1f} s" if oldest else "none pending"
        messages.info(request, f"Pending: {pending.count()}; oldest pending: {age}.")
        return super().changelist_view(request, extra_context)


@admin.register(InboxEvent)
class InboxEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["processed_at", "event_type", "event_id", "consumer"]
    list_filter = ["event_type", "consumer"]
    search_fields = ["=event_id"]


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["failed_at", "event_type", "event_id", "attempts", "error", "replayed_at"]
    list_filter = ["event_type", ("replayed_at", admin.EmptyFieldListFilter)]
    search_fields = ["=event_id", "error"]
    actions = ["replay"]

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser  # actions need it; every field stays read-only

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description="Replay the selected dead letters (after fixing their cause)")
    def replay(self, request, queryset):
        from .events.dead_letters import dead_letter_replay

        app = service_app()
        replayed = 0
        for dead_letter in queryset.filter(replayed_at__isnull=True):
            dead_letter_replay(app, dead_letter)
            replayed += 1
        self.message_user(request, f"Replayed {replayed} event(s).")
