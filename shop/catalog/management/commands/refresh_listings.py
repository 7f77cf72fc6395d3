from django.core.management.base import BaseCommand

from shop.catalog.listings import refresh_all


class Command(BaseCommand):
    help = "Rewrite every product's listing columns and search document (after bulk changes)."

    def handle(self, *args, **options):
        count = refresh_all()
        self.stdout.write(f"Refreshed {count} product{'s' if count != 1 else ''}.")
