from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from payments import emulator


class Command(BaseCommand):
    help = (
        "Run the local Stripe emulator (localstripe) where STRIPE_API_BASE points, with "
        "webhooks signed with STRIPE_WEBHOOK_SECRET sent to the shop."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--shop-url",
            default="http://127.0.0.1:8000",
            help="where the shop serves (webhooks go to its endpoint)",
        )
        parser.add_argument(
            "--data-file", default=str(settings.BASE_DIR / "var" / "localstripe.pickle")
        )

    def handle(self, *args, shop_url, data_file, **options):
        if not settings.STRIPE_EMULATED:
            raise CommandError("STRIPE_API_BASE does not point at a local emulator.")
        base = urlparse(settings.STRIPE_API_BASE)
        emulator.main(
            [
                "--host",
                base.hostname,
                "--port",
                str(base.port or 80),
                "--data-file",
                data_file,
                "--webhook-url",
                f"{shop_url.rstrip('/')}/payments/stripe/webhook/",
                "--webhook-secret",
                settings.STRIPE_WEBHOOK_SECRET,
            ]
        )
