"""`make run`: the embedded shop, ready in seconds, with a console a newcomer can read.

Migrates and loads the demo catalog quietly, starts the Stripe emulator, prints one block that
says where everything is, then serves with Django's development server (reloading on code
changes), one line per page request, while the product photos are drawn (the first time).
Ctrl-C stops it all and exits cleanly.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.commands.runserver import Command as RunserverCommand

logger = logging.getLogger(__name__)

PERIOD_SECONDS = 60


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


class Command(RunserverCommand):
    help = "Serve the demo shop: migrate, load the catalog, start the Stripe emulator, serve."

    def handle(self, *args, **options):
        if os.environ.get("RUN_MAIN") == "true":
            # The reloader's child: the parent has prepared everything and printed the block.
            self._start_periodic_tasks()
            options["skip_checks"] = True
            return super().handle(*args, **options)
        emulator = self._start_emulator()  # it starts while the database is prepared
        try:
            if self._migrations_pending():  # a second start skips migrate's own work
                call_command("migrate", interactive=False, verbosity=0)
            call_command("load_demo", verbosity=1, no_images=True)
            self._wait_for_emulator(emulator)
            addrport = options.get("addrport") or "127.0.0.1:8000"
            self._print_welcome(addrport)
            self._draw_photos_meanwhile(addrport)
            super().handle(*args, **options)
        finally:
            if emulator is not None:
                emulator.terminate()
                emulator.wait(timeout=10)

    def _migrations_pending(self) -> bool:
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))

    def on_bind(self, server_port):
        """Django prints a banner here; the welcome block has said it all."""

    def _draw_photos_meanwhile(self, addrport: str) -> None:
        """The shop serves at once; the product photos not drawn yet (all of them the first
        time: about half a minute) are drawn meanwhile, in this process, which outlives the
        server's reloads, once the server listens (not to slow its start). Each product
        shows a placeholder until its own photos are saved."""
        from django.db import connection

        from shop.catalog import demo

        if not demo.photos_missing():
            return
        self.stdout.write("  Drawing the product photos: they appear as they are ready.\n\n")

        host, _colon, port = addrport.rpartition(":")
        host = (host or "127.0.0.1").strip("[]")
        host = "127.0.0.1" if host in ("0", "0.0.0.0") else host  # noqa: S104

        def draw():
            deadline = time.monotonic() + 60
            while not _port_open(host, int(port)) and time.monotonic() < deadline:
                time.sleep(0.2)
            try:
                made = demo.draw_images()
                self.stdout.write(f"  The demo's {made} product photos are ready.")
            except Exception:
                logger.exception("Drawing the demo's product photos failed")
            finally:
                connection.close()

        threading.Thread(target=draw, name="demo-photos", daemon=True).start()

    def _start_emulator(self) -> subprocess.Popen | None:
        if not settings.STRIPE_EMULATED:
            return None
        base = urlparse(settings.STRIPE_API_BASE)
        host, port = base.hostname or "127.0.0.1", base.port or 80
        if _port_open(host, port):
            raise CommandError(
                f"Port {port} is taken, so the Stripe emulator cannot start (is another "
                "`make run` going?). Give this one another port: "
                f"STRIPE_API_BASE=http://127.0.0.1:{port + 1} make run PORT=…"
            )
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "payments.emulator",
                "--quiet",
                "--host",
                host,
                "--port",
                str(port),
                "--data-file",
                str(settings.BASE_DIR / "var" / "localstripe.pickle"),
                "--webhook-url",
                f"{settings.SHOP_URL}/payments/stripe/webhook/",
                "--webhook-secret",
                settings.STRIPE_WEBHOOK_SECRET,
            ],
            cwd=settings.BASE_DIR,
            start_new_session=True,  # Ctrl-C reaches us, and we stop it in order
        )
        return process

    def _wait_for_emulator(self, process: subprocess.Popen | None) -> None:
        if process is None:
            return
        base = urlparse(settings.STRIPE_API_BASE)
        host, port = base.hostname or "127.0.0.1", base.port or 80
        deadline = time.monotonic() + 20
        while not _port_open(host, port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise CommandError("The Stripe emulator did not start; see the lines above.")
            time.sleep(0.05)

    def _print_welcome(self, addrport: str) -> None:
        url = settings.SHOP_URL
        admin = f"{url}/{settings.ADMIN_URL}"
        emails = (
            f"{url}/dev/emails/   (the demo's mailbox: nothing leaves this machine)"
            if settings.EMAIL_BACKEND == "shop.dev_emails.DevEmailBackend"
            else f"sent with {settings.EMAIL_BACKEND}"
        )
        lines = [
            "",
            f"  {settings.SHOP_NAME} is running: the demo, on SQLite with an emulated Stripe.",
            "",
            f"  Shop       {url}/",
            f"  Admin      {admin}",
            "             first create a merchant: make admin EMAIL=you@example.com PASSWORD=…",
            f"  Emails     {emails}",
            "  Test cards 4242 4242 4242 4242 pays (any future date, any CVC)",
            "             4000 0000 0000 0341 is declined; 4000 0025 0000 3155 asks for 3-D Secure",
            "  Discount   WELCOME10 takes 10% off",
            "  Markets    Worldwide in dollars; Europe in euros (the footer's selector, or an",
            "             address in the euro area at checkout)",
            "",
            "  Ctrl-C stops the shop. Each page request is shown below.",
            "",
        ]
        self.stdout.write("\n".join(lines))

    def _start_periodic_tasks(self) -> None:
        """Without Redis there is no Celery beat: expire unpaid orders, send reminders (of
        payment, back-in-stock batches after the first, abandoned carts) from a thread, as
        beat would, so the demo behaves like the real shop."""
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            return

        def loop():
            from worker import tasks

            while True:
                time.sleep(PERIOD_SECONDS)
                for task in (
                    tasks.expire_unpaid_orders,
                    tasks.requeue_pending_emails,
                    tasks.scan_stock_alerts,
                    tasks.remind_abandoned_carts,
                ):
                    try:
                        task()
                    except Exception:
                        logger.exception("The periodic %s failed", task.name)

        threading.Thread(target=loop, name="demo-beat", daemon=True).start()
