"""Run localstripe, the offline Stripe emulator, for the demo and the tests.

    python -m payments.emulator --port 8420 --data-file var/localstripe.pickle \
        --webhook-url http://127.0.0.1:8000/payments/stripe/webhook/ --webhook-secret whsec_...

Unlike `localstripe` itself this listens on 127.0.0.1 only, keeps its data in the file we
name (or in memory only), and registers our webhook endpoint before it serves, so webhooks
arrive signed from the first payment on. Never imported by the running shop.
"""

from __future__ import annotations

import argparse
import logging
import pickle
import socket
import sys
from pathlib import Path


def _use_data_file(store_class, path: Path | None) -> None:
    def load(self):
        if path is None or not path.exists():
            return
        with path.open("rb") as f:
            old = pickle.load(f)  # noqa: S301 - our own file, written by this process
        self.clear()
        self.update(old)

    def dump(self):
        if path is None:
            return
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as f:
            pickle.dump(dict(self), f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)

    store_class.try_load_from_disk = load
    store_class.dump_to_disk = dump


def _allow_retry_after_decline(payment_intent_class) -> None:
    """Stripe lets a shopper try another card on the same PaymentIntent after a decline;
    localstripe keeps the failed charge and refuses the new confirmation. Attaching a new
    payment method forgets the failed charge, as Stripe does."""
    original = payment_intent_class._update

    def _update(self, **data):
        original(self, **data)
        charge = getattr(self, "latest_charge", None)
        if "payment_method" in data and charge is not None and charge.status == "failed":
            self.latest_charge = None

    payment_intent_class._update = _update


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument(
        "--data-file",
        type=Path,
        default=None,
        help="where to keep the emulator's objects (default: memory only)",
    )
    parser.add_argument("--webhook-url", action="append", default=[])
    parser.add_argument("--webhook-secret", default="whsec_emulator")
    parser.add_argument(
        "--quiet", action="store_true", help="log nothing but errors (the demo's console)"
    )
    args = parser.parse_args(argv)

    from aiohttp import web
    from localstripe import resources, server, webhooks

    _use_data_file(resources.Store, args.data_file)
    _allow_retry_after_decline(resources.PaymentIntent)
    if args.data_file is not None:
        args.data_file.parent.mkdir(parents=True, exist_ok=True)
        resources.store.try_load_from_disk()
    # Like the endpoint the README has merchants add in Stripe's dashboard: only the events
    # the shop handles (Stripe, and localstripe, would otherwise post every event there is).
    from payments.event_shapes import SUBSCRIBED_EVENTS

    for index, url in enumerate(args.webhook_url):
        webhooks.register_webhook(f"shop{index}", url, args.webhook_secret, list(SUBSCRIBED_EVENTS))

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    if args.quiet:
        logging.basicConfig(level=logging.ERROR, force=True)
        web.run_app(server.app, sock=sock, access_log=None, print=None)
        return
    access = logging.getLogger("aiohttp.access")
    access.setLevel(logging.INFO)
    access.addHandler(logging.StreamHandler(sys.stderr))
    print(f"Stripe emulator listening on http://{args.host}:{args.port}", flush=True)
    web.run_app(server.app, sock=sock, access_log=access, print=None)


if __name__ == "__main__":
    main()
