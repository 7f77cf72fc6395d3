from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from payments import events, gateway


class Command(BaseCommand):
    help = (
        "After an outage: fetch the events of the last N days from Stripe's Events API and "
        "apply each one we have not applied (the others are duplicates and change nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="how far back (Stripe keeps 30)")

    def handle(self, *args, days, **options):
        if not 1 <= days <= 30:
            raise CommandError("--days must be between 1 and 30 (Stripe keeps events 30 days).")
        try:
            results = events.fetch_and_apply_events(days=days)
        except gateway.StripeError as error:
            raise CommandError(f"Stripe could not be reached: {error}") from error
        total = sum(results.values())
        summary = ", ".join(f"{n} {result}" for result, n in sorted(results.items())) or "nothing"
        self.stdout.write(
            self.style.SUCCESS(
                ngettext("Fetched %(n)d event", "Fetched %(n)d events", total) % {"n": total}
                + f": {summary}."
            )
        )
