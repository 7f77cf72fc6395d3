from django.conf import settings
from django.core.management.base import BaseCommand

from orders.models import ShippingMethod
from shop.catalog import demo
from shop.money import money

SHIPPING = [
    ("Standard", "Delivered in 3–5 working days", "5.00"),
    ("Express", "Delivered the next working day", "15.00"),
]


class Command(BaseCommand):
    help = "Load the demo catalog and shipping methods. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--no-images", action="store_true", help="skip generating images")

    def handle(self, *args, no_images=False, **options):
        created = demo.load(with_images=not no_images)
        for position, (name, description, price) in enumerate(SHIPPING):
            _, new = ShippingMethod.objects.get_or_create(
                name=name,
                defaults={
                    "description": description,
                    "position": position,
                    "price": money(price, settings.SHOP_CURRENCY),
                },
            )
            created["shipping methods"] = created.get("shipping methods", 0) + new
        summary = ", ".join(f"{count} {what}" for what, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo catalog loaded: created {summary}."))
