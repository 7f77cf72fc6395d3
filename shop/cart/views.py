from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from shop.cart import selectors, services
from shop.cart.exceptions import CartError
from shop.cart.forms import AddToCartForm, QuantityForm


def _form_error(form) -> str:
    return " ".join(e for errors in form.errors.values() for e in errors)


def _back(request, fallback="cart:detail"):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def detail(request):
    cart = selectors.cart_for_request(request)
    return render(request, "cart/detail.html", {"priced": selectors.price_cart(cart)})


@require_POST
def add(request):
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return _back(request)
    try:
        line = services.add_to_cart(
            request=request,
            variant_id=form.cleaned_data["variant"],
            quantity=form.cleaned_data["quantity"],
            product_id=form.cleaned_data["product"],
        )
    except CartError as error:
        messages.error(request, str(error))
        return _back(request)
    messages.success(
        request, f"Added {form.cleaned_data['quantity']} × {line.variant} to your cart."
    )
    return redirect("cart:detail")


@require_POST
def update(request, line_id):
    form = QuantityForm(request.POST)
    cart = selectors.cart_for_request(request)
    if not form.is_valid():
        messages.error(request, _form_error(form))
    elif cart is None:
        messages.error(request, "Your cart is empty.")
    else:
        try:
            line = services.set_quantity(
                cart=cart, line_id=line_id, quantity=form.cleaned_data["quantity"]
            )
            messages.success(request, "Cart updated." if line else "Item removed.")
        except CartError as error:
            messages.error(request, str(error))
    return redirect("cart:detail")


@require_POST
def remove(request, line_id):
    cart = selectors.cart_for_request(request)
    try:
        if cart is None:
            raise CartError("Your cart is empty.")
        services.remove_line(cart=cart, line_id=line_id)
        messages.success(request, "Item removed.")
    except CartError as error:
        messages.error(request, str(error))
    return redirect("cart:detail")
