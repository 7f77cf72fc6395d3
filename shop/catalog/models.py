from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.urls import reverse
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator

# What `Variant.available` says of a variant that never runs out: more than anyone can buy.
UNLIMITED = 10**9


class Category(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", kwargs={"slug": self.slug})


class ProductQuerySet(models.QuerySet):
    def published(self) -> ProductQuerySet:
        return self.filter(is_published=True)


class Product(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    category = models.ForeignKey(Category, related_name="products", on_delete=models.PROTECT)
    description = models.TextField(blank=True)
    is_published = models.BooleanField(
        default=True, help_text="Unpublished products are hidden from the shop (404)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What product cards, filters and search need, kept by catalog/services.refresh_listings
    # in the transaction of every change that affects them (variants, prices, stock, images,
    # names, categories): a listing is one indexed query, with no aggregate at request time.
    min_price = models.DecimalField(max_digits=14, decimal_places=3, null=True, editable=False)
    max_price = models.DecimalField(max_digits=14, decimal_places=3, null=True, editable=False)
    units_available = models.IntegerField(
        default=0, editable=False, help_text="Of its most available variant; 0: sold out."
    )
    image = models.CharField(max_length=255, blank=True, editable=False)
    image_alt = models.CharField(max_length=200, blank=True, editable=False)
    facet_values = models.JSONField(
        default=list, blank=True, editable=False, help_text='Option values, e.g. "colour:Sand".'
    )
    search_vector = SearchVectorField(null=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)

    objects = ProductQuerySet.as_manager()

    # Columns only listings and search read: queries that join a product to a variant (the
    # cart, checkout) leave them behind.
    SEARCH_FIELDS = ("search_vector", "search_text", "facet_values", "description")

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["is_published", "category", "name"]),
            models.Index(fields=["is_published", "created_at"]),
            models.Index(fields=["is_published", "min_price"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:product", kwargs={"slug": self.slug})

    @property
    def price_from(self):
        from shop.money import money

        return None if self.min_price is None else money(self.min_price)

    @property
    def has_price_range(self) -> bool:
        return self.min_price is not None and self.max_price != self.min_price

    @property
    def image_url(self) -> str:
        from django.core.files.storage import default_storage

        return default_storage.url(self.image) if self.image else ""


class Variant(models.Model):
    """A thing that can be bought: one SKU, one price, one stock count.

    `stock_reserved` counts units held by unpaid orders. Only orders/allocation.py changes the
    two stock columns; the CHECK constraints make overselling impossible even for code that
    bypasses it.
    """

    product = models.ForeignKey(Product, related_name="variants", on_delete=models.CASCADE)
    sku = models.CharField("SKU", max_length=64, unique=True)
    options = models.JSONField(
        default=dict, blank=True, help_text='Option values, e.g. {"size": "M", "colour": "Blue"}.'
    )
    price = MoneyField(
        max_digits=14,
        decimal_places=3,
        default_currency=settings.SHOP_CURRENCY,
        validators=[MinMoneyValidator(0)],
    )
    stock_on_hand = models.IntegerField(
        default=0, help_text="Units on the shelf. Below zero only for backorders (units owed)."
    )
    stock_reserved = models.PositiveIntegerField(
        default=0, editable=False, help_text="Held by orders awaiting payment."
    )
    track_stock = models.BooleanField(
        default=True, help_text="Off for things that never run out (digital goods, services)."
    )
    allow_backorder = models.BooleanField(
        default=False, help_text="Keep selling when none are left; they ship when restocked."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(Upper("sku"), name="catalog_variant_sku_upper")]
        constraints = [
            models.CheckConstraint(
                condition=Q(allow_backorder=True)
                | Q(track_stock=False)
                | Q(stock_reserved__lte=F("stock_on_hand")),
                name="variant_reserved_within_on_hand",
                violation_error_message="Stock on hand cannot be less than what is reserved.",
            ),
            models.CheckConstraint(
                condition=Q(allow_backorder=True) | Q(stock_on_hand__gte=0),
                name="variant_stock_not_negative",
                violation_error_message="Stock on hand cannot be negative unless backorders "
                "are allowed.",
            ),
            models.CheckConstraint(
                condition=Q(stock_reserved__gte=0), name="variant_reserved_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} – {self.label}" if self.options else self.product.name

    STOCK_FIELDS = frozenset({"stock_on_hand", "stock_reserved"})

    def save(self, *args, **kwargs):
        """Saving an existing variant never writes its stock columns unless named.

        A variant loaded before a checkout holds stale counts; writing them back would undo
        reservations and sales. Stock changes name their fields (orders/allocation.py,
        catalog/services.py).
        """
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.STOCK_FIELDS
            ]
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return " / ".join(str(v) for v in self.options.values()) or "Standard"

    @property
    def sells_without_limit(self) -> bool:
        return not self.track_stock or self.allow_backorder

    @property
    def in_stock(self) -> int:
        """Units on the shelf that no unpaid order holds."""
        return max(self.stock_on_hand - self.stock_reserved, 0)

    @property
    def available(self) -> int:
        """Units a shopper may buy now: the units in stock, or no limit."""
        return UNLIMITED if self.sells_without_limit else self.in_stock

    @property
    def on_backorder(self) -> bool:
        return self.track_stock and self.allow_backorder and self.in_stock == 0


class ProductImage(models.Model):
    product = models.ForeignKey(Product, related_name="images", on_delete=models.CASCADE)
    image = models.ImageField(upload_to="products/")
    alt_text = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text or self.image.name


class SearchWord(models.Model):
    """Every word of the catalog's names, categories and option values, once: what a typo
    is corrected to (pg_trgm similarity over this short list, not over every product)."""

    word = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.word
