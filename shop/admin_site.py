"""The admin as a merchant reads it: their day's work first, the machinery last.

Django lists models by app ("Accounts", "MFA", "Background work"…), which puts Groups and
Stripe events beside Products and Orders. The index and the sidebar show sections instead;
every model an app registers stays reachable (those no section names go under "System"),
and an app's own page (/admin/<app>/) is Django's, unchanged.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

# (section, [(app_label, ModelName)]) in the order a merchant's day goes.
SECTIONS = [
    (_("Orders"), [("orders", "Order"), ("returns", "ReturnRequest"), ("payments", "Refund"),
                   ("returns", "ReturnReason")]),
    (_("Stock and products"), [("catalog", "Variant"), ("catalog", "Product"),
                               ("catalog", "Category"), ("catalog", "OptionType")]),
    (_("Discounts"), [("promotions", "Promotion"), ("orders", "Voucher")]),
    (_("Gift cards and store credit"), [("giftcards", "GiftCard"),
                                        ("giftcards", "StoreCreditAccount"),
                                        ("giftcards", "LedgerEntry")]),
    (_("Customers"), [("accounts", "User"), ("reviews", "Review"), ("wishlists", "Wishlist")]),
    (_("Bringing shoppers back"), [("reminders", "StockAlert"), ("reminders", "CartContact"),
                                   ("reminders", "CartReminder"), ("reminders", "CartRecovery"),
                                   ("reminders", "EmailPreference"),
                                   ("reminders", "StockAlertBatch")]),
    (_("Shipping and taxes"), [("orders", "ShippingMethod"), ("orders", "TaxRate")]),
    (_("Markets and currencies"), [("markets", "Market")]),
    (_("Shop pages"), [("content", "Page")]),
]  # fmt: skip
SYSTEM = _("System")


class ShopAdminSite(admin.AdminSite):
    def get_urls(self):
        """The merchant's dashboard (orders/dashboard.py) is one of the admin's own pages:
        /admin/dashboard/, named "admin:dashboard", behind the admin's sign-in."""
        from giftcards.selectors import liability_figure
        from orders.dashboard import add_figure, dashboard  # the models are loaded by now
        from reminders.selectors import recovered_revenue_figure

        add_figure(recovered_revenue_figure)  # a figure orders cannot import, wired here
        add_figure(liability_figure)
        return [
            path("dashboard/", self.admin_view(dashboard), name="dashboard"),
            *super().get_urls(),
        ]

    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        by_key = {
            (app["app_label"], model["object_name"]): model
            for app in super().get_app_list(request)
            for model in app["models"]
        }
        sections = []
        for name, keys in SECTIONS:
            models = [by_key.pop(key) for key in keys if key in by_key]
            if name == SECTIONS[0][0] and models and models[0]["object_name"] == "Order":
                models.insert(0, _orders_to_ship(models[0]))
            for model in models:
                if model["object_name"] == "Variant":
                    model["name"] = _("Stock (variants)")
            if models:
                sections.append(_section(name, models))
        if by_key:
            system = sorted(by_key.values(), key=lambda m: str(m["name"]).lower())
            sections.append(_section(SYSTEM, system))
        return sections


def _section(name, models) -> dict:
    return {
        "name": name,
        "app_label": str(name).lower().replace(" ", "-"),
        # A model's list (not a filtered one): the sidebar marks the section holding the page.
        "app_url": next((m["admin_url"] for m in models if "?" not in m["admin_url"]), ""),
        "has_module_perms": True,
        "models": models,
    }


def _orders_to_ship(orders: dict) -> dict:
    return {
        **orders,
        "name": _("Orders to ship"),
        "object_name": "OrdersToShip",
        "admin_url": reverse("admin:orders_order_changelist") + "?status__exact=paid",
        "add_url": None,
    }


class ShopAdminConfig(AdminConfig):
    default_site = "shop.admin_site.ShopAdminSite"
