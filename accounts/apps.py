from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Customers"

    def ready(self):
        from allauth.core.internal import ratelimit

        from accounts import receivers  # noqa: F401
        from shop.ratelimits import allauth_cache

        # allauth counts its limits in the default cache, which Redis may take away; this one
        # falls back to the database (shop/ratelimits.py), so sign-in limits always hold.
        ratelimit.cache = allauth_cache
