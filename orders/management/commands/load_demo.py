from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand

from orders.models import ShippingMethod, ShippingMethodPrice, TaxRate, Voucher
from shop.catalog import demo
from shop.content import demo as pages_demo
from shop.money import money

# name, description, price, free over, and in euros (the demo's Europe market): price, free over
SHIPPING = [
    ("Standard", "Delivered in 3–5 working days", "5.00", "100.00", "4.90", "90.00"),
    ("Express", "Delivered the next working day", "15.00", None, "13.90", None),
]
# VAT in the euro area's countries of the demo (prices there include it).
EURO_VAT = [
    ("AT", "20"), ("BE", "21"), ("DE", "19"), ("ES", "21"), ("FI", "25.5"), ("FR", "20"),
    ("IE", "23"), ("IT", "22"), ("NL", "21"), ("PT", "23"),
]  # fmt: skip

# Their German names, written where none is yet.
SHIPPING_DE = {
    "Standard": ("Standardversand", "Zustellung in 3–5 Werktagen"),
    "Express": ("Expressversand", "Zustellung am nächsten Werktag"),
}
TAXES = [("US", "US-CA", "Sales tax", "0.0725"), ("US", "US-NY", "Sales tax", "0.08875")]
# The taxes' German names: Austria says Umsatzsteuer (USt.), Germany Mehrwertsteuer (MwSt.).
TAXES_DE = {"Sales tax": "Umsatzsteuer", "VAT": "MwSt."}
TAXES_DE_BY_COUNTRY = {"AT": "USt."}
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
        europe = demo.load_europe()
        created.update(europe)
        for position, (name, description, price, free_over, eur, eur_free) in enumerate(SHIPPING):
            method, new = ShippingMethod.objects.get_or_create(
                name=name,
                defaults={
                    "description": description,
                    "position": position,
                    "price": money(price, currency),
                    "free_over": money(free_over, currency) if free_over else None,
                },
            )
            created["shipping methods"] += new
            if currency != "EUR":
                ShippingMethodPrice.objects.get_or_create(
                    method=method,
                    currency="EUR",
                    defaults={
                        "price": Decimal(eur),
                        "free_over": Decimal(eur_free) if eur_free else None,
                    },
                )
        for name, (german, description) in SHIPPING_DE.items():
            ShippingMethod.objects.filter(name_en=name, name_de__isnull=True).update(
                name_de=german, description_de=description
            )
        taxes = [*TAXES, *((c, "", "VAT", Decimal(r) / 100) for c, r in EURO_VAT)]
        for country, region, name, rate in taxes:
            _, new = TaxRate.objects.get_or_create(
                country=country, region=region, defaults={"name": name, "rate": Decimal(rate)}
            )
            created["tax rates"] += new
            # A demo loaded before tax names had languages called German VAT "MwSt." in English.
            TaxRate.objects.filter(country=country, region=region, name_en="MwSt.").update(
                name_en=name
            )
            german = TAXES_DE_BY_COUNTRY.get(country) or TAXES_DE.get(name)
            TaxRate.objects.filter(
                country=country, region=region, name_en=name, name_de__isnull=True
            ).update(name_de=german)
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
    "markets": "market",
    "euro prices": "euro price",
}


def _count(count: int, plural: str) -> str:
    return f"{count} {SINGULAR.get(plural, plural) if count == 1 else plural}"
