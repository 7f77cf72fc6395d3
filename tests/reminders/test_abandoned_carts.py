"""Abandoned-cart reminders: each step once, never when they must not go, the restore link,
the recovered revenue, on PostgreSQL."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from moneyed import Money

from orders.models import Voucher
from orders.services.paying import mark_paid
from reminders import selectors, services, tokens
from reminders.models import CartContact, CartRecovery, CartReminder
from shop.cart.models import Cart, CartLine
from shop.cart.selectors import SESSION_KEY
from tests.conftest import checkout_details, make_cart, place
from tests.factories import UserFactory, VariantFactory
from worker.models import OutboxEmail

pytestmark = [pytest.mark.engagement, pytest.mark.django_db]


def _age(contact, hours):
    """As if the shopper last touched the cart `hours` ago."""
    then = timezone.now() - timedelta(hours=hours)
    CartLine.objects.filter(cart_id=contact.cart_id).update(added_at=then)
    Cart.objects.filter(pk=contact.cart_id).update(updated_at=then)
    CartContact.objects.filter(pk=contact.pk).update(checkout_at=then)
    contact.refresh_from_db()
    return contact


@pytest.fixture
def mug(db):
    return VariantFactory(sku="MUG", stock_on_hand=5, product__name="Stoneware Mug")


def _left(variant, *, email="ada@example.com", country="US", consented=False, hours=11):
    cart = make_cart((variant, 2))
    contact = services.note_checkout(
        cart=cart, email=email, country=country, consented=consented, language="en"
    )
    return _age(contact, hours)


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """The periodic scan, with what its commits queue run (the emails), as the worker would."""

    def run(now=None):
        with django_capture_on_commit_callbacks(execute=True):
            return services.remind_abandoned_carts(now=now)

    return run


def _reminders():
    return OutboxEmail.objects.filter(kind="abandoned_cart")


def test_each_reminder_step_goes_once(mug, remind, mailoutbox, settings):
    settings.ABANDONED_CART_REMINDERS = 2
    settings.ABANDONED_CART_SPACING_HOURS = 24
    _left(mug)
    mug.price = Money("12.50", "USD")  # the price today, not the one at checkout
    mug.save()

    assert remind() == 1
    assert remind() == 0  # the scan again, a retried task: nothing more
    [message] = mailoutbox
    assert message.to == ["ada@example.com"] and "cart" in message.subject
    assert "2 × Stoneware Mug" in message.body and "$25.00" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.search(
        r"<https://shop\.test/email/unsubscribe/[^>]+/>", message.extra_headers["List-Unsubscribe"]
    )
    assert "https://shop.test/email/preferences/" in message.body
    assert "https://shop.test/restore-cart/" in message.body

    assert remind(timezone.now() + timedelta(hours=23)) == 0  # too soon for step 2
    assert remind(timezone.now() + timedelta(hours=25)) == 1
    assert remind(timezone.now() + timedelta(hours=80)) == 0  # at most two
    assert len(mailoutbox) == 2
    assert sorted(_reminders().values_list("reference", flat=True)) == [
        f"cart-{CartContact.objects.get().cart_id}-1-1",
        f"cart-{CartContact.objects.get().cart_id}-1-2",
    ]


def test_a_cart_not_idle_long_enough_waits(mug, remind, settings):
    settings.ABANDONED_CART_DELAY_HOURS = 10
    _left(mug, hours=9)
    assert remind() == 0
    assert remind(timezone.now() + timedelta(hours=1, minutes=1)) == 1


def test_an_empty_cart_or_one_without_an_address_gets_nothing(mug, remind):
    contact = _left(mug)
    CartLine.objects.filter(cart_id=contact.cart_id).delete()
    make_cart((mug, 1))  # a guest's cart nobody gave an address for
    assert remind() == 0 and not CartReminder.objects.exists()


def test_never_after_the_shopper_ordered(mug, remind, shipping_method, mailoutbox):
    contact = _left(mug, email="ada@example.com")
    other = make_cart((mug, 1))
    place(other, shipping_method, email="Ada@Example.com")  # bought, from another device
    assert remind() == 0 and mailoutbox == []
    assert selectors.why_not_remind(contact) == "ordered"


def test_never_when_the_order_came_between_the_decision_and_the_sending(
    mug, shipping_method, mailoutbox, django_capture_on_commit_callbacks
):
    _left(mug)
    assert services.remind_abandoned_carts() == 1  # owed; the worker has not sent it yet
    place(make_cart((mug, 1)), shipping_method, email="ada@example.com")
    from worker.tasks import send_email

    send_email.apply(args=[_reminders().get().pk])
    assert _reminders().get().status == "skipped" and mailoutbox == []


def test_never_after_a_newer_checkout(mug, remind):
    old = _left(mug, hours=30)
    _left(mug, hours=12)  # the same address checked out with another cart since
    assert remind() == 1
    assert not CartReminder.objects.filter(contact=old).exists()


def test_never_after_unsubscribing(mug, remind):
    _left(mug)
    services.unsubscribe(email="ada@example.com", topic="abandoned_cart")
    assert remind() == 0


def test_never_when_everything_is_sold_out(mug, remind, mailoutbox):
    _left(mug)
    mug.stock_on_hand = 0
    mug.save(update_fields=["stock_on_hand"])
    assert remind() == 0 and mailoutbox == []


@pytest.mark.parametrize(
    ("country", "consented", "sent"),
    [("FR", False, 0), ("FR", True, 1), ("DE", False, 0), ("US", False, 1), ("", False, 0)],
)
def test_consent_countries_need_the_opt_in(mug, remind, country, consented, sent):
    _left(mug, country=country, consented=consented)
    assert remind() == sent


def test_the_consent_countries_are_a_setting(mug, remind, settings):
    settings.MARKETING_CONSENT_COUNTRIES = ["US"]
    _left(mug, country="FR")
    assert remind() == 1


def test_the_checkout_keeps_the_address_and_the_opt_in(client, mug, shipping_method):
    client.post("/cart/add/", {"variant": mug.pk, "quantity": 1})
    page = client.get("/checkout/").content.decode()
    box = re.search(r'<input[^>]*name="marketing_opt_in"[^>]*>', page).group(0)
    assert "checked" not in box  # unticked by default

    details = checkout_details(shipping_method, country="FR", city="Paris", postcode="75001")
    assert client.post("/checkout/", details).status_code == 302
    contact = CartContact.objects.get()
    assert (contact.email, contact.country, contact.consented) == ("ada@example.com", "FR", False)

    client.post("/checkout/", {**details, "marketing_opt_in": "on"})
    contact.refresh_from_db()
    assert contact.consented is True and contact.checkout_at is not None
    assert CartContact.objects.count() == 1


def test_a_signed_in_shoppers_cart_is_reminded_at_their_account_address(mug, remind, mailoutbox):
    from accounts.models import Address

    user = UserFactory(email="sam@example.com")
    Address.objects.create(
        user=user, name="Sam", line1="1 Main St", city="Springfield", postcode="12345",
        country="US", region="US-IL", is_default=True,
    )  # fmt: skip
    cart = Cart.objects.create(user=user)
    CartLine.objects.create(cart=cart, variant=mug, quantity=1)
    then = timezone.now() - timedelta(hours=11)
    CartLine.objects.filter(cart=cart).update(added_at=then)
    Cart.objects.filter(pk=cart.pk).update(updated_at=then)
    assert remind() == 1
    assert mailoutbox[0].to == ["sam@example.com"]
    assert CartContact.objects.get().country == "US"


def test_the_last_reminder_can_carry_a_single_use_code(mug, remind, mailoutbox, settings):
    settings.ABANDONED_CART_VOUCHER_PERCENT = 10
    settings.ABANDONED_CART_REMINDERS = 2
    _left(mug)
    remind()
    assert not Voucher.objects.exists()  # off for the first reminder
    remind(timezone.now() + timedelta(days=2))
    voucher = Voucher.objects.get()
    assert (voucher.usage_limit, voucher.per_customer_limit, voucher.value) == (1, 1, Decimal(10))
    assert voucher.code in mailoutbox[1].body and voucher.code not in mailoutbox[0].body


def test_no_code_when_the_setting_is_off(mug, remind):
    _left(mug)
    remind()
    remind(timezone.now() + timedelta(days=2))
    assert not Voucher.objects.exists()


# --- the restore link ---------------------------------------------------------------------


def _restore_path(mailoutbox) -> str:
    return re.search(r"https://shop\.test(/restore-cart/[^/\s]+/)", mailoutbox[-1].body).group(1)


def test_the_link_restores_the_lines_in_a_fresh_session(mug, remind, mailoutbox):
    contact = _left(mug, email="ada@example.com")
    CartLine.objects.create(
        cart_id=contact.cart_id, variant=VariantFactory(stock_on_hand=0), quantity=1
    )
    _age(contact, 11)
    remind()
    path = _restore_path(mailoutbox)

    stranger = Client()  # another browser: no session, nobody signed in
    page = stranger.get(path)
    html = page.content.decode()
    assert page.status_code == 200 and "Stoneware Mug" in html
    assert "ada@example.com" not in html and "Springfield" not in html and "London" not in html
    assert "_auth_user_id" not in stranger.session

    response = stranger.post(path)
    assert response.status_code == 302 and response.url == "/cart/"
    cart = Cart.objects.get(pk=stranger.session[SESSION_KEY])
    assert cart.pk != contact.cart_id and cart.user is None
    assert list(cart.lines.values_list("variant__sku", "quantity")) == [
        ("MUG", 2)
    ]  # sold out left out
    assert "_auth_user_id" not in stranger.session
    stranger.post(path)  # twice is once
    assert list(cart.lines.values_list("quantity", flat=True)) == [2]
    assert CartRecovery.objects.filter(cart=cart).count() == 1
    # The reminded cart itself is untouched.
    assert CartLine.objects.filter(cart_id=contact.cart_id).count() == 2


@pytest.mark.parametrize("tamper", ["flip", "other-kind", "expired", "gone"])
def test_a_tampered_expired_or_dead_link_is_a_clear_error(mug, remind, mailoutbox, tamper):
    contact = _left(mug)
    remind()
    reminder = CartReminder.objects.get()
    token = tokens.restore_token(reminder.pk)
    if tamper == "flip":
        token = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
        status, says = 400, "not valid"
    elif tamper == "other-kind":
        token = signing.dumps({"r": reminder.pk}, salt="reminders.preferences", compress=True)
        status, says = 400, "not valid"
    elif tamper == "expired":
        old = timezone.now() - timedelta(days=8)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("time.time", lambda: old.timestamp())
            token = tokens.restore_token(reminder.pk)
        status, says = 410, "expired"
    else:
        CartLine.objects.filter(cart_id=contact.cart_id).delete()
        status, says = 410, "no longer there"
    client = Client()
    for response in (client.get(f"/restore-cart/{token}/"), client.post(f"/restore-cart/{token}/")):
        assert response.status_code == status and says in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_order_from_a_restored_cart_counts_as_recovered(
    mug, remind, mailoutbox, shipping_method, client
):
    _left(mug)
    remind()
    shopper = Client()
    shopper.post(_restore_path(mailoutbox))
    cart = Cart.objects.get(pk=shopper.session[SESSION_KEY])
    order = place(cart, shipping_method, email="someone@example.com")
    mark_paid(order_id=order.pk, amount=order.total, reference="pi_back", actor="test")

    recovery = CartRecovery.objects.get()
    assert recovery.order == order and recovery.revenue == order.total
    assert selectors.recovered_revenue() == order.total
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:dashboard")).content.decode()
    assert "Recovered from cart reminders" in page and "$25.00" in page


def test_an_order_not_from_a_restored_cart_is_not_counted(mug, shipping_method):
    order = place(make_cart((mug, 1)), shipping_method)
    mark_paid(order_id=order.pk, amount=order.total, reference="pi_plain", actor="test")
    assert selectors.recovered_revenue() == Money(0, "USD")


def test_ordering_from_the_reminded_cart_starts_a_new_episode(mug, remind, shipping_method):
    contact = _left(mug)
    remind()
    order = place(contact.cart, shipping_method, email="ada@example.com")
    mark_paid(order_id=order.pk, amount=order.total, reference="pi_same", actor="test")
    contact.refresh_from_db()
    assert contact.episode == 2
    assert remind(timezone.now() + timedelta(days=3)) == 0  # bought: nothing more


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_workers_scanning_at_once_owe_each_step_once(require_postgres):
    from tests.orders.test_concurrency import _run_at_once

    variant = VariantFactory(stock_on_hand=5)
    contacts = [_left(variant, email=f"c{i}@example.com") for i in range(3)]
    results = _run_at_once([lambda: services.remind_abandoned_carts() for _ in range(4)])
    assert sum(results) == 3
    assert CartReminder.objects.count() == 3
    assert OutboxEmail.objects.filter(kind="abandoned_cart").count() == 3
    assert {r.contact_id for r in CartReminder.objects.all()} == {c.pk for c in contacts}


def test_the_apis_quote_keeps_the_address_and_the_opt_in(client, mug, shipping_method):
    token = client.post("/api/v1/carts", {}, content_type="application/json").json()["token"]
    client.post(
        f"/api/v1/carts/{token}/lines",
        {"variant_id": mug.pk, "quantity": 1},
        content_type="application/json",
    )
    body = {
        "email": "App@Example.com",
        "address": {
            "name": "Ada", "line1": "1 Rue", "line2": "", "city": "Paris", "postcode": "75001",
            "region": "", "country": "FR", "phone": "",
        },
        "marketing_opt_in": True,
    }  # fmt: skip
    response = client.post(f"/api/v1/carts/{token}/quote", body, content_type="application/json")
    assert response.status_code == 200, response.json()
    contact = CartContact.objects.get()
    assert (contact.email, contact.country, contact.consented) == ("app@example.com", "FR", True)
