from django.contrib import admin
from django.db.models import Count

from wishlists.models import Wishlist, WishlistItem


class WishlistItemInline(admin.TabularInline):
    model = WishlistItem
    extra = 0
    raw_id_fields = ["product"]
    readonly_fields = ["added_at"]


@admin.register(Wishlist)
class WishlistAdmin(admin.ModelAdmin):
    """For support questions: what a shopper saved (the link's token is not shown)."""

    list_display = ["user", "items_count", "shared", "created_at"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    exclude = ["share_token"]
    inlines = [WishlistItemInline]

    def has_add_permission(self, request):
        return False  # a shopper's own list: made by saving a product

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").annotate(n=Count("items"))

    @admin.display(description="Products", ordering="n")
    def items_count(self, obj):
        return obj.n

    @admin.display(description="Shared", boolean=True)
    def shared(self, obj):
        return bool(obj.share_token)
