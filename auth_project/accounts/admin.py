"""The auth admin. Every save goes through the service layer: a user added here is registered
(and announced to the other services) like one who signs up; a change of address, name, roles
or activity is announced and ends the user's sessions; a password set here signs them out."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from . import services
from .models import SecurityEvent, TokenFamily, User

UPDATABLE_FIELDS = ("email", "full_name", "is_active", "is_staff", "is_superuser")


class ShopUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class ShopUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class ShopPasswordChangeForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        services.user_set_password(user=self.user, password=self.cleaned_data["password1"])
        return self.user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = ShopUserChangeForm
    add_form = ShopUserCreationForm
    change_password_form = ShopPasswordChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["id", "date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["id", "email", "password"]}),
        ("Profile", {"fields": ["full_name"]}),
        ("Roles", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # other services hold the user's id: deactivate instead

    def save_model(self, request, obj, form, change):
        if not change:
            user = services.user_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data.get("full_name", ""),
            )
            vars(obj).update(vars(user))  # the admin goes on with the registered user
            return
        changes = {field: form.cleaned_data[field] for field in UPDATABLE_FIELDS if field in form.changed_data}
        if changes:
            services.user_update(user=obj, **changes)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record of what happened: looked at, never edited here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "user", "details"]
    list_filter = ["kind"]
    search_fields = ["user__email"]


@admin.register(TokenFamily)
class TokenFamilyAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "created_at", "revoked_at", "revoked_because"]
    list_filter = ["revoked_because"]
    search_fields = ["user__email"]
