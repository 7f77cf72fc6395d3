from django import template
from moneyed import Money

from shop.money import as_text
from shop.money import money as make_money

register = template.Library()


@register.filter
def thumbnail(name):
    """A product photo's file name (catalog.selectors.variant_photo) as its small rendition."""
    from shop.catalog.images import thumbnail_url

    return thumbnail_url(name)


@register.filter
def card_picture(product):
    """The picture a product card shows: the one its chosen option picked (presenters), else
    its first photo's renditions (catalog.images)."""
    from shop.catalog.images import product_card_picture

    return getattr(product, "chosen_picture", None) or product_card_picture(product)


@register.filter
def money(value, currency=None):
    """Format Money (or a bare amount: in `currency` if given, an order's say, else in the
    shop's currency) with its symbol and minor unit."""
    if currency and value not in (None, "") and not isinstance(value, Money):
        value = make_money(value, str(currency))
    return as_text(value)
