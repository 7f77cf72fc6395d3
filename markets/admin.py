from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from markets.models import Market
from markets.selectors import forget_cached_markets


class CountriesField(forms.CharField):
    """The countries as a comma-separated line of ISO codes (DE, AT, FR)."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return sorted({c.strip().upper() for c in text.replace(";", ",").split(",") if c.strip()})


class MarketAdminForm(forms.ModelForm):
    countries = CountriesField(
        label=_("countries"),
        required=False,
        help_text=_("ISO 3166-1 codes separated by commas: DE, AT, FR."),
    )

    class Meta:
        model = Market
        fields = [
            "name",
            "code",
            "currency",
            "countries",
            "language",
            "prices_include_tax",
            "exchange_rate",
            "is_default",
            "is_active",
            "position",
        ]


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    form = MarketAdminForm
    list_display = ["name", "code", "currency", "language", "prices_include_tax", "is_default"]
    list_editable = []
    prepopulated_fields = {"code": ["name"]}
    search_fields = ["name", "code", "currency"]

    def delete_queryset(self, request, queryset):
        """The bulk delete action never takes the default market with it."""
        queryset.filter(is_default=False).delete()
        forget_cached_markets()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)
