"""The shop's pages per language (see shop/catalog/translation.py): a page without German
shows its English."""

from modeltranslation.translator import TranslationOptions, register

from shop.content.models import Page


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "body")
    empty_values = None  # a blank translation is stored as NULL: "not written", so English
