from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GiftCardsConfig(AppConfig):
    name = "giftcards"
    verbose_name = _("Gift cards and store credit")
