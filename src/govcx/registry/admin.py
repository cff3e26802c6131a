"""Reference data (organisations, client categories, life situations) is kept in the admin.
Service passports are changed only through the app and the API, which keep their history."""

from django.contrib import admin

from govcx.registry.models import ClientCategory, LifeSituation, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_ru", "level", "parent", "region_code", "is_central_office")
    list_filter = ("level", "is_central_office")
    search_fields = ("code", "name_en", "name_ru")


@admin.register(ClientCategory)
class ClientCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_ru")


@admin.register(LifeSituation)
class LifeSituationAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_ru")
