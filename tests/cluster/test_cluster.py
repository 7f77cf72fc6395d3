"""The shop on many machines, on this one, under load: `make cluster` and a short
`make loadtest` (40 seconds, 60 checkouts a minute, one web node and one worker killed
halfway), judged from the database and the emails written."""

import csv
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, _missing

pytestmark = pytest.mark.cluster


def _postgres_and_redis() -> None:
    import os

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        _missing("PostgreSQL (set DATABASE_URL=postgres://...)")
    if not os.environ.get("REDIS_URL"):
        _missing("Redis (set REDIS_URL=redis://...)")


def test_checkouts_through_two_nodes_and_a_kill_keep_every_invariant():
    _postgres_and_redis()
    cluster = [sys.executable, str(ROOT / "deploy" / "cluster.py")]
    try:
        # Without the demo's photos (drawing 125 of them is half a minute of CPU taken from
        # the rest of the suite): the pages show their placeholders, the flows are the same.
        subprocess.run([*cluster, "start", "--no-photos"], cwd=ROOT, check=True, timeout=600)
        run = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "loadtest.py"), "--seconds", "40",
             "--rate", "60"],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    finally:
        subprocess.run([*cluster, "stop"], cwd=ROOT, check=False, timeout=120)
    print(run.stdout[-4000:], run.stderr[-2000:])
    final = re.search(r"^checkouts_per_min=.*$", run.stdout, re.M)
    assert final, run.stdout[-2000:] + run.stderr[-2000:]
    figures = dict(pair.split("=") for pair in final.group(0).split())
    assert "killed web2" in run.stdout and "web2 started again" in run.stdout
    assert figures["oversold"] == "0"
    assert figures["paid_not_fulfilled"] == "0"
    assert figures["emails_missing"] == "0"
    assert figures["emails_doubled"] == "0"
    assert figures["giftcard_overspent"] == "0"
    # The only failures allowed come from requests in flight on the node when it was killed,
    # at most one per worker of that node: a POST that is not safe to resend (adding to a
    # cart), or an answer the node had begun to send (nginx has passed its headers on, so it
    # cannot resend it elsewhere: the shopper's browser shows a cut page and reloads). nginx
    # resends every other request to the surviving node.
    with (ROOT / "var" / "cluster" / "locust_failures.csv").open() as f:
        failures = list(csv.DictReader(f))
    assert all(
        (row["Method"], row["Name"], row["Error"])
        == ("POST", "add to cart", "LocustBadStatusCode(code=502)")
        or (row["Method"] == "GET" and "Incomplete response" in row["Error"])
        for row in failures
    ), failures
    assert int(figures["errors"]) == sum(int(row["Occurrences"]) for row in failures) <= 3
    assert float(figures["checkouts_per_min"]) >= 30  # most buyers got through the kill
    assert run.returncode == 0
