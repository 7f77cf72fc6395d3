from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand

from orders.models import ShippingMethod, TaxRate, Voucher
from shop.catalog import demo
from shop.content import demo as pages_demo
from shop.money import money

# name, description, price, free over
SHIPPING = [
    ("Standard", "Delivered in 3–5 working days", "5.00", "100.00"),
    ("Express", "Delivered the next working day", "15.00", None),
]
# Their German names, written where none is yet.
SHIPPING_DE = {
    "Standard": ("Standardversand", "Zustellung in 3–5 Werktagen"),
    "Express": ("Expressversand", "Zustellung am nächsten Werktag"),
}
TAXES = [("US", "US-CA", "Sales tax", "0.0725"), ("US", "US-NY", "Sales tax", "0.08875")]
# code, kind, value, uses in all, uses per customer (by email)
VOUCHERS = [("WELCOME10", "percentage", "10", None, 1)]


class Command(BaseCommand):
    help = "Load the demo catalog, shipping, taxes and a voucher. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--no-images", action="store_true", help="skip generating images")

    def handle(self, *args, no_images=False, **options):
        currency = settings.SHOP_CURRENCY
        created = demo.load(with_images=not no_images)
        created["shipping methods"] = created["tax rates"] = created["vouchers"] = 0
        for position, (name, description, price, free_over) in enumerate(SHIPPING):
            _, new = ShippingMethod.objects.get_or_create(
                name=name,
                defaults={
                    "description": description,
                    "position": position,
                    "price": money(price, currency),
                    "free_over": money(free_over, currency) if free_over else None,
                },
            )
            created["shipping methods"] += new
        for name, (german, description) in SHIPPING_DE.items():
            ShippingMethod.objects.filter(name_en=name, name_de__isnull=True).update(
                name_de=german, description_de=description
            )
        for country, region, name, rate in TAXES:
            _, new = TaxRate.objects.get_or_create(
                country=country, region=region, defaults={"name": name, "rate": Decimal(rate)}
            )
            created["tax rates"] += new
        for code, kind, value, limit, per_customer in VOUCHERS:
            voucher, new = Voucher.objects.get_or_create(
                code=code,
                defaults={
                    "kind": kind,
                    "value": Decimal(value),
                    "usage_limit": limit,
                    "per_customer_limit": per_customer,
                },
            )
            if not new and voucher.per_customer_limit is None:  # a demo loaded before the limit
                Voucher.objects.filter(pk=voucher.pk).update(per_customer_limit=per_customer)
            created["vouchers"] += new
        created["shop pages"] = pages_demo.load()
        made = [_count(count, what) for what, count in created.items() if count]
        if made:
            self.stdout.write(self.style.SUCCESS(f"Demo catalog loaded: {', '.join(made)}."))
        else:
            self.stdout.write("Demo catalog already loaded.")


SINGULAR = {
    "categories": "category",
    "products": "product",
    "variants": "variant",
    "images": "image",
    "shipping methods": "shipping method",
    "tax rates": "tax rate",
    "vouchers": "voucher",
    "shop pages": "shop page",
}


def _count(count: int, plural: str) -> str:
    return f"{count} {SINGULAR.get(plural, plural) if count == 1 else plural}"
