import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shop.catalog import services
from tests.conftest import make_cart, place
from tests.factories import ProductFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_stock_cannot_be_set_below_what_unpaid_orders_hold(shipping_method):
    variant = VariantFactory(stock_on_hand=5)
    place(make_cart((variant, 3)), shipping_method)

    with pytest.raises(ValidationError, match="3 units are reserved"):
        services.set_stock_on_hand(variant_id=variant.pk, quantity=2)

    variant.refresh_from_db()
    assert (variant.stock_on_hand, variant.stock_reserved) == (5, 3)
    services.set_stock_on_hand(variant_id=variant.pk, quantity=3)
    variant.refresh_from_db()
    assert variant.stock_on_hand == 3


def test_saving_a_stale_variant_form_keeps_the_reservations(shipping_method):
    variant = VariantFactory(stock_on_hand=10)
    stale = type(variant).objects.get(pk=variant.pk)  # loaded before the checkout below
    place(make_cart((variant, 4)), shipping_method)

    stale.sku = "RENAMED"
    stale.stock_on_hand = 12
    services.save_variant(variant=stale)

    variant.refresh_from_db()
    assert variant.sku == "RENAMED"
    assert (variant.stock_on_hand, variant.stock_reserved) == (12, 4)


def test_merchant_edits_stock_from_the_stock_list(client, merchant):
    variant = VariantFactory(stock_on_hand=1)
    url = reverse("admin:catalog_variant_changelist")
    response = client.get(url)
    assert response.status_code == 200
    assert variant.sku in response.content.decode()

    response = client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(variant.pk),
            "form-0-stock_on_hand": "40",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    variant.refresh_from_db()
    assert variant.stock_on_hand == 40


def _product_form(category, **extra):
    return {
        "name_en": "Brass Pen",
        "slug": "brass-pen",
        "category": str(category.pk),
        "description_en": "Heavy.",
        "is_published": "on",
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        **extra,
    }


def _variant_fields(index, sku, finish, price, stock):
    return {
        f"variants-{index}-sku": sku,
        f"variants-{index}-option_finish": str(finish.pk),
        f"variants-{index}-price": price,
        f"variants-{index}-stock_on_hand": str(stock),
        f"variants-{index}-position": str(index),
    }


def test_merchant_adds_a_product_then_its_variants_by_choosing_option_values(client, merchant):
    from shop.catalog.models import OptionType, Product

    category = ProductFactory().category
    finish = OptionType.objects.create(name="Finish", code="finish")
    gold = finish.values.create(value="Gold", position=0)
    raw = finish.values.create(value="Raw", position=1)

    added = client.post(
        reverse("admin:catalog_product_add"),
        _product_form(category, option_types=[str(finish.pk)]),
    )
    pen = Product.objects.get(slug="brass-pen")
    change_url = reverse("admin:catalog_product_change", args=[pen.pk])
    page = client.get(change_url).content.decode()
    saved = client.post(
        change_url,
        _product_form(
            category,
            option_types=[str(finish.pk)],
            **{"variants-TOTAL_FORMS": "2"},
            **_variant_fields(0, "PEN-GOLD", gold, "45.00", 7),
            **_variant_fields(1, "PEN-RAW", raw, "40.5", 3),
        ),
    )

    assert added.status_code == 302
    assert 'name="variants-__prefix__-option_finish"' in page  # a choice, not JSON
    assert "Price (USD)" in page and "price_1" not in page  # no currency to pick
    assert saved.status_code == 302, saved.content.decode()[:3000]
    variants = {v.sku: v for v in pen.variants.all()}
    assert variants["PEN-GOLD"].options == {"finish": "Gold"}
    assert variants["PEN-RAW"].label == "Raw" and variants["PEN-RAW"].stock_on_hand == 3
    assert str(variants["PEN-RAW"].price.amount) == "40.500"  # stored; shown as 40.50
    assert 'value="40.50"' in client.get(change_url).content.decode()
    pen.refresh_from_db()
    assert pen.facet_values == ["finish:Gold", "finish:Raw"]


def test_two_variants_with_the_same_options_are_refused(client, merchant):
    from shop.catalog.models import OptionType, Product

    category = ProductFactory().category
    finish = OptionType.objects.create(name="Finish", code="finish")
    gold = finish.values.create(value="Gold")
    client.post(
        reverse("admin:catalog_product_add"),
        _product_form(category, option_types=[str(finish.pk)]),
    )
    pen = Product.objects.get(slug="brass-pen")

    response = client.post(
        reverse("admin:catalog_product_change", args=[pen.pk]),
        _product_form(
            category,
            option_types=[str(finish.pk)],
            **{"variants-TOTAL_FORMS": "2"},
            **_variant_fields(0, "PEN-A", gold, "45.00", 7),
            **_variant_fields(1, "PEN-B", gold, "45.00", 7),
        ),
    )

    assert response.status_code == 200
    assert "have the same options" in response.content.decode()
    assert not pen.variants.exists()


def test_reserving_respects_the_database_check_even_without_the_module():
    from django.db import IntegrityError, transaction

    from shop.catalog.models import Variant

    variant = VariantFactory(stock_on_hand=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(stock_reserved=3)


def test_a_plain_save_never_writes_stale_stock(shipping_method):
    variant = VariantFactory(stock_on_hand=5)
    stale = type(variant).objects.get(pk=variant.pk)
    place(make_cart((variant, 2)), shipping_method)

    stale.stock_on_hand = 99
    stale.save()

    variant.refresh_from_db()
    assert (variant.stock_on_hand, variant.stock_reserved) == (5, 2)


HELD_BY_UNPAID = "2 on hand, 2 held by orders awaiting payment, 0 available"


def _held_lamp(shipping_method, on_hand=2):
    lamp = VariantFactory(product__name="Brass Lamp", sku="LAMP-1", stock_on_hand=on_hand)
    place(make_cart((lamp, 2)), shipping_method)  # not paid: two units held
    return lamp


def test_the_stock_list_says_why_stock_of_2_is_sold_out(client, merchant, shipping_method):
    """Issue 30: a merchant set stock to 2 and saw "Sold out" with no word of the holds."""
    _held_lamp(shipping_method)

    body = client.get(reverse("admin:catalog_variant_changelist")).content.decode()

    assert HELD_BY_UNPAID in body


def test_the_product_and_variant_pages_say_why_stock_of_2_is_sold_out(
    client, merchant, shipping_method
):
    lamp = _held_lamp(shipping_method)

    page = client.get(reverse("admin:catalog_product_change", args=[lamp.product_id]))
    variant_page = client.get(reverse("admin:catalog_variant_change", args=[lamp.pk]))

    assert HELD_BY_UNPAID in page.content.decode()
    assert HELD_BY_UNPAID in variant_page.content.decode()


def test_saving_stock_all_held_by_unpaid_orders_warns_the_merchant(
    client, merchant, shipping_method
):
    lamp = _held_lamp(shipping_method, on_hand=5)
    response = client.post(
        reverse("admin:catalog_variant_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(lamp.pk),
            "form-0-stock_on_hand": "2",
            "form-0-allow_backorder": "",
            "_save": "Save",
        },
        follow=True,
    )

    assert f"LAMP-1: {HELD_BY_UNPAID}, so shoppers see it sold out" in (response.content.decode())


def test_the_stock_list_and_product_page_cost_the_same_queries_for_2_or_12_variants(
    client, merchant, shipping_method
):
    """The stock words come from the variant's own columns: no query per row."""
    few = ProductFactory(name="Few")
    many = ProductFactory(name="Many")
    for _n in range(2):
        VariantFactory(product=few, stock_on_hand=3)
    for _n in range(12):
        VariantFactory(product=many, stock_on_hand=3)
    stock_list = reverse("admin:catalog_variant_changelist")

    def count(url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few_list = count(stock_list + f"?product__id__exact={few.pk}")
    many_list = count(stock_list + f"?product__id__exact={many.pk}")
    few_page = count(reverse("admin:catalog_product_change", args=[few.pk]))
    many_page = count(reverse("admin:catalog_product_change", args=[many.pk]))

    assert many_list == few_list
    assert many_page == few_page, (few_page, many_page)
