from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFit

from markets.models import validate_currency

# What `Variant.available` says of a variant that never runs out: more than anyone can buy.
UNLIMITED = 10**9
# The most of one variant a shopper can ask for at once: the product page's quantity and a
# cart line both stop here (the cart builds on the catalog, never the other way).
MAX_LINE_QUANTITY = 999


class Category(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    final_sale = models.BooleanField(
        _("final sale"),
        default=False,
        help_text=_("Its products cannot be returned (shoppers are told before they buy)."),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", kwargs={"slug": self.slug})


class OptionType(models.Model):
    """What a product's variants differ in (Size, Colour), shared by the products that use it.

    `code` is the key in a variant's `options`, in filter URLs and in CSV files."""

    BUTTONS, SWATCHES = "buttons", "swatches"

    name = models.CharField(max_length=60, help_text=_("As shoppers read it: Size, Colour."))
    code = models.SlugField(
        max_length=60, unique=True, help_text=_("In filter links and CSV files: size, colour.")
    )
    display = models.CharField(
        max_length=10,
        choices=[(BUTTONS, _("Buttons")), (SWATCHES, _("Colour swatches"))],
        default=BUTTONS,
        help_text=_("How the product page offers the choice."),
    )
    position = models.PositiveIntegerField(default=0, help_text=_("Lower comes first."))

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class OptionValue(models.Model):
    """One choice of an option type. `value` is its key (in filter links, CSV files, the API's
    filters and `Variant.options`) and never changes with the language; `label` is what
    shoppers read, per language (`label_en`, `label_de`: shop/catalog/translation.py), the
    value itself where none is written."""

    option_type = models.ForeignKey(OptionType, related_name="values", on_delete=models.CASCADE)
    value = models.CharField(
        max_length=60, help_text=_("Its key in filter links and CSV files: Forest, XL.")
    )
    label = models.CharField(
        _("label"),
        max_length=60,
        blank=True,
        help_text=_("As shoppers read it in each language; empty: the value."),
    )
    swatch = models.CharField(
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour such as #2f5d50."))],
        help_text=_("For colour swatches: the colour shown, such as #2f5d50."),
    )
    position = models.PositiveIntegerField(default=0, help_text=_("Lower comes first."))

    class Meta:
        ordering = ["option_type__position", "option_type_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["option_type", "value"],
                name="option_value_unique_per_type",
                violation_error_message=_("This option already has that value."),
            )
        ]

    def __str__(self) -> str:
        return self.shown

    @property
    def shown(self) -> str:
        """The label in the active language (English's where it has none), or the value."""
        return self.label or self.value

    def labels(self) -> dict[str, str]:
        """Its label in each of the shop's languages, falling back as pages do: the
        language's own, else the default language's, else the value."""
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        fallback = getattr(self, f"label_{default}", None) or self.value
        return {
            code: getattr(self, f"label_{code}", None) or fallback
            for code, _name in settings.LANGUAGES
        }


class ProductQuerySet(models.QuerySet):
    def published(self) -> ProductQuerySet:
        return self.filter(is_published=True)


class Product(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    category = models.ForeignKey(Category, related_name="products", on_delete=models.PROTECT)
    description = models.TextField(blank=True)
    is_published = models.BooleanField(
        default=True, help_text=_("Unpublished products are hidden from the shop (404).")
    )
    # A gift card: paying for it issues a card worth the line's unit price (giftcards/).
    # Gift cards cannot pay for it, and promotions do not discount it.
    is_gift_card = models.BooleanField(
        _("is a gift card"),
        default=False,
        help_text=_("Paying for it issues a gift card worth its price, emailed to the recipient."),
    )
    final_sale = models.BooleanField(
        _("final sale"),
        default=False,
        help_text=_("Cannot be returned (also when its category is a final sale)."),
    )
    option_types = models.ManyToManyField(
        OptionType,
        blank=True,
        related_name="products",
        verbose_name=_("options"),
        help_text=_(
            "What its variants differ in. Save, and each variant gets a choice per option."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What product cards, filters and search need, kept by catalog/services.refresh_listings
    # in the transaction of every change that affects them (variants, prices, stock, images,
    # names, categories): a listing is one indexed query, with no aggregate at request time.
    min_price = models.DecimalField(max_digits=14, decimal_places=3, null=True, editable=False)
    max_price = models.DecimalField(max_digits=14, decimal_places=3, null=True, editable=False)
    units_available = models.IntegerField(
        default=0, editable=False, help_text=_("Of its most available variant; 0: sold out.")
    )
    image = models.CharField(max_length=255, blank=True, editable=False)
    image_width = models.PositiveIntegerField(null=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, editable=False)
    image_alt = models.CharField(max_length=200, blank=True, editable=False)
    facet_values = models.JSONField(
        default=list, blank=True, editable=False, help_text='Option values, e.g. "colour:Sand".'
    )
    # For cards on a listing filtered by option values: the variants' SKUs and values in
    # their order, and each value's own first photo ({"variants": [[sku, {code: value}]],
    # "images": {"colour:Sand": [name, width, height]}}).
    option_cards = models.JSONField(default=dict, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    search_vector_de = SearchVectorField(null=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    # What shoppers' approved reviews add up to, written by the reviews app through
    # services.set_rating_summary in the transaction of each moderation decision (the catalog
    # knows no reviews): cards and the product page read them with no aggregate.
    rating_average = models.DecimalField(
        max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    rating_counts = models.JSONField(
        default=list, blank=True, editable=False, help_text="Approved reviews per star, 1 to 5."
    )

    # Each language's search document and PostgreSQL's text-search configuration (its
    # stemming: "Becher" finds Bechern, "mugs" finds Mug), written by listings.py and read
    # by search.py; a third language adds its column here (and its GIN index, migration).
    SEARCH_DOCUMENTS = {"en": ("search_vector", "english"), "de": ("search_vector_de", "german")}

    objects = ProductQuerySet.as_manager()

    # Columns only listings and search read: queries that join a product to a variant (the
    # cart, checkout) leave them behind.
    SEARCH_FIELDS = (
        "search_vector",
        "search_vector_de",
        "search_text",
        "facet_values",
        "description",
        "option_cards",
    )

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

    # A listing in a market annotates its own currency's lowest and highest price
    # (`list_min`, `list_max`, `list_currency`: catalog/selectors.py); without them, the
    # catalog's own columns in the shop's currency.
    @property
    def price_from(self):
        from shop.money import money

        low = getattr(self, "list_min", self.min_price)
        return None if low is None else money(low, getattr(self, "list_currency", None))

    @property
    def price_to(self):
        from shop.money import money

        high = getattr(self, "list_max", self.max_price)
        return None if high is None else money(high, getattr(self, "list_currency", None))

    @property
    def has_price_range(self) -> bool:
        low = getattr(self, "list_min", self.min_price)
        return low is not None and getattr(self, "list_max", self.max_price) != low

    @property
    def rating_shown(self) -> str:
        """The average as pages, cards and the JSON-LD show it: one decimal, halves up."""
        if self.rating_average is None:
            return ""
        from decimal import ROUND_HALF_UP, Decimal

        return f"{self.rating_average.quantize(Decimal('0.1'), ROUND_HALF_UP):f}"

    @property
    def rating_percent(self) -> int:
        """The average as a share of five stars, for the stars' width."""
        return round(self.rating_average * 20) if self.rating_average is not None else 0

    @property
    def rating_bars(self) -> list[tuple[int, int, int]]:
        """(stars, reviews, percent of all) from 5 stars down to 1, for the distribution."""
        counts = list(self.rating_counts or []) + [0] * 5
        total = self.rating_count or 0
        return [
            (stars, counts[stars - 1], round(100 * counts[stars - 1] / total) if total else 0)
            for stars in range(5, 0, -1)
        ]


class Variant(models.Model):
    """A thing that can be bought: one SKU, one price, one stock count.

    `stock_reserved` counts units held by unpaid orders. Only orders/allocation.py changes the
    two stock columns; the CHECK constraints make overselling impossible even for code that
    bypasses it.
    """

    product = models.ForeignKey(Product, related_name="variants", on_delete=models.CASCADE)
    sku = models.CharField("SKU", max_length=64, unique=True)
    # The variant's option values by option type code ({"size": "M", "colour": "Sand"}), in
    # the options' order: written by catalog/options.py from the VariantOption rows (the source
    # of truth), read by labels, filters and search without a join.
    options = models.JSONField(default=dict, blank=True, editable=False)
    # The same values as shoppers read them, per language where a label differs from the
    # values ({"de": "Waldgrün / M"}), written with `options` (catalog/options.py): what
    # `label` shows without a query, and what an order line freezes in its language.
    option_labels = models.JSONField(default=dict, blank=True, editable=False)
    price = MoneyField(
        max_digits=14,
        decimal_places=3,
        default_currency=settings.SHOP_CURRENCY,
        validators=[MinMoneyValidator(0)],
    )
    stock_on_hand = models.IntegerField(
        default=0, help_text=_("Units on the shelf. Below zero only for backorders (units owed).")
    )
    stock_reserved = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Held by orders awaiting payment.")
    )
    track_stock = models.BooleanField(
        default=True, help_text=_("Off for things that never run out (digital goods, services).")
    )
    allow_backorder = models.BooleanField(
        default=False, help_text=_("Keep selling when none are left; they ship when restocked.")
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
                violation_error_message=_("Stock on hand cannot be less than what is reserved."),
            ),
            models.CheckConstraint(
                condition=Q(allow_backorder=True) | Q(stock_on_hand__gte=0),
                name="variant_stock_not_negative",
                violation_error_message=_(
                    "Stock on hand cannot be negative unless backorders are allowed."
                ),
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
        """Its option values as shoppers read them in the active language ("Waldgrün / M"
        on a German page); the values themselves where no label is written."""
        if self.option_labels:
            from django.utils.translation import get_language

            language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
            default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
            shown = self.option_labels.get(language) or self.option_labels.get(default)
            if shown:
                return shown
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

    @property
    def stock_summary(self) -> str:
        """Where the merchant edits stock: why a shelf of 2 can show "Sold out" (from the
        columns alone: no query)."""
        if not self.track_stock:
            return gettext("Not tracked: always available")
        summary = gettext(
            "%(on_hand)d on hand, %(held)d held by orders awaiting payment, %(available)d available"
        ) % {
            "on_hand": self.stock_on_hand,
            "held": self.stock_reserved,
            "available": self.in_stock,
        }
        if self.allow_backorder and self.in_stock == 0:
            summary += " " + gettext("(still sold: backorders allowed)")
        return summary


class VariantOption(models.Model):
    """One value per option type per variant: the database refuses a second."""

    variant = models.ForeignKey(Variant, related_name="option_values", on_delete=models.CASCADE)
    option_type = models.ForeignKey(OptionType, on_delete=models.PROTECT)
    value = models.ForeignKey(OptionValue, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "option_type"], name="variant_one_value_per_option"
            )
        ]

    def __str__(self) -> str:
        return f"{self.option_type}: {self.value}"


# Rendition widths for srcset. Renditions are made once, when an image is saved (imagekit's
# Optimistic strategy, see catalog/images.py), in the media storage.
RENDITION_WIDTHS = (320, 640, 960)


def _rendition(width: int, image_format: str) -> ImageSpecField:
    # WebP's method 2 encodes three times faster than the default 4, for files a few per cent
    # larger: renditions are made while the merchant waits on the admin's Save.
    options = {"quality": 82, "method": 2} if image_format == "WEBP" else {"quality": 82}
    return ImageSpecField(
        source="image",
        processors=[ResizeToFit(width, width * 2, upscale=False)],
        format=image_format,
        options=options,
    )


class ProductImage(models.Model):
    product = models.ForeignKey(Product, related_name="images", on_delete=models.CASCADE)
    image = models.ImageField(upload_to="products/")
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt_text = models.CharField(
        max_length=200, blank=True, help_text=_("What the picture shows, for screen readers.")
    )
    option_value = models.ForeignKey(
        OptionValue,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("shown for"),
        help_text=_("Only with this option chosen (a colour's own photos); empty: always."),
    )
    position = models.PositiveIntegerField(default=0)

    webp_320 = _rendition(320, "WEBP")
    webp_640 = _rendition(640, "WEBP")
    webp_960 = _rendition(960, "WEBP")
    jpeg_320 = _rendition(320, "JPEG")
    jpeg_640 = _rendition(640, "JPEG")
    jpeg_960 = _rendition(960, "JPEG")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text or self.image.name

    def save(self, *args, **kwargs):
        """Its size is read once, when the file is new (not on every load, as ImageField's
        width_field would: a file missing from the storage must not break a page)."""
        if self.image and (self.width is None or not getattr(self.image, "_committed", True)):
            try:
                self.width, self.height = self.image.width, self.image.height
            except (OSError, ValueError, TypeError):
                self.width = self.height = None
        super().save(*args, **kwargs)


class SearchWord(models.Model):
    """Every word of the catalog's names, categories and option values, once: what a typo
    is corrected to (pg_trgm similarity over this short list, not over every product)."""

    word = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.word


class VariantPrice(models.Model):
    """A variant's price in another market's currency, set by the merchant (never converted
    when paying). `Variant.price` stays the price in the shop's own currency (the default
    market); a variant with no row here for a currency is not sold in that currency."""

    variant = models.ForeignKey(Variant, related_name="prices", on_delete=models.CASCADE)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    amount = models.DecimalField(
        _("price"), max_digits=14, decimal_places=3, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["currency"]
        verbose_name = _("price in another currency")
        verbose_name_plural = _("prices in other currencies")
        constraints = [
            models.UniqueConstraint(fields=["variant", "currency"], name="one_price_per_currency"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="variant_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.amount} {self.currency}"


class ProductPrice(models.Model):
    """A product's lowest and highest price in a currency other than the shop's, written by
    catalog/listings.py with the other listing columns: what listings filter and sort by in a
    market. A product without a row for a currency is not listed there."""

    product = models.ForeignKey(Product, related_name="market_prices", on_delete=models.CASCADE)
    currency = models.CharField(max_length=3)
    min_price = models.DecimalField(max_digits=14, decimal_places=3)
    max_price = models.DecimalField(max_digits=14, decimal_places=3)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "currency"], name="one_listing_price_per_currency"
            )
        ]
        indexes = [models.Index(fields=["currency", "min_price"])]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.min_price}–{self.max_price} {self.currency}"
