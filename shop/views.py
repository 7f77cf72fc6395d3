"""Pages of the site itself, not of one app: the demo's mailbox (DEBUG only)."""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from shop import dev_emails


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
