from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from shop.content.models import Page


@admin.register(Page)
class PageAdmin(TranslationAdmin):
    list_display = ["title", "slug", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "body", "is_published"]
    view_on_site = True
