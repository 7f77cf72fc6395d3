"""The shopper's pages: write or edit a review (signed in), the email link's page (a guest
reviews that order's products), their own reviews with the merchant's decisions, and the
helpful vote. Thin: parse, call reviews/services.py, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from reviews import links, selectors, services
from reviews.exceptions import ReviewError
from reviews.forms import ReviewForm
from shop.catalog import selectors as catalog_selectors


def _initial(review) -> dict | None:
    if review is None:
        return None
    return {
        "rating": str(review.rating),
        "title": review.title,
        "text": review.text,
        "author_name": review.author_name,
    }


def _save(form, **author):
    """The service's refusal, if any, shown on its field; True when saved."""
    if not form.is_valid():
        return None
    try:
        return services.write_review(**form.cleaned_data, **author)
    except ReviewError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return None


@never_cache
@login_required
def write(request, slug):
    product = get_object_or_404(catalog_selectors.listed_products(), slug=slug)
    review = selectors.own_review(product_id=product.pk, user=request.user)
    form = ReviewForm(request.POST or None, initial=_initial(review))
    if request.method == "POST":
        saved = _save(form, product_id=product.pk, user=request.user)
        if saved is not None:
            messages.success(request, _thanks(saved))
            return redirect("reviews:mine")
    status = 422 if form.errors else 200
    verified = services.delivered_line(product_id=product.pk, user=request.user) is not None
    return render(
        request,
        "reviews/write.html",
        {"product": product, "form": form, "review": review, "verified": verified},
        status=status,
    )


def _thanks(review) -> str:
    if review.status == review.Status.APPROVED:
        return _("Thank you: your review of %(product)s is published.") % {
            "product": review.product.name
        }
    return _("Thank you: your review of %(product)s will appear once we have read it.") % {
        "product": review.product.name
    }


@never_cache
@login_required
def mine(request):
    return render(request, "reviews/mine.html", {"reviews": selectors.reviews_of(request.user)})


@never_cache
def order(request, token):
    """The email's link: each product of the delivered order, with a form to review it (or
    the review already written from it, to edit). No sign-in; nothing of the order but its
    number and products is shown."""
    try:
        placed = links.order_from_token(token)
    except ReviewError as error:
        return render(request, "reviews/link_invalid.html", {"message": str(error)}, status=404)
    author = _author_of_link(request, placed)
    products = services.products_of_order(placed)
    forms, status = [], 200
    chosen = request.POST.get("product", "") if request.method == "POST" else ""
    for product in products:
        review = selectors.own_review(product_id=product.pk, **_own(author))
        posted = chosen == str(product.pk)
        form = ReviewForm(
            request.POST if posted else None, initial=_initial(review), prefix=f"p{product.pk}"
        )
        if posted:
            saved = _save(form, product_id=product.pk, **author)
            if saved is not None:
                messages.success(request, _thanks(saved))
                return redirect(request.path + f"#product-{product.pk}")
            status = 422
        forms.append({"product": product, "form": form, "review": review})
    if request.method == "POST" and not any(chosen == str(p.pk) for p in products):
        messages.error(
            request,
            _("This link is for the products of order %(number)s only.")
            % {"number": placed.number},
        )
        status = 422
    return render(
        request,
        "reviews/order.html",
        {"order_number": placed.number, "items": forms},
        status=status,
    )


def _author_of_link(request, placed) -> dict:
    """The order's own account when it is the one signed in; otherwise the order's guest."""
    user = request.user
    if user.is_authenticated and placed.user_id == user.pk:
        return {"user": user}
    return {"order": placed}


def _own(author: dict) -> dict:
    if "user" in author:
        return {"user": author["user"]}
    return {"email": author["order"].email}


@require_POST
def helpful(request, review_id):
    if not request.user.is_authenticated:
        messages.info(request, _("Please sign in to vote."))
        back = request.POST.get("next", "")[:300]
        back = back if back.startswith("/") and not back.startswith("//") else "/"
        return redirect(f"{reverse('account_login')}?{urlencode({'next': back})}")
    try:
        counted = services.vote_helpful(review_id=review_id, user=request.user)
    except ReviewError as error:
        messages.error(request, str(error))
        return _back(request)
    if counted:
        messages.success(request, _("Thank you for your vote."))
    else:
        messages.info(request, _("You have already voted for this review."))
    return _back(request)


def _back(request):
    target = request.POST.get("next", "")[:500]
    # A path on this site only: "6" or "x" would be read as a URL name by redirect().
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("catalog:home")
