from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shop.cart import pricing, selectors, services
from shop.cart.exceptions import CartError, CartErrorCode
from shop.cart.forms import AddToCartForm, GiftCardDetailsForm, QuantityForm
from shop.catalog import selectors as catalog_selectors
from shop.catalog.forms import option_choices
from shop.catalog.models import Variant


def _form_error(form) -> str:
    return " ".join(e for errors in form.errors.values() for e in errors)


def _back(request, fallback="cart:detail"):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _back_to_choice(request, variant_id: int, quantity: int):
    """The product page with this variant chosen and this quantity typed, as before."""
    variant = (
        Variant.objects.filter(pk=variant_id, product__is_published=True)
        .values_list("sku", "product__slug")
        .first()
    )
    if variant is None:
        return _back(request)
    sku, slug = variant
    query = urlencode({"variant": sku, "quantity": quantity})
    return redirect(f"{reverse('catalog:product', kwargs={'slug': slug})}?{query}")


@never_cache  # Back must show the cart as it is now
def detail(request):
    cart = selectors.cart_for_request(request)
    for note in services.follow_market(request=request, cart=cart):
        messages.warning(request, note)
    priced = selectors.price_cart(cart)
    offers = pricing.offers_for(priced, user=request.user)
    # The header's badge from the lines just priced (shop/cart/context_processors.py).
    return render(
        request,
        "cart/detail.html",
        {"priced": priced, "offers": offers, "cart_quantity": priced.quantity},
    )


@require_POST
def add(request):
    """Add the variant posted, or the one the chosen options make (`option_<code>` fields,
    the product page's pickers). A refusal goes back to the product page with the shopper's
    choice and quantity kept."""
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return _back(request)
    variant_id, product_id = form.cleaned_data["variant"], form.cleaned_data["product"]
    chosen = option_choices(request.POST)
    if chosen and product_id:
        variant_id = catalog_selectors.variant_id_with_values(
            product_id=product_id, value_ids=list(chosen.values())
        )
        if variant_id is None:
            messages.error(request, _("That combination is not made. Please choose another."))
            return _back(request)
    if variant_id is None:
        messages.error(request, _("Please choose an option."))
        return _back(request)
    details = GiftCardDetailsForm(request.POST)
    if not details.is_valid():
        messages.error(request, _form_error(details))
        return _back(request)
    try:
        line = services.add_to_cart(
            request=request,
            variant_id=variant_id,
            quantity=form.cleaned_data["quantity"],
            product_id=product_id,
        )
    except CartError as error:
        messages.error(request, str(error))
        return _back_to_choice(request, variant_id, form.cleaned_data["quantity"])
    if any(request.POST.get(name) for name in GiftCardDetailsForm.base_fields):
        # a gift card's page: who it is for, kept on the line
        services.set_gift_card_details(line=line, details=details.details())
    messages.success(
        request,
        _("Added %(n)d × %(item)s to your cart.")
        % {"n": form.cleaned_data["quantity"], "item": line.variant},
    )
    return redirect("cart:detail")


@require_POST
def update(request, line_id):
    form = QuantityForm(request.POST)
    cart = selectors.cart_for_request(request)
    if not form.is_valid():
        messages.error(request, _form_error(form))
    elif cart is None:
        messages.error(request, _("Your cart is empty."))
    else:
        try:
            line = services.set_quantity(
                cart=cart, line_id=line_id, quantity=form.cleaned_data["quantity"]
            )
            messages.success(request, _("Cart updated.") if line else _("Item removed."))
        except CartError as error:
            messages.error(request, str(error))
    return redirect("cart:detail")


@require_POST
def remove(request, line_id):
    cart = selectors.cart_for_request(request)
    try:
        if cart is None:
            raise CartError(_("Your cart is empty."), CartErrorCode.CART_EMPTY)
        services.remove_line(cart=cart, line_id=line_id)
        messages.success(request, _("Item removed."))
    except CartError as error:
        messages.error(request, str(error))
    return redirect("cart:detail")
