"""The wishlist's pages: the heart's form (works without JavaScript), the list with current
prices and stock, its private link, and the shared read-only list."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wishlists import selectors, services
from wishlists.exceptions import WishlistError


def _back(request):
    target = request.POST.get("next", "")[:500]
    # A path on this site only: "6" or "x" would be read as a URL name by redirect().
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("wishlists:detail")


@never_cache
def detail(request):
    share_url = None
    if request.user.is_authenticated:
        token = selectors.share_token_of(request.user)
        if token:
            share_url = request.build_absolute_uri(reverse("wishlists:shared", args=[token]))
    return render(
        request,
        "wishlists/detail.html",
        {"products": selectors.products_of(request), "share_url": share_url},
    )


@require_POST
def toggle(request):
    """The heart: `action` add (what the form sends without JavaScript) or remove."""
    product_id = request.POST.get("product", "")
    action = request.POST.get("action", "add")
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        if action == "remove":
            changed = services.remove(request=request, product_id=product_id)
            text = (
                _("Removed from your wishlist.") if changed else _("It was not in your wishlist.")
            )
        else:
            changed = services.add(request=request, product_id=product_id)
            text = _("Saved to your wishlist.") if changed else _("It is already in your wishlist.")
    except WishlistError as error:
        if wants_json:
            return JsonResponse({"error": str(error), "code": str(error.code)}, status=422)
        messages.error(request, str(error))
        return _back(request)
    if wants_json:
        return JsonResponse({"saved": action != "remove", "message": text})
    messages.success(request, text)
    return _back(request)


@never_cache
def saved(request):
    """The ids of the shopper's saved products, for the hearts of cached pages
    (static/js/wishlist.js), with a CSRF token for pressing them (cards carry none). Per
    shopper: never cached."""
    return JsonResponse({"ids": selectors.saved_ids(request), "csrf": get_token(request)})


@never_cache
def save(request, product_id):
    """A card's heart without JavaScript: the product, and one button that saves it (or
    removes it when it is saved already). Changes nothing by itself."""
    product = selectors.listed_product(product_id)
    if product is None:
        raise Http404("No such product")
    next_url = request.GET.get("next", "")[:500]
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = product.get_absolute_url()
    return render(
        request,
        "wishlists/save.html",
        {
            "product": product,
            "saved": product.pk in selectors.saved_ids(request),
            "next": next_url,
        },
    )


@require_POST
def share(request):
    if not request.user.is_authenticated:
        messages.info(request, _("Sign in to share your wishlist."))
        return redirect(f"{reverse('account_login')}?next={reverse('wishlists:detail')}")
    if request.POST.get("action") == "stop":
        services.stop_sharing(user=request.user)
        messages.success(request, _("The link no longer works."))
    else:
        services.share(user=request.user)
        messages.success(request, _("Anyone with the link can now see your wishlist."))
    return redirect("wishlists:detail")


@never_cache
def shared(request, token):
    products = selectors.shared(token)
    if products is None:
        raise Http404("No such wishlist")
    response = render(request, "wishlists/shared.html", {"products": products})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the link stays private
    return response
