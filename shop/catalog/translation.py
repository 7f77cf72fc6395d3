"""The catalog's words a shopper reads, per language (django-modeltranslation: `name_en`,
`name_de`… columns beside `name`; reading `name` gives the active language's, or English
when it is empty)."""

import warnings

from modeltranslation.translator import TranslationOptions, register

from shop.catalog.models import Category, OptionType, OptionValue, Product

# modeltranslation copies Product's index on (is_published, category, name) per language and
# names the copies itself; it says so, at every start, for a name Django would shorten anyway.
warnings.filterwarnings("ignore", "Index name .* exceeds 30 characters", UserWarning)


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = None  # a blank translation is stored as NULL: "not written"


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = None  # a blank translation is stored as NULL: "not written"


@register(OptionType)
class OptionTypeTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = None  # a blank translation is stored as NULL: "not written"


@register(OptionValue)
class OptionValueTranslation(TranslationOptions):
    """A value's label ("Forest" reads "Waldgrün"); the value stays the key."""

    fields = ("label",)
    empty_values = None  # a blank translation is stored as NULL: "not written"
