"""The shopper's gift card pages: apply and remove cards and store credit on the checkout, a
card's balance by its code, and their own balances and history. Thin: each calls one service
or selector and turns GiftCardError into a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from giftcards import selectors, services
from giftcards.exceptions import GiftCardError
from giftcards.forms import GiftCardCodeForm
from giftcards.models import GiftCard
from shop.cart.selectors import cart_for_request
from shop.ratelimits import client_address


def _back(request) -> HttpResponseRedirect:
    """Where the form was (the review page or the cart), at its gift card section."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("orders:review")
    return HttpResponseRedirect(target.split("#")[0] + "#gift-cards")


def _session_key(request) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


@require_POST
def apply(request):
    cart = cart_for_request(request)
    form = GiftCardCodeForm(request.POST)
    if cart is None:
        messages.info(request, _("Your cart is empty."))
        return _back(request)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["code"]))
        return _back(request)
    try:
        card = services.apply_card(
            cart=cart,
            code=form.cleaned_data["code"],
            client_ip=client_address(request),
            session_key=_session_key(request),
        )
    except GiftCardError as error:
        messages.error(request, str(error))
        return _back(request)
    messages.success(request, _("Gift card %(card)s applied.") % {"card": card.label})
    return _back(request)


@require_POST
def remove(request, card_id: int):
    cart = cart_for_request(request)
    if cart is not None:
        services.remove_card(cart=cart, card_id=card_id)
        messages.info(request, _("Gift card removed."))
    return _back(request)


@require_POST
def use_credit(request):
    cart = cart_for_request(request)
    use = request.POST.get("use") == "1"
    if cart is None:
        return _back(request)
    try:
        services.use_store_credit(cart=cart, user=request.user, use=use)
    except GiftCardError as error:
        messages.error(request, str(error))
        return _back(request)
    messages.success(
        request, _("Your store credit is used.") if use else _("Your store credit is not used.")
    )
    return _back(request)


@never_cache
def balance(request):
    """A card's balance and history by its code (rate-limited as every lookup)."""
    card: GiftCard | None = None
    form = GiftCardCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            card = services.find_card(
                code=form.cleaned_data["code"],
                currency=None,
                client_ip=client_address(request),
                session_key=_session_key(request),
            )
        except GiftCardError as error:
            form.add_error("code", str(error))
    return render(
        request,
        "giftcards/balance.html",
        {
            "form": form,
            "card": card,
            "history": selectors.history_of_card(card) if card else [],
        },
        status=200 if card or not form.errors else 422,
    )


@never_cache
@login_required
def account(request):
    """The customer's store credit and gift cards, with their history."""
    balances = selectors.balances_of(request.user)
    return render(
        request,
        "giftcards/account.html",
        {
            "balances": balances,
            "credit_history": selectors.credit_history(request.user)[:50],
        },
    )
