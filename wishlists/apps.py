from django.apps import AppConfig


class WishlistsConfig(AppConfig):
    name = "wishlists"
    verbose_name = "Wishlists"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wishlists import receivers  # noqa: F401
