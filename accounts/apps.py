from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Customers"

    def ready(self):
        from allauth.core.internal import ratelimit
        from allauth.mfa.totp.internal import auth as totp

        from accounts import receivers  # noqa: F401
        from shop.ratelimits import allauth_cache

        # allauth counts its limits and remembers used two-factor codes in the default cache,
        # which Redis may take away; this one falls back to the database (shop/ratelimits.py),
        # so sign-in limits hold and a used code stays used through an outage.
        ratelimit.cache = allauth_cache
        totp.cache = allauth_cache
