"""Wishlists: the heart without JavaScript, a guest's list merged on sign-in, the list with
today's prices and stock, a private read-only link that shows nothing of its owner, the API."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Address
from tests.factories import CategoryFactory, ProductFactory, UserFactory, VariantFactory
from wishlists import services
from wishlists.exceptions import WishlistError
from wishlists.models import Wishlist, WishlistItem

pytestmark = [pytest.mark.engagement, pytest.mark.django_db]

TOGGLE = reverse("wishlists:toggle")


@pytest.fixture
def mug(db):
    category = CategoryFactory(name="Kitchen", slug="kitchen")
    product = ProductFactory(name="Stoneware Mug", slug="mug", category=category)
    return VariantFactory(product=product, price=("12.00", "USD"), stock_on_hand=4)


@pytest.fixture
def lamp(db):
    product = ProductFactory(name="Brass Lamp", slug="lamp")
    return VariantFactory(product=product, price=("40.00", "USD"), stock_on_hand=0)


def _save(client, variant, **extra):
    return client.post(TOGGLE, {"product": variant.product_id, "next": "/p/mug/", **extra})


def test_a_guest_saves_with_the_form_and_sees_price_stock_and_add_to_cart(client, mug, lamp):
    answer = _save(client, mug)
    assert answer.status_code == 302 and answer["Location"] == "/p/mug/"
    _save(client, lamp)
    _save(client, mug)  # pressed again without JavaScript: still once

    page = client.get(reverse("wishlists:detail")).content.decode()
    assert page.count("Stoneware Mug") >= 1 and "$12.00" in page and "$40.00" in page
    assert "In stock" in page and "Sold out" in page
    assert page.index("Brass Lamp") < page.index("Stoneware Mug")  # newest first
    assert 'action="/cart/add/"' in page
    assert WishlistItem.objects.count() == 0  # a guest's list is in their session


def test_add_to_cart_from_the_list(client, mug):
    _save(client, mug)
    client.post(reverse("cart:add"), {"product": mug.product_id, "variant": mug.pk, "quantity": 1})
    assert "Stoneware Mug" in client.get(reverse("cart:detail")).content.decode()


def test_signing_in_merges_the_guests_list_once(client, mug, lamp):
    shopper = UserFactory(email="sam@example.com")
    services.add_for_user(user=shopper, product_id=mug.product_id)
    _save(client, mug)
    _save(client, lamp)
    client.post(
        reverse("account_login"), {"login": "sam@example.com", "password": "correct horse battery"}
    )

    saved = list(
        WishlistItem.objects.filter(wishlist__user=shopper).values_list("product_id", flat=True)
    )
    assert sorted(saved) == sorted([mug.product_id, lamp.product_id])
    assert client.get(reverse("wishlists:saved")).json()["ids"] != []
    assert "wishlist" not in client.session


def test_the_database_keeps_one_item_per_product(mug):
    shopper = UserFactory()
    assert services.add_for_user(user=shopper, product_id=mug.product_id) is True
    assert services.add_for_user(user=shopper, product_id=mug.product_id) is False
    with pytest.raises(IntegrityError), transaction.atomic():
        WishlistItem.objects.create(
            wishlist=Wishlist.objects.get(user=shopper), product=mug.product
        )


@pytest.mark.parametrize("product", ["", "abc", "0", "-1", str(2**63), "99999999", "1\x00"])
def test_an_unknown_product_is_refused_clearly_and_nothing_changes(client, mug, product):
    client.force_login(UserFactory())
    answer = client.post(TOGGLE, {"product": product, "next": "/"}, follow=True)
    assert answer.status_code in (200, 400)
    assert WishlistItem.objects.count() == 0
    if answer.status_code == 200:
        assert "That product is not sold here." in answer.content.decode()


def test_an_unpublished_product_cannot_be_saved(mug):
    mug.product.__class__.objects.filter(pk=mug.product_id).update(is_published=False)
    with pytest.raises(WishlistError):
        services.add_for_user(user=UserFactory(), product_id=mug.product_id)


def test_the_heart_answers_json_for_the_script(client, mug):
    saved = client.post(TOGGLE, {"product": mug.product_id}, HTTP_ACCEPT="application/json")
    assert saved.json()["saved"] is True
    assert client.get(reverse("wishlists:saved")).json()["ids"] == [mug.product_id]
    removed = client.post(
        TOGGLE, {"product": mug.product_id, "action": "remove"}, HTTP_ACCEPT="application/json"
    )
    assert removed.json()["saved"] is False
    assert client.get(reverse("wishlists:saved")).json()["ids"] == []


def test_a_cards_heart_page_saves_with_one_press(client, mug):
    page = client.get(reverse("wishlists:save", args=[mug.product_id]) + "?next=/c/kitchen/")
    assert (
        page.status_code == 200 and "Save Stoneware Mug to your wishlist?" in page.content.decode()
    )
    assert 'value="/c/kitchen/"' in page.content.decode()
    away = client.get(
        reverse("wishlists:save", args=[mug.product_id]) + "?next=https://evil.example/"
    )
    # Not kept as the way back (the language switcher's link to this same page in German
    # carries its query, escaped: that is no way out of the shop).
    html = away.content.decode()
    assert 'name="next" value="https://evil.example/"' not in html
    assert 'href="https://evil.example' not in html and 'action="https://evil.example' not in html
    assert client.get(reverse("wishlists:save", args=[99999999])).status_code == 404


def test_hearts_on_cached_pages_are_the_same_for_every_shopper(settings, client, mug):
    from django.core.cache import cache

    settings.CATALOG_CACHE = True
    cache.clear()
    alice = Client()
    alice.force_login(UserFactory())
    alice.post(TOGGLE, {"product": mug.product_id})
    mine = alice.get("/c/kitchen/").content.decode()
    stranger = Client().get("/c/kitchen/").content.decode()
    cache.clear()
    heart = f'href="/wishlist/save/{mug.product_id}/?next=/c/kitchen/"'
    assert heart in mine and heart in stranger
    assert "aria-pressed" not in stranger  # the script sets it, from the shopper's own list


def test_the_shared_link_shows_the_products_and_nothing_of_the_owner(client, mug):
    owner = UserFactory(email="private-owner@example.com", first_name="Priya")
    Address.objects.create(
        user=owner, name="Priya Secret", line1="9 Hidden Lane", city="Nowhere",
        postcode="00000", country="US", region="US-IL", is_default=True,
    )  # fmt: skip
    services.add_for_user(user=owner, product_id=mug.product_id)
    wishlist = services.share(user=owner)
    assert len(wishlist.share_token) >= 40

    page = Client().get(reverse("wishlists:shared", args=[wishlist.share_token]))
    html = page.content.decode()
    assert page.status_code == 200 and "Stoneware Mug" in html and "$12.00" in html
    for private in ("private-owner", "Priya", "Hidden Lane", "Nowhere"):
        assert private not in html
    assert "Remove" not in html  # read-only
    assert page["X-Robots-Tag"] == "noindex"


def test_a_wrong_or_stopped_link_shows_nothing(client, mug):
    owner = UserFactory()
    services.add_for_user(user=owner, product_id=mug.product_id)
    token = services.share(user=owner).share_token
    assert services.share(user=owner).share_token == token  # sharing again keeps the link
    assert client.get(reverse("wishlists:shared", args=[token[:-1] + "x"])).status_code == 404
    services.stop_sharing(user=owner)
    assert client.get(reverse("wishlists:shared", args=[token])).status_code == 404


def test_sharing_from_the_page(client, mug):
    owner = UserFactory()
    client.force_login(owner)
    _save(client, mug)
    client.post(reverse("wishlists:share"))
    page = client.get(reverse("wishlists:detail")).content.decode()
    token = Wishlist.objects.get(user=owner).share_token
    assert f"/wishlist/shared/{token}/" in page
    client.post(reverse("wishlists:share"), {"action": "stop"})
    assert Wishlist.objects.get(user=owner).share_token is None


def test_a_guest_is_asked_to_sign_in_to_share(client, mug):
    _save(client, mug)
    answer = client.post(reverse("wishlists:share"))
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_the_api_lists_saves_and_removes(client, mug, lamp):
    assert client.get("/api/v1/me/wishlist").status_code == 401
    client.force_login(UserFactory())
    put = client.put(f"/api/v1/me/wishlist/{mug.product_id}")
    assert put.status_code == 201
    assert client.put(f"/api/v1/me/wishlist/{mug.product_id}").status_code == 200
    client.put(f"/api/v1/me/wishlist/{lamp.product_id}")
    items = client.get("/api/v1/me/wishlist").json()["items"]
    assert [i["name"] for i in items] == ["Brass Lamp", "Stoneware Mug"]
    assert items[1]["price_from"]["amount"] == "12.00" and items[1]["in_stock"] is True
    assert items[0]["in_stock"] is False and items[1]["variant_id"] == mug.pk
    for bad in (99999999, 0, 2**62):
        assert client.put(f"/api/v1/me/wishlist/{bad}").status_code == 404
    gone = client.delete(f"/api/v1/me/wishlist/{mug.product_id}")
    assert [i["name"] for i in gone.json()["items"]] == ["Brass Lamp"]
    assert client.delete(f"/api/v1/me/wishlist/{2**70}").status_code in (200, 404, 422)
