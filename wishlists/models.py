"""A signed-in shopper's wishlist: products saved for later, once each, and the private link
that shows it to others (read-only). A guest's list lives in their session until they sign
in (wishlists/services.py)."""

from django.conf import settings
from django.db import models


class Wishlist(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="wishlist", on_delete=models.CASCADE
    )
    # 256 random bits, URL-safe; null while the list is not shared. A new link replaces it.
    share_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Wishlist {self.pk}"


class WishlistItem(models.Model):
    wishlist = models.ForeignKey(Wishlist, related_name="items", on_delete=models.CASCADE)
    product = models.ForeignKey("catalog.Product", related_name="+", on_delete=models.CASCADE)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["wishlist", "product"], name="one_wishlist_item_per_product"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} in wishlist {self.wishlist_id}"
