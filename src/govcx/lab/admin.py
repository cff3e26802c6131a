"""Read-only admin of the lab's studies and findings for support staff. Everything is changed through the app
and the API (which scope, validate and audit every write); participants' personal data is not shown here."""

from django.contrib import admin

from govcx.lab.models import Finding, Study


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Study)
class StudyAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "service", "lab", "stage", "status", "verdict", "verdict_computed_at")
    list_filter = ("status", "verdict", "stage")
    search_fields = ("title", "service__code")


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "study", "severity", "status")
    list_filter = ("severity", "status")
    search_fields = ("title",)
    exclude = ("participants",)
