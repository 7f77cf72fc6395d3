"""How many checkouts a minute the cluster can take (`make cluster` first): `make capacity`.

    python bench/capacity.py                         # 200, 300, 450, ... a minute, 2 minutes each
    python bench/capacity.py --start 300 --step-seconds 60 --factor 1.25

`make loadtest` asks for one rate and reports what it got; this ramps the rate instead. Each
step is a whole load test (bench/loadtest.py: buyers and browsers through nginx, the hot
products selling out, one web node and one worker killed with SIGKILL halfway and started
again, the queue drained, the invariants judged from the database and the emails written)
at one rate, for `--step-seconds`. A step is held when the rate measured is at least 90 % of
the rate asked, the worst p99 (the payment's own step aside, as in the load test) is under
`--p99-ms`, no request failed and nothing was lost (oversold, paid but not fulfilled, an
email missing or doubled). The ramp stops at the first step not held, and prints one line:

    max_checkouts_per_min=… p99_ms=… at_rate=… oversold=0 paid_not_fulfilled=0
    emails_missing=0 emails_doubled=0

(the figures of the highest step held, and the invariants summed over every step). It exits
non-zero when an invariant was broken in any step. The load generator (Locust) runs on the
same machine as the cluster: each step also prints the CPU seconds it took, the share of the
machine the shop did not get.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import loadtest  # noqa: E402  (bench/loadtest.py, which imports deploy/cluster.py)

cluster = loadtest.cluster
INVARIANTS = ("oversold", "paid_not_fulfilled", "emails_missing", "emails_doubled")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def step(rate: int, seconds: int, env: dict[str, str], kill: bool) -> dict:
    """One load test at `rate` checkouts a minute: its figures and what it cost Locust."""
    before = loadtest.prepare()
    step_env = {
        **env,
        "LOADTEST_HOT": ",".join(before["hot"]),
        "LOADTEST_PRODUCTS": ",".join(before["products"]),
    }
    events: list[str] = []
    if kill:
        threading.Thread(target=loadtest.chaos, args=(seconds / 2, events), daemon=True).start()
    cpu = _children_cpu()
    started = time.monotonic()
    stats = loadtest.run_locust(seconds, rate, step_env)
    locust_cpu = _children_cpu() - cpu
    wall = time.monotonic() - started
    for event in events:
        print("  " + event)
    loadtest.drain(before["started"])
    worst, errors = loadtest.latency(stats)
    result = loadtest.judge(before)
    result.update(
        rate=rate,
        p99_ms=round(worst),
        errors=errors,
        locust_cpu_share=locust_cpu / (wall * (os.cpu_count() or 1)),
    )
    result["held"] = (
        result["checkouts_per_min"] >= 0.9 * rate
        and worst < ARGS.p99_ms
        and errors == 0
        and not any(result[name] for name in INVARIANTS)
    )
    return result


def main() -> None:
    if not cluster.STATE.exists():
        raise SystemExit("The cluster is not running: make cluster")
    env = cluster.environment()
    loadtest._django(env)
    rate, best, totals = ARGS.start, None, dict.fromkeys(INVARIANTS, 0)
    while rate <= ARGS.max_rate:
        print(f"\n== {rate} checkouts a minute for {ARGS.step_seconds} s")
        result = step(rate, ARGS.step_seconds, env, kill=not ARGS.no_kill)
        for name in INVARIANTS:
            totals[name] += result[name]
        print(
            f"  got {result['checkouts_per_min']}/min, p99 {result['p99_ms']} ms, "
            f"{result['errors']} failed requests, "
            + ", ".join(f"{name}={result[name]}" for name in INVARIANTS)
            + f"; Locust took {result['locust_cpu_share']:.0%} of the machine's CPU"
            + (" -> held" if result["held"] else " -> not held")
        )
        if not result["held"]:
            break
        best = result
        rate = int(round(rate * ARGS.factor / 10) * 10)
    held = best or {"checkouts_per_min": 0, "p99_ms": 0, "rate": 0}
    print(
        f"max_checkouts_per_min={held['checkouts_per_min']} p99_ms={held['p99_ms']} "
        f"at_rate={held['rate']} " + " ".join(f"{name}={totals[name]}" for name in INVARIANTS)
    )
    sys.exit(1 if any(totals.values()) else 0)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=int, default=200, help="checkouts a minute, first step")
    parser.add_argument("--factor", type=float, default=1.5, help="each step's rate over the last")
    parser.add_argument("--max-rate", type=int, default=3000)
    parser.add_argument("--step-seconds", type=int, default=120)
    parser.add_argument("--p99-ms", type=float, default=500)
    parser.add_argument("--no-kill", action="store_true")
    return parser.parse_args()


if __name__ == "__main__":
    ARGS = _arguments()
    main()
