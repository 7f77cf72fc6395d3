"""CPU time of pricing a cart of 20 lines against 50 running promotions (the engine alone:
the rows are read in a fixed number of queries, tests/promotions/test_pricing.py).

    python bench/promotions.py [--lines 20] [--promotions 50] [--runs 300]

Prints the median and the 95th percentile in milliseconds of process CPU time, for USD and
JPY, with every kind of promotion in the mix (items, buy X get Y, order tiers, shipping).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from promotions import engine

KINDS = list(engine.CLASS_OF)


def cart(count: int, currency: str, rng: random.Random) -> list[engine.Line]:
    scale = Decimal(100) if currency == "JPY" else Decimal(1)
    return [
        engine.Line(
            id=i + 1,
            variant_id=i + 1,
            product_id=i // 2 + 1,
            category_id=i % 4 + 1,
            unit_price=(Decimal(rng.randint(300, 9000)) / 100 * scale).quantize(
                Decimal(1) if currency == "JPY" else Decimal("0.01")
            ),
            quantity=rng.randint(1, 4),
        )
        for i in range(count)
    ]


def rules(count: int, lines: int, currency: str, rng: random.Random) -> list[engine.Rule]:
    scale = Decimal(100) if currency == "JPY" else Decimal(1)
    found = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        found.append(
            engine.Rule(
                id=i + 1,
                name=f"Promotion {i + 1}",
                kind=kind,
                priority=rng.randint(0, 3),
                percent=Decimal(rng.choice([10, 15, 20, 50, 100])),
                amount=Decimal(2) * scale,
                targets=frozenset({("product", rng.randint(1, lines // 2))}),
                buy=frozenset({("category", rng.randint(1, 4))}),
                buy_quantity=2,
                get_quantity=1,
                tiers=(
                    engine.Tier(Decimal(50) * scale, percent=Decimal(10)),
                    engine.Tier(Decimal(100) * scale, percent=Decimal(15)),
                ),
                min_subtotal=Decimal(40) * scale if kind == engine.FREE_SHIPPING else None,
                combines_with_product=bool(i % 2),
                combines_with_order=bool(i % 3),
            )
        )
    return found


def measure(lines: int, promotions: int, runs: int, currency: str) -> tuple[float, float]:
    rng = random.Random(25)
    the_cart = cart(lines, currency, rng)
    the_rules = rules(promotions, lines, currency, rng)
    times = []
    for _run in range(runs):
        started = time.process_time()
        engine.apply(
            lines=the_cart,
            rules=the_rules,
            currency=currency,
            customer=engine.Customer(signed_in=True, first_order=True, email="a@example.com"),
            shipping_price=lambda goods: Decimal(5),
            shipping_method_id=1,
        )
        times.append((time.process_time() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--promotions", type=int, default=50)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    for currency in ("USD", "JPY"):
        median, p95 = measure(args.lines, args.promotions, args.runs, currency)
        print(
            f"{args.lines} lines x {args.promotions} promotions ({currency}): "
            f"median {median:.2f} ms CPU, p95 {p95:.2f} ms"
        )


if __name__ == "__main__":
    main()
