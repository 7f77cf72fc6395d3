"""Shipping methods' names per language (see shop/catalog/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from orders.models import ShippingMethod


@register(ShippingMethod)
class ShippingMethodTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = None  # a blank translation is stored as NULL: "not written"
