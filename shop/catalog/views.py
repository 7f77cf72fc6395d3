from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from shop.cart.forms import AddToCartForm
from shop.catalog import selectors


def _page(request, queryset):
    paginator = Paginator(queryset, settings.PRODUCTS_PER_PAGE)
    return paginator.get_page(request.GET.get("page"))


def home(request):
    products = selectors.listed_products().order_by("-created_at", "name")[:8]
    return render(
        request,
        "catalog/home.html",
        {"products": products, "categories": selectors.navigation_categories()},
    )


def category(request, slug):
    found = selectors.category_with_descendant_ids(slug)
    if found is None:
        raise Http404("No such category")
    category, ids = found
    page = _page(request, selectors.products_in_categories(ids))
    return render(request, "catalog/category.html", {"category": category, "page": page})


def search(request):
    query = request.GET.get("q", "").strip()
    page = _page(request, selectors.search_products(query))
    return render(request, "catalog/search.html", {"query": query, "page": page})


def product(request, slug):
    product = selectors.product_for_page(slug)
    if product is None:
        raise Http404("No such product")
    variants = list(product.variants.all())
    form = AddToCartForm(variants=variants)
    return render(
        request,
        "catalog/product.html",
        {
            "product": product,
            "variants": variants,
            "selected": next((v for v in variants if v.available), None),
            "images": product.images.all(),
            "form": form,
        },
    )
