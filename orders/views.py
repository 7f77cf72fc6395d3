import uuid

from django.contrib import messages
from django.shortcuts import redirect, render

from orders import selectors, services, totals
from orders.exceptions import CheckoutError
from orders.forms import CheckoutForm, PlaceOrderForm
from orders.models import ShippingMethod
from shop.cart.selectors import cart_for_request, price_cart

CHECKOUT_SESSION_KEY = "checkout"


def _checkout_cart(request):
    priced = price_cart(cart_for_request(request))
    if priced.is_empty:
        messages.info(request, "Your cart is empty.")
        return None
    if priced.blocking_problems:
        for problem in priced.blocking_problems:
            messages.error(request, problem)
        return None
    return priced


def checkout(request):
    """Step 1: email, shipping address and shipping method."""
    priced = _checkout_cart(request)
    if priced is None:
        return redirect("cart:detail")
    if request.method == "POST":
        form = CheckoutForm(request.POST)
        if form.is_valid():
            request.session[CHECKOUT_SESSION_KEY] = {
                "email": form.cleaned_data["email"],
                "address": form.address(),
                "shipping_method": form.cleaned_data["shipping_method"].pk,
            }
            return redirect("orders:review")
    else:
        initial = dict(request.session.get(CHECKOUT_SESSION_KEY, {}).get("address", {}))
        saved = request.session.get(CHECKOUT_SESSION_KEY, {})
        initial["email"] = saved.get("email") or (
            request.user.email if request.user.is_authenticated else ""
        )
        initial["shipping_method"] = saved.get("shipping_method") or (
            ShippingMethod.objects.filter(is_active=True).values_list("pk", flat=True).first()
        )
        form = CheckoutForm(initial=initial)
    return render(request, "orders/checkout.html", {"form": form, "priced": priced})


def review(request):
    """Step 2: look it over and pay. Paying places the order and holds the stock."""
    priced = _checkout_cart(request)
    if priced is None:
        return redirect("cart:detail")
    details = request.session.get(CHECKOUT_SESSION_KEY)
    method = (
        ShippingMethod.objects.filter(pk=details.get("shipping_method"), is_active=True).first()
        if details
        else None
    )
    if details is None or method is None:
        messages.info(request, "Please enter your details first.")
        return redirect("orders:checkout")

    if request.method == "POST":
        form = PlaceOrderForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Your checkout expired; please review your order again.")
            return redirect("orders:review")
        try:
            order = services.place_order(
                cart=priced.cart,
                email=details["email"],
                address=details["address"],
                shipping_method=method,
                user=request.user,
                checkout_token=form.cleaned_data["checkout_token"],
            )
        except CheckoutError as error:
            messages.error(request, str(error))
            return redirect("cart:detail")
        selectors.remember_order_in_session(request, order)
        return redirect("payments:pay", number=order.number)

    amounts = totals.compute(priced=priced, shipping_method=method)
    form = PlaceOrderForm(initial={"checkout_token": uuid.uuid4().hex})
    return render(
        request,
        "orders/review.html",
        {
            "priced": priced,
            "totals": amounts,
            "details": details,
            "method": method,
            "form": form,
        },
    )


def detail(request, number):
    """The order's status page; Stripe returns the shopper here after paying."""
    order = selectors.order_for_viewer(request, number)
    if order.is_payable and services.expire_if_overdue(order_id=order.pk):
        order.refresh_from_db()
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "lines": order.lines.all(),
        },
    )
