from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import ngettext

from payments import events as event_store
from payments.models import StripeEvent


class Command(BaseCommand):
    help = (
        "Apply stored Stripe events again (every handler is idempotent). By default the events "
        "that failed or were never applied; name event ids, or use --all with --days."
    )

    def add_arguments(self, parser):
        parser.add_argument("event_ids", nargs="*", help="Stripe event ids (evt_…)")
        parser.add_argument(
            "--all", dest="every", action="store_true", help="every stored event, applied or not"
        )
        parser.add_argument(
            "--days", type=int, default=None, help="only events received in the last N days"
        )

    def handle(self, *args, event_ids, every, days, **options):
        events = StripeEvent.objects.all()
        if event_ids:
            events = events.filter(stripe_id__in=event_ids)
            missing = set(event_ids) - set(events.values_list("stripe_id", flat=True))
            if missing:
                raise CommandError(f"No stored event with id {', '.join(sorted(missing))}.")
        elif not every:
            events = events.filter(processed_at=None)
        if days is not None:
            if days < 1:
                raise CommandError("--days must be at least 1.")
            events = events.filter(received_at__gte=timezone.now() - timedelta(days=days))
        count = events.count()
        results = event_store.replay_stored_events(events=events)
        summary = ", ".join(f"{n} {result}" for result, n in sorted(results.items())) or "nothing"
        self.stdout.write(
            self.style.SUCCESS(
                ngettext("Replayed %(n)d event", "Replayed %(n)d events", count) % {"n": count}
                + f": {summary}."
            )
        )
