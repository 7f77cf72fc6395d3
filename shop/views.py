"""Pages of the site itself, not of one app: the language switcher's form, the demo's mailbox
(DEBUG only)."""

from csp.constants import SELF
from csp.decorators import csp_exempt, csp_replace
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views import i18n
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from accounts import services as account_services
from shop import dev_emails


@require_POST
def set_language(request):
    """Django's set_language (the cookie, and back to `next` in the chosen language, or to
    the shop's home when `next` is not ours), and a signed-in shopper's account remembers it."""
    # Django reads `next` in the active language, and this address has none: read it in the
    # language of its own prefix (/de/…), or "/de/cart/" would not be found to translate.
    next_url = request.POST.get("next", "")
    with translation.override(translation.get_language_from_path(next_url.split("?")[0])):
        response = i18n.set_language(request)
    if request.user.is_authenticated:
        account_services.set_language(user=request.user, language=request.POST.get("language", ""))
    return response


def _debug_only() -> None:
    # Checked per request, not at import: with DEBUG off these pages do not exist.
    if not settings.DEBUG:
        raise Http404("No such page")


def email_list(request):
    """Every email the demo has sent, newest first."""
    _debug_only()
    return render(request, "dev/emails.html", {"emails": dev_emails.stored_emails()})


def email_detail(request, name):
    _debug_only()
    message = dev_emails.stored_email(name)
    if message is None:
        raise Http404("No such email")
    return render(request, "dev/email.html", {"email": message})


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def email_html(request, name):
    """The HTML part alone, for the frame on the email's page; its links open in the tab."""
    _debug_only()
    message = dev_emails.stored_email(name)
    if message is None or not message.html:
        raise Http404("No such email")
    html = message.html.replace("<head>", '<head><base target="_top">', 1)
    return HttpResponse(html)


@csp_exempt()
def healthz(request):
    """The process answers: for a load balancer's liveness check. Touches no database."""
    return HttpResponse("ok\n", content_type="text/plain")


@csp_exempt()
def readyz(request):
    """Ready for traffic: the database answers and its migrations are applied (503 with the
    reason otherwise). Redis is reported, not required: without it the shop still sells
    (sessions and rate limits in the database, emails waiting in the outbox), so a Redis
    outage must not take every node out of the balancer; the body says what is degraded."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    problems = []
    try:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            problems.append("database migrations are not all applied")
    except Exception as error:  # any failure to reach the database is the answer
        problems.append(f"database unreachable ({type(error).__name__})")
    if problems:
        return HttpResponse("; ".join(problems) + "\n", status=503, content_type="text/plain")
    degraded = []
    if settings.REDIS_URL:
        try:
            from django.core.cache import cache

            cache.set("readyz", "1", 5)
        except Exception as error:  # skipped at once while the breaker is open
            degraded.append(
                f"redis unreachable ({type(error).__name__}): sessions and rate limits in "
                "the database, catalog pages not cached, emails wait in the outbox"
            )
    if degraded:
        return HttpResponse(
            "ready, degraded: " + "; ".join(degraded) + "\n", content_type="text/plain"
        )
    return HttpResponse("ready\n", content_type="text/plain")
