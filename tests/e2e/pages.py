"""Every page a shopper reaches, and how to reach it, in one place: test_every_page.py loads
each once and checks it at every width (axe at 390 and 1280 px, no page wider than the phone
at 320 to 414 px); test_demo_products.py runs axe over the demo's product pages at 320, 390
and 1280 px. A new page joins every check by being added here."""

import pytest
from moneyed import Money

from tests.conftest import ARTIFACTS
from tests.factories import (
    CategoryFactory,
    ProductFactory,
    ShippingMethodFactory,
    UserFactory,
    VariantFactory,
)

PASSWORD = "correct horse battery"


@pytest.fixture
def small_shop(db, stripe_emulator):
    """A kitchen with a mug in two colours (one sold out) and a sold-out lamp; a shopper with
    an address, one who has not confirmed their email yet, one with two-factor sign-in."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from accounts.models import Address
    from shop.content import demo as content_demo

    shopper = UserFactory(email="shopper@example.com")
    Address.objects.create(
        user=shopper, name="Ada Lovelace", line1="1 Main St", city="Springfield",
        postcode="12345", country="US", region="US-IL", is_default=True,
    )  # fmt: skip
    UserFactory(email="new@example.com", verified=False)
    RecoveryCodes.activate(UserFactory(email="secure@example.com", mfa=True))
    ShippingMethodFactory(name="Standard", price=Money("5.00", "USD"))
    category = CategoryFactory(name="Home & Kitchen", slug="kitchen", description="Things.")
    mug = ProductFactory(name="Stoneware Mug", slug="mug", category=category)
    VariantFactory(product=mug, options={"colour": "Forest"}, stock_on_hand=20)
    VariantFactory(product=mug, options={"colour": "Sand"}, stock_on_hand=0)
    lamp = ProductFactory(name="Brass Lamp", slug="lamp", category=category)
    VariantFactory(product=lamp, options={}, stock_on_hand=0)
    content_demo.load()  # the shop's pages: contact, shipping, returns, privacy, terms
    _shirt()
    _reviews_and_wishlists(shopper, mug)
    _europe()
    _gift_cards(shopper)
    _return_reasons()
    _exchange_owing_a_difference()


GIFT_CARD_CODE = "GFTC-2345-ABCD-6789"


def _gift_cards(shopper):
    """A gift card for sale, a $10 card whose code the pages type, and $7.50 of store credit
    for the shopper."""
    from decimal import Decimal

    from giftcards import codes
    from giftcards import services as giftcards
    from giftcards.models import GiftCard

    category = CategoryFactory(name="Gift cards", slug="gift-cards", description="For anyone.")
    card = ProductFactory(name="Gift Card", slug="gift-card", category=category, is_gift_card=True)
    VariantFactory(product=card, options={}, price=Money("25.00", "USD"), stock_on_hand=1000)
    issued = giftcards.issue_card(amount=Decimal("10.00"), currency="USD", actor="staff")
    GiftCard.objects.filter(pk=issued.card.pk).update(
        code_hash=codes.code_hash(GIFT_CARD_CODE), last4=codes.normalise(GIFT_CARD_CODE)[-4:]
    )
    giftcards.credit_customer(
        user=shopper, amount=Decimal("7.50"), currency="USD", actor="staff", reason="goodwill"
    )


def _apply_gift_card(page, code=GIFT_CARD_CODE):
    page.get_by_label("Gift card code").fill(code)
    submit(page, page.locator("#gift-cards ~ form").get_by_role("button", name="Apply"))


def _to_review(page, base):
    _add_mug(page, base)
    page.goto(base + "/checkout/")
    _fill_checkout(page)
    submit(page, page.get_by_role("button", name="Continue to review"))


def _check_balance(page, base, code=GIFT_CARD_CODE):
    page.goto(base + "/gift-cards/balance/")
    page.get_by_label("Gift card code").fill(code)
    submit(page, page.get_by_role("button", name="Check balance"))


def _return_reasons():
    """The reasons a new shop starts with (its migration's; a live server's test flushes them)."""
    from returns.models import ReturnReason

    if not ReturnReason.objects.exists():
        for position, (name, photos) in enumerate(
            (("It does not fit", False), ("It arrived damaged", True))
        ):
            ReturnReason.objects.create(
                name=name, name_en=name, needs_photos=photos, position=position
            )


def _exchange_owing_a_difference():
    """A guest's delivered scarf, exchanged for the dearer large one (approved): the order
    page offers to pay the difference. The scarf is then unpublished, so no other page of
    the walk shows it."""
    from orders.models import ShippingMethod
    from returns import services as returns
    from returns.models import ReturnReason
    from shop.catalog.listings import refresh_listings
    from shop.catalog.models import Category
    from tests.engagement import delivered_order

    scarf = ProductFactory(
        name="Wool Scarf", slug="scarf", category=Category.objects.get(slug="clothing")
    )
    small = VariantFactory(product=scarf, sku="SCARF-S", stock_on_hand=3)
    large = VariantFactory(
        product=scarf, sku="SCARF-L", stock_on_hand=3, price=Money("14.00", "USD")
    )
    order = delivered_order(
        (small, 1),
        email="exchange-buyer@example.com",
        shipping=ShippingMethod.objects.get(name="Standard"),
    )
    request = returns.request_return(
        order_id=order.pk,
        quantities={order.lines.get().pk: 1},
        reason_id=ReturnReason.objects.first().pk,
        actor=order.email,
        kind="exchange",
        replacements={order.lines.get().pk: large.pk},
    )
    returns.approve(return_id=request.pk, actor="merchant", instructions="Post it back.")
    scarf.is_published = False
    scarf.save()
    refresh_listings(product_ids=[scarf.pk])


def _reviews_and_wishlists(shopper, mug):
    """The mug delivered to a guest (their email's review link) and reviewed by three
    shoppers, one review answered by the shop; the shopper's own review of the lamp not
    published, with the reason; a wishlist shared by another shopper."""
    from orders.models import ShippingMethod
    from reviews import services as reviews
    from tests.engagement import delivered_order
    from wishlists import services as wishlists

    forest = mug.variants.get(stock_on_hand=20)
    standard = ShippingMethod.objects.get(name="Standard")
    delivered_order((forest, 1), email="guest-buyer@example.com", shipping=standard)
    for rating, title, text in (
        (5, "My favourite mug", "Heavy, keeps tea warm, and the glaze is lovely."),
        (4, "Good, a little small", "Holds a modest cup. Otherwise excellent."),
        (2, "Chipped on arrival", "The handle had a chip; the shop sent another at once."),
    ):
        review = reviews.write_review(
            product_id=mug.pk, user=UserFactory(), rating=rating, title=title, text=text,
            author_name="Sam" if rating == 5 else "",
        )  # fmt: skip
        reviews.approve(review_id=review.pk, actor="merchant")
        if rating == 2:
            reviews.reply(review_id=review.pk, text="Sorry about that!", actor="merchant")
    lamp = mug.__class__.objects.get(slug="lamp")
    mine = reviews.write_review(
        product_id=lamp.pk, user=shopper, rating=3, title="Nice light", text="Call me on 555-0100."
    )
    reviews.reject(review_id=mine.pk, reason="Please leave out phone numbers.", actor="merchant")
    friend = UserFactory(email="friend@example.com")
    wishlists.add_for_user(user=friend, product_id=mug.pk)
    wishlists.add_for_user(user=friend, product_id=lamp.pk)
    wishlists.share(user=friend)


def _europe():
    """A second market, so every page has the market selector in its header and footer: the
    euro area, with euro prices for the mug, the shirt and shipping."""
    from decimal import Decimal

    from markets.models import Market
    from orders.models import ShippingMethod, ShippingMethodPrice
    from shop.catalog import services
    from shop.catalog.models import Variant

    Market.objects.create(
        name="Europe", code="eu", currency="EUR", countries=["AT", "DE", "FR", "NL"],
        language="de", prices_include_tax=True, position=1,
    )  # fmt: skip
    for variant in Variant.objects.filter(product__slug__in=["mug", "shirt"]):
        services.set_prices(variant_id=variant.pk, prices={"EUR": Decimal("9.90")})
    for method in ShippingMethod.objects.all():
        ShippingMethodPrice.objects.create(method=method, currency="EUR", price=Decimal("4.90"))


def _shirt():
    """What a shopper meets most: sizes and colours, one size sold out in one colour, and
    several photos (a gallery that scrolls), one of them the colour's own."""
    from shop.catalog.listings import refresh_listings
    from shop.catalog.models import OptionValue
    from tests.factories import ProductImageFactory

    clothing = CategoryFactory(name="Clothing", slug="clothing", description="Clothes.")
    shirt = ProductFactory(name="Linen Shirt", slug="shirt", category=clothing)
    for colour in ("Blue", "Natural"):
        for size in ("S", "M", "L"):
            sold_out = colour == "Blue" and size == "L"
            VariantFactory(
                product=shirt,
                sku=f"SHIRT-{colour[0]}{size}",
                options={"colour": colour, "size": size},
                stock_on_hand=0 if sold_out else 7,
            )
    blue = OptionValue.objects.get(option_type__code="colour", value="Blue")
    for position, (alt, value) in enumerate(
        [("Linen Shirt in blue", blue), ("Close-up of the Linen Shirt", None),
         ("Another view of the Linen Shirt", None)]
    ):  # fmt: skip
        ProductImageFactory(product=shirt, position=position, alt_text=alt, option_value=value)
    refresh_listings(product_ids=[shirt.pk])


def submit(page, button) -> None:
    """Click a button that sends a form, and wait for the page it leads to."""
    with page.expect_navigation():
        button.click()


def _fill_checkout(page, *, email="guest@example.com"):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Address", exact=True).fill("1 Navy Way")
    page.get_by_label("City").fill("Arlington")
    page.get_by_label("Postcode / ZIP").fill("22201")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("State / province").select_option("US-VA")


def _suggest(page, base, typed):
    """The search page with the suggestions open (the page's own box on a phone, the
    header's on a desktop) and the first one chosen with the arrow key."""
    page.goto(base + "/search/")
    box = page.locator("input[type=search]:visible")
    box.press_sequentially(typed, delay=20)
    page.get_by_role("option").first.wait_for()
    box.press("ArrowDown")


def choose_market(page, base, name="Europe (EUR)"):
    """The footer's selector, as a shopper without JavaScript would use it."""
    page.goto(base + "/")
    page.locator("footer").get_by_label("Shopping in").select_option(label=name)
    submit(page, page.locator("footer").get_by_role("button", name="Change"))


def fill_austrian_address(page, *, email="grete@example.com"):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Full name").fill("Grete Berger")
    page.get_by_label("Address", exact=True).fill("Hauptstraße 1")
    page.get_by_label("City").fill("Wien")
    page.get_by_label("Postcode / ZIP").fill("1010")
    page.get_by_label("Country").select_option("AT")


def _add_mug(page, base):
    page.goto(base + "/p/mug/")
    submit(page, page.get_by_role("button", name="Add to cart"))  # leaves a message on the cart


def _sign_in(page, base, email="shopper@example.com"):
    page.goto(base + "/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    submit(page, page.locator("main form button[type=submit]").last)


def _to_payment(page, base):
    _add_mug(page, base)
    page.goto(base + "/checkout/")
    _fill_checkout(page)
    submit(page, page.get_by_role("button", name="Continue to review"))
    submit(page, page.get_by_test_id("place-order"))
    page.get_by_test_id("payment-element").wait_for()


def three_d_secure(page, base):
    _to_payment(page, base)
    page.get_by_label("Card number").fill("4000 0025 0000 3155")
    page.get_by_label("Expiration date").fill("12 / 34")
    page.get_by_label("Security code").fill("123")
    page.locator("#pay-button").click()
    page.get_by_role("dialog").wait_for()


# name -> how to reach it (the browser is on a fresh page with the shop's URL as `base`)
PAGES = {
    "home": lambda page, base: page.goto(base + "/"),
    "category": lambda page, base: page.goto(base + "/c/kitchen/?o=colour:Forest"),
    "category-bad-filter": lambda page, base: page.goto(base + "/c/kitchen/?price_min=-1"),
    "product": lambda page, base: page.goto(base + "/p/mug/"),
    "product-sold-out": lambda page, base: page.goto(base + "/p/lamp/"),
    "product-photos-and-options": lambda page, base: page.goto(base + "/p/shirt/"),
    "product-sold-out-value": lambda page, base: page.goto(base + "/p/shirt/?variant=SHIRT-BL"),
    "search": lambda page, base: page.goto(base + "/search/?q=mug"),
    "search-miss": lambda page, base: page.goto(base + "/search/?q=zzzz"),
    "search-empty": lambda page, base: page.goto(base + "/search/"),
    "search-suggestions": lambda page, base: _suggest(page, base, "mug"),
    "cart-empty": lambda page, base: page.goto(base + "/cart/"),
    "cart-with-message": _add_mug,
    "checkout": lambda page, base: (_add_mug(page, base), page.goto(base + "/checkout/")),
    "checkout-errors": lambda page, base: (
        _add_mug(page, base),
        page.goto(base + "/checkout/"),
        submit(page, page.get_by_role("button", name="Continue to review")),
    ),
    "review": lambda page, base: (
        _add_mug(page, base),
        page.goto(base + "/checkout/"),
        _fill_checkout(page),
        submit(page, page.get_by_role("button", name="Continue to review")),
    ),
    "europe-category": lambda page, base: (
        choose_market(page, base),
        page.goto(base + "/c/kitchen/"),
    ),
    "market-menu": lambda page, base: (
        page.goto(base + "/"),
        page.locator("summary", has_text="USD").click(),
    ),
    "review-repriced-for-europe": lambda page, base: (
        _add_mug(page, base),
        page.goto(base + "/checkout/"),
        fill_austrian_address(page),
        submit(page, page.get_by_role("button", name="Continue to review")),
    ),
    "review-with-gift-card": lambda page, base: (_to_review(page, base), _apply_gift_card(page)),
    "review-gift-card-refused": lambda page, base: (
        _to_review(page, base),
        _apply_gift_card(page, "WRONG-CODE"),
    ),
    "product-gift-card": lambda page, base: page.goto(base + "/p/gift-card/"),
    "gift-card-balance": _check_balance,
    "gift-card-balance-refused": lambda page, base: _check_balance(page, base, "NOPE"),
    "my-gift-cards-and-credit": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/account/gift-cards/"),
    ),
    "sign-in": lambda page, base: page.goto(base + "/accounts/login/"),
    "sign-in-errors": lambda page, base: (
        page.goto(base + "/accounts/login/"),
        page.locator("input[name=login]").fill("nobody@example.com"),
        page.locator("input[name=password]").fill("wrong password"),
        submit(page, page.locator("main form button[type=submit]").last),
    ),
    "sign-up": lambda page, base: page.goto(base + "/accounts/signup/"),
    "password-reset": lambda page, base: page.goto(base + "/accounts/password/reset/"),
    "not-found": lambda page, base: page.goto(base + "/no-such-page/"),
    "shop-page": lambda page, base: page.goto(base + "/pages/returns/"),
    "api-docs": lambda page, base: page.goto(base + "/api/v1/docs/"),
    "pay": _to_payment,
    "pay-3d-secure-dialog": three_d_secure,
    "order": lambda page, base: (
        _to_payment(page, base),
        page.goto(page.url.replace("/pay/", "/").replace("/payments/orders/", "/orders/")),
    ),
    "my-orders": lambda page, base: _sign_in(page, base),
    "addresses-errors": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/account/addresses/"),
        submit(
            page,
            page.locator(
                "main form.address-form button[type=submit], main form button[type=submit]"
            ).last,
        ),
    ),
    "email-addresses": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/accounts/email/"),
    ),
    "change-password": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/accounts/password/change/"),
    ),
    "two-factor": lambda page, base: (_sign_in(page, base), page.goto(base + "/accounts/2fa/")),
    "account-menu": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/"),
        page.locator("summary", has_text="Account").click(),
    ),
    "sign-up-errors": lambda page, base: (
        page.goto(base + "/accounts/signup/"),
        page.locator("input[name=email]").fill("someone@example.com"),
        page.locator("input[name=password1]").fill("short"),
        page.locator("input[name=password2]").fill("shorter"),
        submit(page, page.locator("main form button[type=submit]").last),
    ),
    "verification-sent": lambda page, base: (
        page.goto(base + "/accounts/signup/"),
        page.locator("input[name=email]").fill("someone@example.com"),
        page.locator("input[name=password1]").fill("a long and unusual passphrase"),
        page.locator("input[name=password2]").fill("a long and unusual passphrase"),
        submit(page, page.locator("main form button[type=submit]").last),
    ),
    "confirm-email": lambda page, base: page.goto(base + _confirm_email_path("new@example.com")),
    "password-reset-done": lambda page, base: (
        page.goto(base + "/accounts/password/reset/"),
        page.locator("input[name=email]").fill("shopper@example.com"),
        submit(page, page.locator("main form button[type=submit]").last),
    ),
    "password-reset-from-key": lambda page, base: page.goto(
        base + _reset_path("shopper@example.com")
    ),
    "change-password-errors": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/accounts/password/change/"),
        page.locator("input[name=oldpassword]").fill("not my password"),
        page.locator("input[name=password1]").fill("a long and unusual passphrase"),
        page.locator("input[name=password2]").fill("a long and unusual passphrase"),
        submit(page, page.locator("main form button[type=submit]").last),
    ),
    "set-up-authenticator": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/accounts/2fa/totp/activate/"),  # asks for the password again
        page.locator("input[name=password]").fill(PASSWORD),
        submit(page, page.locator("main").get_by_role("button", name="Confirm")),
    ),
    "two-factor-sign-in": lambda page, base: _sign_in(page, base, email="secure@example.com"),
    "recovery-codes": lambda page, base: (
        _sign_in_with_code(page, base),
        page.goto(base + "/accounts/2fa/recovery-codes/"),  # asks for the password again
        page.locator("input[name=password]").fill(PASSWORD),
        submit(page, page.locator("main").get_by_role("button", name="Confirm")),
    ),
    "reauthenticate": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/accounts/reauthenticate/"),
    ),
    "sign-out": lambda page, base: (_sign_in(page, base), page.goto(base + "/accounts/logout/")),
    "address-edit": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + _address_path("shopper@example.com")),
    ),
    "close-account": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/account/delete/"),
    ),
    "product-reviews-most-helpful": lambda page, base: page.goto(
        base + "/p/mug/?reviews_sort=helpful#reviews"
    ),
    "write-review": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/reviews/write/mug/"),
    ),
    "write-review-errors": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/reviews/write/mug/"),
        submit(page, page.get_by_role("button", name="Publish review")),
    ),
    "my-reviews": lambda page, base: (_sign_in(page, base), page.goto(base + "/reviews/mine/")),
    "review-from-email": lambda page, base: page.goto(base + _review_link_path()),
    "review-link-invalid": lambda page, base: page.goto(base + "/reviews/order/not-a-link/"),
    "wishlist-empty": lambda page, base: page.goto(base + "/wishlist/"),
    "wishlist-save": lambda page, base: page.goto(base + _save_path("mug") + "?next=/c/kitchen/"),
    "wishlist": lambda page, base: (
        page.goto(base + _save_path("mug") + "?next=/wishlist/"),
        submit(page, page.get_by_role("button", name="Save to wishlist")),
    ),
    "wishlist-shared": lambda page, base: page.goto(base + _shared_path("friend@example.com")),
    # Back-in-stock alerts and the emails that bring shoppers back (reminders/).
    "back-in-stock-sign-up": lambda page, base: (
        page.goto(base + "/p/shirt/?variant=SHIRT-BL"),
        page.locator("input[name=email]").fill("fan@example.com"),
        submit(page, page.get_by_role("button", name="Email me when it is back")),
    ),
    "back-in-stock-errors": lambda page, base: (
        page.goto(base + "/p/lamp/"),
        page.locator("[data-stock-alert] input[name=email]").fill("not an address"),
        submit(page, page.get_by_role("button", name="Email me when it is back")),
    ),
    "back-in-stock-confirm": lambda page, base: page.goto(base + _confirm_alert_path()),
    "unsubscribe": lambda page, base: page.goto(base + _unsubscribe_path()),
    "unsubscribed": lambda page, base: (
        page.goto(base + _unsubscribe_path()),
        submit(page, page.locator("main").get_by_role("button", name="Unsubscribe")),
    ),
    "email-preferences": lambda page, base: page.goto(base + _preferences_path()),
    "restore-cart": lambda page, base: page.goto(base + _restore_path()),
    "restore-cart-bad-link": lambda page, base: page.goto(base + "/restore-cart/not-a-link/"),
    # Returns (returns/): the delivered guest order through its emails' signed link.
    "delivered-order": lambda page, base: page.goto(base + _guest_order_path()),
    "return-form": lambda page, base: (
        page.goto(base + _guest_order_path()),
        page.get_by_role("link", name="Return items").click(),
        page.wait_for_load_state(),
    ),
    "return-form-errors": lambda page, base: (
        page.goto(base + _guest_order_path()),
        page.get_by_role("link", name="Return items").click(),
        submit(page, page.get_by_role("button", name="Ask for the return")),
    ),
    "pay-difference": lambda page, base: (
        page.goto(base + _guest_order_path("exchange-buyer@example.com")),
        page.get_by_role("link", name="Pay the difference").click(),
        page.wait_for_load_state(),
    ),
    "return-requested": lambda page, base: (
        page.goto(base + _guest_order_path()),
        page.get_by_role("link", name="Return items").click(),
        page.locator("main input[type=number]").first.fill("1"),
        page.locator("select[name=reason]").select_option(label="It does not fit"),
        submit(page, page.get_by_role("button", name="Ask for the return")),
    ),
}


def _guest_order_path(email: str = "guest-buyer@example.com") -> str:
    """A delivered guest order's page, as the link in its emails opens it (its key)."""
    from orders.models import Order
    from orders.selectors import order_key

    order = Order.objects.get(email=email)
    return f"{order.get_absolute_url()}?key={order_key(order)}"


def _review_link_path() -> str:
    from django.urls import reverse

    from orders.models import Order
    from reviews import links

    order = Order.objects.get(email="guest-buyer@example.com")
    return reverse("reviews:order", kwargs={"token": links.token_for(order)})


def _save_path(slug: str) -> str:
    from django.urls import reverse

    from shop.catalog.models import Product

    return reverse("wishlists:save", args=[Product.objects.get(slug=slug).pk])


def _shared_path(email: str) -> str:
    from django.urls import reverse

    from wishlists.models import Wishlist

    return reverse("wishlists:shared", args=[Wishlist.objects.get(user__email=email).share_token])


def _fill_checkout_by_name(page, *, email="gast@example.com"):
    """The checkout's fields by their names, whatever the page's language."""
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=name]").fill("Grace Hopper")
    page.locator("input[name=line1]").fill("1 Navy Way")
    page.locator("input[name=city]").fill("Arlington")
    page.locator("input[name=postcode]").fill("22201")
    page.locator("select[name=country]").select_option("US")
    page.locator("select[name=region]").select_option("US-VA")


def _add_mug_de(page, base):
    page.goto(base + "/de/p/mug/")
    submit(page, page.get_by_role("button", name="In den Warenkorb"))


def _to_payment_de(page, base):
    _add_mug_de(page, base)
    page.goto(base + "/de/checkout/")
    _fill_checkout_by_name(page)
    submit(page, page.get_by_role("button", name="Weiter zur Prüfung"))
    submit(page, page.get_by_test_id("place-order"))
    page.get_by_test_id("payment-element").wait_for()


def _sign_in_de(page, base, email="shopper@example.com"):
    page.goto(base + "/de/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    submit(page, page.locator("main form button[type=submit]").last)


# The same shop in German (German words are long: each page must still fit a phone and pass
# axe); the pages a shopper meets on the way to buying, and the account's.
GERMAN_PAGES = {
    "de-home": lambda page, base: page.goto(base + "/de/"),
    "de-category": lambda page, base: page.goto(base + "/de/c/kitchen/?o=colour:Forest"),
    "de-product-photos-and-options": lambda page, base: page.goto(base + "/de/p/shirt/"),
    "de-search-miss": lambda page, base: page.goto(base + "/de/search/?q=zzzz"),
    "de-cart-with-message": _add_mug_de,
    "de-checkout-errors": lambda page, base: (
        _add_mug_de(page, base),
        page.goto(base + "/de/checkout/"),
        submit(page, page.get_by_role("button", name="Weiter zur Prüfung")),
    ),
    "de-review": lambda page, base: (
        _add_mug_de(page, base),
        page.goto(base + "/de/checkout/"),
        _fill_checkout_by_name(page),
        submit(page, page.get_by_role("button", name="Weiter zur Prüfung")),
    ),
    "de-pay": _to_payment_de,
    "de-sign-in-errors": lambda page, base: (
        page.goto(base + "/de/accounts/login/"),
        page.locator("input[name=login]").fill("nobody@example.com"),
        page.locator("input[name=password]").fill("wrong password"),
        submit(page, page.locator("main form button[type=submit]").last),
    ),
    "de-sign-up": lambda page, base: page.goto(base + "/de/accounts/signup/"),
    "de-shop-page": lambda page, base: page.goto(base + "/de/pages/returns/"),
    "de-my-orders": lambda page, base: _sign_in_de(page, base),
    "de-addresses-errors": lambda page, base: (
        _sign_in_de(page, base),
        page.goto(base + "/de/account/addresses/"),
        submit(page, page.locator("main form button[type=submit]").last),
    ),
}
PAGES.update(GERMAN_PAGES)


def _confirm_email_path(email: str) -> str:
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from django.urls import reverse

    key = EmailConfirmationHMAC(EmailAddress.objects.get(email=email)).key
    return reverse("account_confirm_email", args=[key])


def _reset_path(email: str) -> str:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.urls import reverse

    from accounts.models import User

    user = User.objects.get(email=email)
    return reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )


def _address_path(email: str) -> str:
    from django.urls import reverse

    from accounts.models import Address

    address = Address.objects.filter(user__email=email).first()
    return reverse("accounts:edit_address", args=[address.pk])


def _confirm_alert_path() -> str:
    from django.urls import reverse

    from reminders import services, tokens
    from shop.catalog.models import Variant

    alert = services.subscribe_to_stock(
        variant_id=Variant.objects.get(product__slug="lamp").pk, email="fan@example.com"
    )
    return reverse("reminders:confirm_alert", args=[tokens.confirm_alert_token(alert.pk)])


def _unsubscribe_path() -> str:
    from django.urls import reverse

    from reminders import tokens

    token = tokens.unsubscribe_token("shopper@example.com", "abandoned_cart")
    return reverse("reminders:unsubscribe", args=[token])


def _preferences_path() -> str:
    from django.urls import reverse

    from reminders import tokens

    return reverse("reminders:preferences", args=[tokens.preferences_token("fan@example.com")])


def _restore_path() -> str:
    """A cart left with two mugs, reminded: its email's link."""
    from django.urls import reverse

    from reminders import services, tokens
    from reminders.models import CartReminder
    from shop.cart.models import Cart, CartLine
    from shop.catalog.models import Variant

    cart = Cart.objects.create()
    mug = Variant.objects.filter(product__slug="mug", stock_on_hand__gt=0).first()
    CartLine.objects.create(cart=cart, variant=mug, quantity=2)
    contact = services.note_checkout(
        cart=cart, email="left@example.com", country="US", consented=False
    )
    reminder = CartReminder.objects.create(contact=contact, episode=1, step=1)
    return reverse("reminders:restore_cart", args=[tokens.restore_token(reminder.pk)])


def _sign_in_with_code(page, base):
    from tests.factories import totp_code

    _sign_in(page, base, email="secure@example.com")
    page.locator("input[name=code]").fill(totp_code())
    submit(page, page.locator("main").get_by_role("button", name="Sign in"))


EXPECTED_HEADINGS = {
    "home": "Good things, honestly priced.",
    "category": "Home & Kitchen",
    "category-bad-filter": "Home & Kitchen",
    "product": "Stoneware Mug",
    "product-sold-out": "Brass Lamp",
    "product-photos-and-options": "Linen Shirt",
    "product-sold-out-value": "Linen Shirt",
    "search": "Results for “mug”",
    "search-miss": "Results for “zzzz”",
    "search-empty": "Search",
    "search-suggestions": "Search",
    "cart-empty": "Your cart",
    "cart-with-message": "Your cart",
    "checkout": "Checkout",
    "checkout-errors": "Checkout",
    "review": "Review your order",
    "europe-category": "Home & Kitchen",
    "market-menu": "Good things, honestly priced.",
    "review-repriced-for-europe": "Review your order",
    "review-with-gift-card": "Review your order",
    "review-gift-card-refused": "Review your order",
    "product-gift-card": "Gift Card",
    "gift-card-balance": "Gift card balance",
    "gift-card-balance-refused": "Gift card balance",
    "my-gift-cards-and-credit": "Gift cards and store credit",
    "sign-in": "Sign in",
    "sign-in-errors": "Sign in",
    "sign-up": "Sign up",
    "password-reset": "Reset your password",
    "not-found": "We could not find that page",
    "shop-page": "Returns and refunds",
    "api-docs": "Storefront API 1.0.0",
    "pay": "Pay $15.00",
    "pay-3d-secure-dialog": "Pay $15.00",
    "order": "Order",
    "my-orders": "My orders",
    "addresses-errors": "Addresses",
    "email-addresses": "Email address",
    "change-password": "Change password",
    "two-factor": "Two-factor authentication",
    "account-menu": "Good things, honestly priced.",
    "sign-up-errors": "Sign up",
    "verification-sent": "Check your inbox",
    "confirm-email": "Confirm your email address",
    "password-reset-done": "Check your inbox",
    "password-reset-from-key": "Change password",
    "change-password-errors": "Change password",
    "set-up-authenticator": "Set up an authenticator app",
    "two-factor-sign-in": "Two-factor authentication",
    "recovery-codes": "Recovery codes",
    "reauthenticate": "Confirm it is you",
    "sign-out": "Sign out",
    "address-edit": "Edit address",
    "close-account": "Close your account",
    "product-reviews-most-helpful": "Stoneware Mug",
    "write-review": "Review Stoneware Mug",
    "write-review-errors": "Review Stoneware Mug",
    "my-reviews": "My reviews",
    "review-from-email": "Review what you bought",
    "review-link-invalid": "This link does not work",
    "wishlist-empty": "Wishlist",
    "wishlist-save": "Save Stoneware Mug to your wishlist?",
    "wishlist": "Wishlist",
    "wishlist-shared": "A shared wishlist",
    "back-in-stock-sign-up": "Check your inbox",
    "back-in-stock-errors": "Email me when it is back",
    "back-in-stock-confirm": "Confirm your alert",
    "unsubscribe": "Unsubscribe",
    "unsubscribed": "You are unsubscribed",
    "email-preferences": "Email preferences",
    "restore-cart": "The cart you left",
    "restore-cart-bad-link": "Your cart",
    "delivered-order": "Order",
    "return-form": "Return items from order",
    "return-form-errors": "Return items from order",
    "pay-difference": "Pay $4.00",
    "return-requested": "Order",
    "de-home": "Gute Dinge zu ehrlichen Preisen.",
    "de-category": "Home & Kitchen",  # the walk's shop has no German names: English shows
    "de-product-photos-and-options": "Linen Shirt",
    "de-search-miss": "Ergebnisse für „zzzz“",
    "de-cart-with-message": "Ihr Warenkorb",
    "de-checkout-errors": "Kasse",
    "de-review": "Bestellung prüfen",
    "de-pay": "15,00\u00a0$ bezahlen",  # the amount as German writes it
    "de-sign-in-errors": "Anmelden",
    "de-sign-up": "Registrieren",
    "de-shop-page": "Rückgabe und Erstattung",
    "de-my-orders": "Meine Bestellungen",
    "de-addresses-errors": "Adressen",
}


def screenshot(page, width: int, name: str) -> None:
    folder = ARTIFACTS / "pages" / str(width)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
