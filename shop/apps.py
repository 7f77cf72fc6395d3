from django.apps import AppConfig


class ShopConfig(AppConfig):
    """The site itself: the demo's commands and the pages that belong to no one app."""

    name = "shop"
    verbose_name = "Shop"
