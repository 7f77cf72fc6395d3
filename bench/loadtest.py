"""Checkouts under load on the cluster (`make cluster` first): `make loadtest`.

    python bench/loadtest.py                       # 5 minutes, 200 checkouts a minute
    python bench/loadtest.py --seconds 60 --rate 60

Locust (bench/locustfile.py) sends browsers and guest buyers to nginx; a few hot products
have little stock, so they sell out during the run (the others have plenty). Halfway
through, one web node and one worker are killed (SIGKILL) and started again. When Locust
stops, the queue is given time to drain, then the run is judged from the database and the
emails actually written, not from Locust's counters alone: the invariants over every order,
the rate from one pace (18 s, when every buyer has started) after the first order to the
last. It prints each step's p50/p95/p99 and errors, then one line:

    checkouts_per_min=… p99_ms=… errors=… oversold=… paid_not_fulfilled=… emails_missing=…
    emails_doubled=… giftcard_overspent=…

and exits non-zero when an invariant is broken (oversold, unfulfilled, missing or doubled, a
gift card giving more than it held or its ledger not adding up). Some buyers (GIFT_SHARE) pay
with one of a few shared gift cards, so many checkouts race for each balance.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "deploy"))

import cluster  # noqa: E402  (deploy/cluster.py)

PACE = 18.0  # seconds between one buyer's checkouts
HOT_STOCK = 6  # units per variant of each hot product
PLENTY = 100_000  # units per variant of every other product: only the hot ones run out
GIFT_CARDS = 3  # cards every gift-card buyer shares: many checkouts race for each balance
GIFT_CARD_VALUE = 150  # in the shop's currency: spent within the run


def _django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "shop.settings"
    import django

    django.setup()


def prepare() -> dict:
    """Hot products with little stock, the others with plenty (a shop ready for a rush: only
    the hot ones sell out); what was on the shelves and sold before the run."""
    from django.db import transaction
    from django.db.models import F

    from shop.catalog.listings import refresh_stock
    from shop.catalog.models import Product, Variant

    products = list(Product.objects.filter(is_published=True, units_available__gt=0).order_by("pk"))
    hot = products[:3]
    with transaction.atomic():
        for product in hot:
            Variant.objects.filter(product=product, track_stock=True).update(
                stock_on_hand=F("stock_reserved") + HOT_STOCK
            )
        Variant.objects.filter(track_stock=True).exclude(product__in=hot).update(
            stock_on_hand=F("stock_reserved") + PLENTY
        )
        refresh_stock(product_ids=[p.pk for p in products])
    from django.core.cache import cache

    cache.clear()
    stock = {
        v.pk: (v.stock_on_hand, v.stock_reserved, v.track_stock and not v.allow_backorder)
        for v in Variant.objects.all()
    }
    from django.utils import timezone

    return {
        "gift_cards": _gift_cards(),
        "hot": [p.slug for p in hot],
        "products": [p.slug for p in products],
        "stock": stock,
        "started": timezone.now(),
    }


def _gift_cards() -> dict[str, int]:
    """A few cards with codes the buyers know (a real card's code is only ever emailed):
    code -> card id."""
    import secrets
    from decimal import Decimal

    from django.conf import settings

    from giftcards import codes
    from giftcards import services as giftcards
    from giftcards.models import GiftCard

    made = {}
    for _n in range(GIFT_CARDS):
        issued = giftcards.issue_card(
            amount=Decimal(GIFT_CARD_VALUE), currency=settings.SHOP_CURRENCY, actor="loadtest"
        )
        code = "".join(secrets.choice(codes.ALPHABET) for _ in range(codes.LENGTH))
        GiftCard.objects.filter(pk=issued.card.pk).update(
            code_hash=codes.code_hash(code), last4=code[-4:]
        )
        made[code] = issued.card.pk
    return made


def giftcard_overspent(card_ids) -> int:
    """Cards of the run that gave more than they held, or whose balance is not their ledger's
    sum, or orders whose gift card part is not what the ledger took for them: each counts."""
    from decimal import Decimal

    from django.db.models import Sum

    from giftcards.models import GiftCard, LedgerEntry
    from orders.models import Order

    broken = 0
    for card in GiftCard.objects.filter(pk__in=card_ids):
        entries = LedgerEntry.objects.filter(gift_card=card)
        total = entries.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        taken = -(
            entries.filter(kind__in=["capture", "release", "refund"]).aggregate(s=Sum("amount"))[
                "s"
            ]
            or Decimal(0)
        )
        broken += card.balance < 0 or total != card.balance or taken > card.initial_balance
    orders = Order.objects.filter(
        pk__in=LedgerEntry.objects.filter(gift_card_id__in=card_ids).values("order_id")
    )
    for order in orders:
        taken = -(
            LedgerEntry.objects.filter(order_id=order.pk).aggregate(s=Sum("amount"))["s"]
            or Decimal(0)
        )
        expected = (
            Decimal(0) if order.status in ("expired", "cancelled") else order.prepaid_total.amount
        )
        broken += taken != expected
    return int(broken)


def chaos(at: float, log: list) -> None:
    time.sleep(at)
    for name in ("web2", "worker1"):
        cluster.kill(name)
        log.append(f"{time.strftime('%H:%M:%S')} killed {name} (SIGKILL)")
    time.sleep(5)
    for name in ("web2", "worker1"):
        cluster.revive(name)
        log.append(f"{time.strftime('%H:%M:%S')} {name} started again")


def run_locust(seconds: int, rate: int, env: dict[str, str]) -> Path:
    pace, hot_share = PACE, 0.15
    # Each buyer starts a checkout every `pace` seconds (one buying a sold-out hot product
    # buys another instead): `rate` checkouts a minute, as long as a checkout takes less.
    buyers = max(1, math.ceil(rate * pace / 60))
    browsers = max(1, buyers // 3)
    prefix = cluster.RUN / "locust"
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
        # Users start evenly over one pace, so that checkouts are spread over time instead
        # of arriving in waves every `pace` seconds.
        "--headless", "-u", str(buyers + browsers), "-r", f"{(buyers + browsers) / pace:.2f}",
        "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{cluster.LB}",
        "--csv", str(prefix), "--only-summary", "--stop-timeout", "15", "--loglevel", "WARNING",
    ]  # fmt: skip
    locust_env = {
        **env,
        "LOADTEST_PACE": str(pace),
        "LOADTEST_HOT_SHARE": str(hot_share),
        "LOADTEST_BUYERS_WEIGHT": str(buyers),
        "LOADTEST_BROWSERS_WEIGHT": str(browsers),
    }
    subprocess.run(command, env=locust_env, cwd=ROOT, check=False)
    return Path(f"{prefix}_stats.csv")


def _emails_sent(timeout: float) -> None:
    """Until no email that is due waits to be sent (or the time is up)."""
    from django.utils import timezone

    from worker.models import OutboxEmail

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        due = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exclude(
            send_after__gt=timezone.now()
        )
        if not due.exists():
            return
        time.sleep(2)


def drain(started) -> None:
    """Let the workers send what they owe; then do at once what beat's tasks would do within
    minutes: the reconciliation (ask Stripe about payments still pending, for a webhook lost
    with a killed node) and the sweep (send what a killed worker's task left owed)."""
    from orders.models import Order
    from payments import services as payment_services

    _emails_sent(timeout=90)
    for order in Order.objects.filter(status=Order.Status.PENDING_PAYMENT, created_at__gte=started):
        for payment in order.payments.all():
            payment_services.sync_payment_intent(payment=payment, source="loadtest")
    _emails_sent(timeout=30)
    # An email whose task died with the killed worker waits for the sweep, which queues it
    # again once it is 5 minutes overdue: do that now (sending is safe to repeat).
    from django.utils import timezone

    from worker import emails
    from worker.models import OutboxEmail

    for email in OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exclude(
        send_after__gt=timezone.now()
    ):
        emails.send_once(outbox_id=email.pk)


def judge(before: dict) -> dict:
    """The invariants over every order of the run; the rate from one pace after the first
    order (buyers start one after the other over the first pace, so the rate is only there
    once they all have) to the last."""
    from django.db.models import Max, Min, Sum

    from orders.models import Order, OrderLine, Reservation
    from shop.catalog.models import Variant
    from worker.models import OutboxEmail

    paid_statuses = [
        Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED,
        Order.Status.PARTIALLY_REFUNDED,
    ]  # fmt: skip
    paid = Order.objects.filter(status__in=paid_statuses, created_at__gte=before["started"])
    sold = dict(
        OrderLine.objects.filter(order__in=paid)
        .values_list("variant_id")
        .annotate(units=Sum("quantity"))
        .values_list("variant_id", "units")
    )
    oversold = 0
    for variant in Variant.objects.filter(pk__in=sold):
        on_hand, reserved, limited = before["stock"].get(variant.pk, (0, 0, False))
        if limited:
            oversold += max(0, sold[variant.pk] - (on_hand - reserved))
            oversold += max(0, -variant.stock_on_hand)
    unfulfilled = (
        Reservation.objects.filter(order__in=paid, state=Reservation.State.ACTIVE)
        .values("order")
        .distinct()
        .count()
    )
    confirmed = set(
        OutboxEmail.objects.filter(
            order__in=paid, kind="order_confirmation", status=OutboxEmail.Status.SENT
        ).values_list("order_id", flat=True)
    )
    missing = paid.exclude(pk__in=confirmed).count()
    written = Counter()
    mail_dir = cluster.RUN / "mail"
    for path in mail_dir.glob("*.log") if mail_dir.exists() else []:
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("X-Shop-Email-Id:"):
                written[line.split(":", 1)[1].strip()] += 1
    doubled = sum(count - 1 for count in written.values() if count > 1)
    placed = paid.aggregate(first=Min("created_at"), last=Max("created_at"))
    rate = 0.0
    if placed["first"] is not None:
        start, end = placed["first"] + timedelta(seconds=PACE), placed["last"]
        steady = paid.filter(created_at__gte=start, created_at__lte=end).count()
        rate = steady / max((end - start).total_seconds() / 60, 1 / 60)
    return {
        "checkouts_per_min": round(rate, 1),
        "paid": paid.count(),
        "oversold": oversold,
        "paid_not_fulfilled": unfulfilled,
        "emails_missing": missing,
        "emails_doubled": doubled,
    }


def latency(stats: Path) -> tuple[float, int]:
    """Print each step's percentiles; the worst p99 outside the payment, and all failures."""
    worst, errors = 0.0, 0
    print(f"{'step':22} {'requests':>8} {'fails':>6} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    with stats.open() as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated":
                errors = int(row["Failure Count"])
                continue
            p50, p95, p99 = row["50%"], row["95%"], row["99%"]
            print(f"{row['Name']:22} {row['Request Count']:>8} {row['Failure Count']:>6} "
                  f"{p50:>6} {p95:>6} {p99:>6}")  # fmt: skip
            if row["Name"] != "pay (Stripe)" and p99 not in ("", "N/A"):
                worst = max(worst, float(p99))
    return worst, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--rate", type=int, default=200, help="checkouts a minute")
    parser.add_argument("--no-kill", action="store_true")
    args = parser.parse_args()
    if not cluster.STATE.exists():
        raise SystemExit("The cluster is not running: make cluster")
    env = cluster.environment()
    _django(env)
    before = prepare()
    env = {
        **env,
        "LOADTEST_HOT": ",".join(before["hot"]),
        "LOADTEST_PRODUCTS": ",".join(before["products"]),
        "LOADTEST_GIFT_CARDS": ",".join(before["gift_cards"]),
    }
    events: list[str] = []
    if not args.no_kill:
        threading.Thread(target=chaos, args=(args.seconds / 2, events), daemon=True).start()
    stats = run_locust(args.seconds, args.rate, env)
    for event in events:
        print(event)
    drain(before["started"])
    worst, errors = latency(stats)
    result = judge(before)
    result["giftcard_overspent"] = giftcard_overspent(before["gift_cards"].values())
    print(f"orders paid: {result['paid']} (the rate from those placed after the ramp-up)")
    print(
        f"checkouts_per_min={result['checkouts_per_min']} p99_ms={worst:.0f} errors={errors} "
        f"oversold={result['oversold']} paid_not_fulfilled={result['paid_not_fulfilled']} "
        f"emails_missing={result['emails_missing']} emails_doubled={result['emails_doubled']} "
        f"giftcard_overspent={result['giftcard_overspent']}"
    )
    broken = (
        result["giftcard_overspent"]
        or result["oversold"]
        or result["paid_not_fulfilled"]
        or result["emails_missing"]
        or result["emails_doubled"]
    )
    sys.exit(1 if broken else 0)


if __name__ == "__main__":
    main()
