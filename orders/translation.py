"""Shipping methods' and tax rates' names per language (see shop/catalog/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from orders.models import ShippingMethod, TaxRate


@register(ShippingMethod)
class ShippingMethodTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = None  # a blank translation is stored as NULL: "not written"


@register(TaxRate)
class TaxRateTranslation(TranslationOptions):
    """ "VAT" is "MwSt." on a German page: the order keeps the name in its language when placed."""

    fields = ("name",)
    empty_values = None  # a blank translation is stored as NULL: "not written"
