from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shop.catalog import cache, picker, prices, sections, selectors, seo
from shop.catalog import images as images_module
from shop.catalog.forms import ListingForm, canonical, option_choices
from shop.catalog.models import MAX_LINE_QUANTITY
from shop.catalog.pages import market_currency, reads_query, render_catalog_page
from shop.catalog.presenters import listing_context, show_chosen_options


@reads_query(lambda data: canonical({}))
def home(request):
    def context():
        products = selectors.purchasable(selectors.listed_products(market_currency(request)))
        return {
            "title": settings.SHOP_NAME,
            "description": _(
                "Everyday goods made to last: clothing, kitchen, outdoors and more, "
                "shipped within two working days."
            ),
            "products": list(products.order_by("-created_at", "name")[:8]),
            "categories": selectors.navigation_categories(),
        }

    return render_catalog_page(
        request, name="home", body_template="catalog/_home_body.html", context=context
    )


def _listing(request, *, tree, category=None, query=""):
    """A category or search page: filters, counts, sort and one page of cards
    (selectors.listing, as the API's).

    Queries: the categories (none when cached), the count with every filter's counts (one),
    the page of products (one)."""
    form = ListingForm(request.GET)
    scope = category.pk if category else None
    sub = tree.by_slug(form.value("cat", "")) if form.value("cat") else None
    if sub is not None and scope is not None and scope not in _ancestors(tree, sub):
        sub = None
    found = selectors.listing(
        tree=tree,
        filters=form.filters(category_ids=tree.descendant_ids(sub.pk) if sub else None),
        category=category,
        text=query,
        sort=form.value("sort") or "",
        currency=market_currency(request),
    )
    paginator = Paginator(found.products, settings.PRODUCTS_PER_PAGE)
    paginator.__dict__["count"] = found.counts.total  # counted with the filters' counts
    page = paginator.get_page(form.value("page", 1))
    page.object_list = list(page.object_list)
    show_chosen_options(page.object_list, found.filters.options)
    return {
        # A sub-category or page that does not exist shows something else: not kept.
        "cacheable": (sub is not None or not form.value("cat"))
        and page.number == form.value("page", 1),
        "page": page,
        "form": form,
        "sort": found.sort,
        "sorts": [(k, v) for k, v in selectors.SORTS.items() if query or k != "relevance"],
        "did_you_mean": found.did_you_mean,
        **listing_context(
            request=request,
            tree=tree,
            scope=category,
            sub=sub,
            filters=found.filters,
            counts=found.counts,
            currency=market_currency(request),
        ),
    }


def _ancestors(tree, category) -> list[int]:
    ids = []
    while category is not None:
        ids.append(category.pk)
        category = tree.categories.get(category.parent_id)
    return ids


@reads_query(lambda data: ListingForm(data).canonical_query(search=False))
def category(request, slug):
    def context():
        tree = selectors.category_tree()
        found = tree.by_slug(slug)
        if found is None:
            raise Http404("No such category")
        listing = _listing(request, tree=tree, category=found)
        listing["page"].object_list = list(listing["page"].object_list)
        return {
            "title": f"{found.name} · {settings.SHOP_NAME}",
            "description": seo.description(found.description, found.name),
            "canonical": found.get_absolute_url(),
            "category": found,
            **listing,
        }

    return render_catalog_page(
        request, name="category", body_template="catalog/_category_body.html", context=context
    )


@reads_query(lambda data: ListingForm(data).canonical_query(search=True))
def search(request):
    query = request.GET.get("q", "").strip()[:200]

    def context():
        if not query:
            return {"title": _("Search · %(shop)s") % {"shop": settings.SHOP_NAME}, "query": ""}
        tree = selectors.category_tree()
        listing = _listing(request, tree=tree, query=query)
        listing["page"].object_list = list(listing["page"].object_list)
        return {
            "title": _("“%(query)s” · Search · %(shop)s")
            % {"query": query, "shop": settings.SHOP_NAME},
            "robots": "noindex, follow",  # result pages are not pages to land on
            "query": query,
            **listing,
        }

    return render_catalog_page(
        request,
        name="search",
        body_template="catalog/_search_body.html",
        context=context,
        extra={"query": query},
    )


def suggest(request):
    """Names to offer while the shopper types in the search box (JSON, one query)."""
    query = request.GET.get("q", "")[:200]
    return JsonResponse(
        {"suggestions": selectors.suggestions(query, currency=market_currency(request))}
    )


def _product_query(data):
    quantity = _quantity(data.get("quantity"))
    return canonical(
        {
            "variant": data.get("variant", "")[:64],
            "quantity": quantity if quantity != 1 else None,
            # The values chosen without JavaScript when they make no variant (picker.py).
            **{f"option_{code}": value for code, value in option_choices(data).items()},
            # What the sections of other apps read (a page of reviews, their order).
            **sections.canonical_params(data),
        }
    )


@reads_query(_product_query)
def product(request, slug):
    """The product page; `?variant=SKU` chooses the variant (shared links, no JavaScript),
    `?option_<code>=<value id>` values that make none, `?quantity=N` keeps what a shopper
    asked for when adding failed."""
    sku = request.GET.get("variant", "")[:64]
    wanted = option_choices(request.GET)
    quantity = _quantity(request.GET.get("quantity"))

    def context():
        product = selectors.product_for_page(slug)
        if product is None:
            raise Http404("No such product")
        # In a market, only the variants priced in its currency are sold; none: not here.
        variants = prices.shown_in(list(product.variants.all()), market_currency(request))
        if not variants:
            raise Http404("Not sold in this market")
        images = list(product.images.all())
        option_types = list(product.option_types.all())
        choices = picker.build(
            variants=variants,
            option_types=option_types,
            links=selectors.option_links(product.pk) if option_types else [],
            sku=sku,
            wanted=wanted,
        )
        selected = choices.selected
        chosen_values = {c.value.pk for p in choices.pickers for c in p.choices if c.selected}
        gallery = [
            (images_module.picture(image, alt=image.alt_text or product.name), shown, image)
            for image, shown in picker.gallery(images, chosen_values)
        ]
        shown_sections, section_data = sections.render_context(product, request.GET)
        return {
            "title": f"{product.name} · {settings.SHOP_NAME}",
            "description": seo.description(product.description, product.name),
            "canonical": product.get_absolute_url(),
            "og_title": product.name,
            "og_type": "product",
            "og_image": seo.absolute(images[0].image.url) if images else None,
            "structured_data": seo.product_structured_data(
                product, variants, images, extra=section_data
            ),
            "sections": shown_sections,
            "product": product,
            "variants": variants,
            "choices": choices,
            "selected": selected,
            "stock_text": picker.stock_text(selected) if selected else "",
            "stock_class": picker.stock_class(selected) if selected else "",
            "variants_json": picker.as_json(choices, option_types),
            "gallery": gallery,
            "quantity": quantity,
            "cacheable": not sku or any(v.sku == sku for v in variants),
        }

    return render_catalog_page(
        request,
        name="product",
        body_template="catalog/_product_body.html",
        context=context,
        versions=[cache.product_version_key(slug)],
    )


def _quantity(text) -> int:
    try:
        return min(max(int(str(text)[:4]), 1), MAX_LINE_QUANTITY)
    except (TypeError, ValueError):
        return 1


@require_POST
def choose(request, slug):
    """Without JavaScript, "Show this choice" posts the chosen options here: back to the
    product page with the variant they make (even sold out), or with the chosen values when
    they make none; never with other values than the shopper chose (picker.py)."""
    product = get_object_or_404(
        selectors.listed_products(market_currency(request)).only("pk", "slug"), slug=slug
    )
    wanted = option_choices(request.POST)
    quantity = _quantity(request.POST.get("quantity"))
    variant = selectors.variant_for_options(
        product_id=product.pk, wanted=wanted, nearest=not wanted
    )
    url = product.get_absolute_url()
    if variant is not None:
        url += "?" + urlencode({"variant": variant.sku, "quantity": quantity})
    elif wanted:
        url += "?" + urlencode(
            {
                **{f"option_{code}": value for code, value in sorted(wanted.items())},
                "quantity": quantity,
            }
        )
    return redirect(url)
