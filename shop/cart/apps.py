from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "shop.cart"
    label = "cart"
    verbose_name = "Carts"

    def ready(self):
        from shop.cart import receivers  # noqa: F401
