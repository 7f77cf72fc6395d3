import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from giftcards import selectors as giftcard_selectors
from markets import services as market_services
from markets.selectors import market_for_country
from orders import checkout as checkout_rules
from orders import sections, selectors, services, totals
from orders.exceptions import CheckoutError, CheckoutErrorCode, VoucherError
from orders.forms import CheckoutForm, PlaceOrderForm, VoucherForm
from orders.models import Order, ShippingMethod
from shop.cart.selectors import cart_for_request, price_cart

CHECKOUT_SESSION_KEY = "checkout"


def _checkout_cart(request):
    """The cart if it can be checked out (orders.checkout); otherwise say why, once per problem."""
    priced = price_cart(cart_for_request(request))
    try:
        return checkout_rules.ready(priced=priced)
    except CheckoutError as error:
        if error.code == CheckoutErrorCode.CART_EMPTY:
            messages.info(request, str(error))
        else:
            for problem in priced.blocking_problems:
                messages.error(request, problem)
        return None


def _details(request) -> dict:
    return request.session.get(CHECKOUT_SESSION_KEY) or {}


@never_cache  # checkout pages show the shopper's own data and a state that moves on
def checkout(request):
    """Step 1: email, shipping address and shipping method."""
    priced = _checkout_cart(request)
    if priced is None:
        return redirect("cart:detail")
    saved = _details(request)
    currency = priced.subtotal.currency.code
    if request.method == "POST":
        form = CheckoutForm(request.POST, currency=currency)
        if form.is_valid():
            request.session[CHECKOUT_SESSION_KEY] = {
                **saved,
                "email": form.cleaned_data["email"],
                "address": form.address(),
                "shipping_method": form.cleaned_data["shipping_method"].pk,
                "marketing_opt_in": form.cleaned_data["marketing_opt_in"],
            }
            if not _follow_address_market(request, form.cleaned_data["country"], priced.cart):
                return redirect("cart:detail")  # nothing left that is sold there
            checkout_rules.details_given(
                cart=priced.cart,
                email=form.cleaned_data["email"],
                country=form.cleaned_data["country"],
                marketing_opt_in=form.cleaned_data["marketing_opt_in"],
                user=request.user,
            )
            return redirect("orders:review")
    else:
        initial = dict(saved.get("address", {})) or _default_address(request.user)
        if not initial.get("country"):
            initial["country"] = selectors.usual_country(request.user)
        initial["email"] = saved.get("email") or (
            request.user.email if request.user.is_authenticated else ""
        )
        method_id = saved.get("shipping_method")
        if not method_id:  # the first active method that ships to the country (as the API)
            default = checkout_rules.default_shipping_method(country=initial["country"])
            method_id = default.pk if default else None
        initial["shipping_method"] = method_id
        initial["marketing_opt_in"] = bool(saved.get("marketing_opt_in"))
        form = CheckoutForm(initial=initial, currency=currency)
    return render(
        request,
        "orders/checkout.html",
        {
            "form": form,
            "priced": priced,
            "cart_quantity": priced.quantity,  # the header's badge, without asking again
            "totals": totals.compute(
                priced=priced, customer=checkout_rules.customer_for(email="", user=request.user)
            ),
        },
    )


def _follow_address_market(request, country: str, cart) -> bool:
    """The shipping address's country decides the market: if it is another than the cart's,
    the cart is re-priced in that market's currency (lines not sold there removed) and the
    shopper told, before paying. False when nothing is left to check out."""
    market = market_for_country(country)
    if cart is None or cart.currency_code == market.price_currency:
        return True
    notes = market_services.choose_market(request=request, market=market)
    messages.warning(
        request,
        _(
            "Your address is in %(market)s: your order is priced and charged in "
            "%(currency)s. Please check the new total before paying."
        )
        % {"market": market.name, "currency": market.price_currency},
    )
    for note in notes:
        messages.warning(request, note)
    return _checkout_cart(request) is not None


def _applicable_voucher(request, details, priced):
    """The voucher the shopper entered, if it still applies; otherwise say why and drop it."""
    try:
        return checkout_rules.applicable_voucher(
            code=details.get("voucher", ""),
            subtotal=priced.subtotal,
            email=details.get("email", ""),
        )
    except VoucherError as error:
        messages.error(request, str(error))
        request.session[CHECKOUT_SESSION_KEY] = {**details, "voucher": ""}
        return None


def _default_address(user) -> dict:
    """A signed-in shopper's default address from their address book (accounts/), read
    through the user so orders need not import accounts."""
    if not user.is_authenticated or not hasattr(user, "addresses"):
        return {}
    address = user.addresses.filter(is_default=True).first()
    return address.as_checkout() if address else {}


@never_cache
def review(request):
    """Step 2: look it over, add a discount code, and pay. Paying places the order and holds
    the stock."""
    priced = _checkout_cart(request)
    if priced is None:
        return redirect("cart:detail")
    details = _details(request)
    method = (
        ShippingMethod.objects.prefetch_related("rates")
        .filter(pk=details.get("shipping_method"), is_active=True)
        .first()
    )
    if "address" not in details or method is None:
        messages.info(request, _("Please enter your details first."))
        return redirect("orders:checkout")
    # The market may have changed since the address was entered (the header's selector):
    # the address still decides, and the shopper sees the new prices before paying.
    if (
        priced.subtotal.currency.code
        != market_for_country(details["address"].get("country", "")).price_currency
    ):
        if not _follow_address_market(request, details["address"].get("country", ""), priced.cart):
            return redirect("cart:detail")
        return redirect("orders:review")

    if request.method == "POST":
        form = PlaceOrderForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Your checkout expired; please review your order again."))
            return redirect("orders:review")
        try:
            order = services.place_order(
                cart=priced.cart,
                email=details["email"],
                address=details["address"],
                shipping_method=method,
                user=request.user,
                checkout_token=form.cleaned_data["checkout_token"],
                voucher_code=details.get("voucher", ""),
            )
        except VoucherError as error:
            messages.error(request, str(error))
            request.session[CHECKOUT_SESSION_KEY] = {**details, "voucher": ""}
            return redirect("orders:review")
        except CheckoutError as error:
            messages.error(request, str(error))
            return redirect("cart:detail")
        selectors.remember_order_in_session(request, order)
        # A code belongs to the checkout that used it: the next one starts without it.
        request.session[CHECKOUT_SESSION_KEY] = {**details, "voucher": ""}
        return redirect("payments:pay", number=order.number)

    voucher = _applicable_voucher(request, details, priced)
    pricing = {
        "priced": priced,
        "shipping_method": method,
        "address": details["address"],
        "email": details.get("email", ""),
        "user": request.user,
    }
    try:
        amounts = checkout_rules.totals_for(**pricing, voucher=voucher)
    except VoucherError as error:  # the code does not apply to this cart: say why, drop it
        messages.error(request, str(error))
        request.session[CHECKOUT_SESSION_KEY] = {**details, "voucher": ""}
        voucher = None
        amounts = checkout_rules.totals_for(**pricing, voucher=None)
    if not amounts.shipping_available:
        messages.error(
            request,
            _("%(method)s is not offered there; please choose another shipping method.")
            % {"method": method.name},
        )
        return redirect("orders:checkout")
    return render(
        request,
        "orders/review.html",
        {
            "priced": priced,
            "cart_quantity": priced.quantity,  # the header's badge, without asking again
            "totals": amounts,
            "details": details,
            "method": method,
            "voucher": voucher,
            "voucher_label": voucher.label_in(priced.subtotal.currency.code) if voucher else "",
            "voucher_form": _voucher_form(request),
            # Gift cards and store credit pay part of the grand total (giftcards/).
            "prepaid": giftcard_selectors.for_checkout(
                cart=priced.cart, total=amounts.total, user=request.user
            ),
            "form": PlaceOrderForm(initial={"checkout_token": uuid.uuid4().hex}),
        },
    )


VOUCHER_ERROR_KEY = "checkout_voucher_error"


def _voucher_form(request) -> VoucherForm:
    """The discount code form; after a refused code, with what was typed and why, under the
    field (kept in the session across the redirect, once)."""
    refused = request.session.pop(VOUCHER_ERROR_KEY, None)
    if not isinstance(refused, dict):
        return VoucherForm()
    form = VoucherForm(data={"code": str(refused.get("code", ""))[:40]})
    form.is_valid()
    form.errors.clear()
    form.add_error("code", str(refused.get("error", "")))
    return form


def _refuse_voucher(request, code: str, error: str):
    request.session[VOUCHER_ERROR_KEY] = {"code": code[:40], "error": error}
    return redirect(reverse("orders:review") + "#discount")


@require_POST
def apply_voucher(request):
    details = _details(request)
    priced = _checkout_cart(request)
    if priced is None:
        return redirect("cart:detail")
    form = VoucherForm(request.POST)
    typed = str(request.POST.get("code", ""))
    if not form.is_valid():
        return _refuse_voucher(request, typed, " ".join(form.errors["code"]))
    try:
        voucher = checkout_rules.applicable_voucher(
            code=form.cleaned_data["code"],
            subtotal=priced.subtotal,
            email=details.get("email", ""),
        )
    except VoucherError as error:
        return _refuse_voucher(request, typed, str(error))
    request.session[CHECKOUT_SESSION_KEY] = {**details, "voucher": voucher.code}
    messages.success(
        request,
        _("Discount code %(code)s applied: %(label)s.")
        % {"code": voucher.code, "label": voucher.label_in(priced.subtotal.currency.code)},
    )
    return redirect("orders:review")


@require_POST
def remove_voucher(request):
    request.session[CHECKOUT_SESSION_KEY] = {**_details(request), "voucher": ""}
    messages.info(request, _("Discount code removed."))
    return redirect("orders:review")


@never_cache  # its status changes when the payment lands
def detail(request, number):
    """The order's status page; Stripe returns the shopper here after paying, and the link in
    every email (signed, expiring) brings them back to it."""
    key = request.GET.get("key")
    if key is not None:
        if not selectors.order_number_from_key(number, key):
            raise Http404("No such order")  # an expired or forged link says nothing more
        order = Order.objects.filter(number=number).first()
        if order is None:
            raise Http404("No such order")
        selectors.remember_order_in_session(request, order)
        return redirect(order)
    order = checkout_rules.order_as_of_now(order=selectors.order_for_viewer(request, number))
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "refunds": selectors.refunds_of(order),
            "sections": sections.render_context(request, order),
        },
    )
