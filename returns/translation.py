"""Return reasons per language (see shop/catalog/translation.py): shoppers choose from them."""

from modeltranslation.translator import TranslationOptions, register

from returns.models import ReturnReason


@register(ReturnReason)
class ReturnReasonTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = None  # a blank translation is stored as NULL: "not written"
