"""The reminders' pages: the back-in-stock sign-up and its confirmation, unsubscribe (one
click, RFC 8058) and preferences, and the restore link of a cart reminder. Thin: each parses,
calls one service, renders; a bad link or bad input is a page that says so, never a 500."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from reminders import selectors, services, tokens
from reminders.exceptions import ReminderError, ReminderErrorCode
from reminders.forms import PreferencesForm, StockAlertForm
from reminders.models import StockAlert, Topic

# A link that cannot be read is a 400; one that could be but no longer works, a 410.
STATUS = {
    ReminderErrorCode.BAD_LINK: 400,
    ReminderErrorCode.EXPIRED_LINK: 410,
    ReminderErrorCode.ALERT_CLOSED: 410,
    ReminderErrorCode.CART_GONE: 410,
    ReminderErrorCode.TOO_MANY: 429,
    ReminderErrorCode.UNKNOWN_VARIANT: 404,
}


def client_ip(request) -> str:
    """The shopper's network address: behind TRUSTED_PROXY_COUNT proxies, the one they saw."""
    hops = settings.NINJA_NUM_PROXIES
    if hops:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(hops, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


def _problem(request, error: ReminderError, *, title: str):
    return render(
        request,
        "reminders/message.html",
        {"title": title, "text": error.message, "problem": True},
        status=STATUS.get(error.code, 400),
    )


def _product_url(variant) -> str:
    url = variant.product.get_absolute_url()
    return f"{url}?variant={variant.sku}" if variant.options else url


@never_cache
@require_http_methods(["GET", "POST"])
def stock_alert(request):
    """ "Email me when it is back": the product page's form posts here; without it (or after
    an error) this page shows the form for the variant."""
    data = request.POST if request.method == "POST" else request.GET
    form = StockAlertForm(data)
    variant = selectors.variant_for_alert(form.data.get("variant", ""))
    if variant is None:
        return _problem(
            request,
            ReminderError(_("That product is not available."), ReminderErrorCode.UNKNOWN_VARIANT),
            title=_("Email me when it is back"),
        )
    if request.method == "POST" and form.is_valid():
        try:
            alert = services.subscribe_to_stock(
                variant_id=variant.pk,
                email=form.cleaned_data["email"],
                user=request.user,
                client_ip=client_ip(request),
            )
        except ReminderError as error:
            if error.code == ReminderErrorCode.IN_STOCK:
                messages.info(request, error.message)
                return redirect(_product_url(variant))
            if error.code == ReminderErrorCode.TOO_MANY:
                return _problem(request, error, title=_("Email me when it is back"))
            form.add_error("email", error.message)
        else:
            if alert.status == StockAlert.Status.PENDING:
                return render(
                    request,
                    "reminders/message.html",
                    {
                        "title": _("Check your inbox"),
                        "text": _(
                            "We have sent you an email with a link to confirm your alert for "
                            "%(item)s. Open it, and we will write when it is back."
                        )
                        % {"item": variant},
                        "back_url": _product_url(variant),
                        "back_text": _("Back to %(product)s") % {"product": variant.product.name},
                        "mailbox_note": True,
                    },
                )
            messages.success(
                request,
                _("We will email %(email)s when %(item)s is back.")
                % {"email": alert.email, "item": variant},
            )
            return redirect(_product_url(variant))
    elif request.method == "GET":
        form = StockAlertForm(initial={"variant": variant.pk})
    return render(
        request,
        "reminders/stock_alert.html",
        {
            "form": form,
            "variant": variant,
            "product_url": _product_url(variant),
            "days": settings.BACK_IN_STOCK_ALERT_DAYS,
        },
        status=200 if request.method == "GET" or form.is_valid() else 400,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_alert(request, token):
    """The double opt-in: the email's link shows a button (a mail scanner's visit confirms
    nothing); pressing it confirms."""
    title = _("Confirm your alert")
    if request.method == "POST":
        try:
            alert = services.confirm_alert(token=token)
        except ReminderError as error:
            return _problem(request, error, title=title)
        return render(
            request,
            "reminders/message.html",
            {
                "title": _("Your alert is on"),
                "text": _("We will email you once when %(item)s is back in stock.")
                % {"item": alert.variant},
                "back_url": _product_url(alert.variant),
                "back_text": _("Back to %(product)s") % {"product": alert.variant.product.name},
            },
        )
    try:
        tokens.read_confirm_alert(token)
    except ReminderError as error:
        return _problem(request, error, title=title)
    return render(
        request,
        "reminders/confirm.html",
        {
            "title": title,
            "text": _("Press the button to get one email when the item you chose is back."),
            "button": _("Confirm my alert"),
        },
    )


@never_cache
@csrf_exempt  # RFC 8058: the mail program posts with no cookie and no token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe. A POST (the mail program's, or the button on this page)
    unsubscribes at once, without signing in; a GET only asks."""
    title = _("Unsubscribe")
    try:
        email, topic = tokens.read_unsubscribe(token)
    except ReminderError as error:
        return _problem(request, error, title=title)
    what = Topic(topic).label if topic in Topic.values else _("any marketing email")
    if request.method == "POST":
        try:
            services.unsubscribe(email=email, topic=topic)
        except ReminderError as error:
            return _problem(request, error, title=title)
        return render(
            request,
            "reminders/message.html",
            {
                "title": _("You are unsubscribed"),
                "text": _("You will get no more of these emails. %(what)s: off.") % {"what": what},
                "back_url": reverse(
                    "reminders:preferences", args=[tokens.preferences_token(email)]
                ),
                "back_text": _("Choose which emails you get"),
            },
        )
    return render(
        request,
        "reminders/confirm.html",
        {
            "title": title,
            "text": _("Stop getting these emails? %(what)s.") % {"what": what},
            "button": _("Unsubscribe"),
            "exempt": True,
            "other_url": reverse("reminders:preferences", args=[tokens.preferences_token(email)]),
            "other_text": _("Choose which emails you get instead"),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request, token):
    """Which marketing emails an address gets, reached by the signed link in each of them."""
    try:
        email = tokens.read_preferences(token)
    except ReminderError as error:
        return _problem(request, error, title=_("Email preferences"))
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                services.set_preferences(
                    email=email,
                    marketing=form.cleaned_data["marketing"],
                    topics=form.topics(),
                )
            except ReminderError as error:
                return _problem(request, error, title=_("Email preferences"))
            messages.success(request, _("Your email preferences are saved."))
            return redirect(request.path)
    else:
        saved = selectors.preference_for(email)
        form = PreferencesForm(
            initial={
                "marketing": saved.marketing,
                **{str(t): getattr(saved, str(t)) for t in Topic},
            }
        )
    return render(request, "reminders/preferences.html", {"form": form, "email": email})


@login_required
def my_preferences(request):
    """From the account page: the preferences of the signed-in shopper's address."""
    return redirect("reminders:preferences", token=tokens.preferences_token(request.user.email))


@never_cache
@require_http_methods(["GET", "POST"])
def restore_cart(request, token):
    """A cart reminder's link: the items at today's prices and stock (never the reminded
    shopper's address or email), and a button that puts them in this visitor's cart."""
    title = _("Your cart")
    if request.method == "POST":
        try:
            _cart, notes = services.restore_cart(token=token, request=request)
        except ReminderError as error:
            return _problem(request, error, title=title)
        messages.success(request, _("Your items are back in your cart."))
        for note in notes:
            messages.warning(request, note)
        return redirect("cart:detail")
    try:
        reminder = services.reminder_from_link(token)
    except ReminderError as error:
        return _problem(request, error, title=title)
    priced = selectors.restore_preview(reminder)
    if priced.is_empty:
        return _problem(
            request,
            ReminderError(
                _("That cart is no longer there: it was bought or emptied."),
                ReminderErrorCode.CART_GONE,
            ),
            title=title,
        )
    return render(request, "reminders/restore.html", {"priced": priced, "code": reminder.code})
