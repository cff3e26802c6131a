from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from govcx.accounts.models import ApiToken, AuditEvent, User


@admin.register(User)
class GovcxUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("govcx", {"fields": ("organisation", "role", "is_demo")}))
    list_display = ("username", "organisation", "role", "is_active", "is_demo")
    list_filter = ("role", "is_active", "is_demo")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `govcx token create` (the secret is shown once); here they can be revoked."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
