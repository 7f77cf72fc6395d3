"""An order remembers the language it was placed in, and every email about it is written in
that language, whatever the language of the worker or the request that causes it."""

import pytest
from django.core import mail
from django.utils import translation

from tests.conftest import make_cart, place
from tests.languages.conftest import catalog_english, english_in, english_phrases, visible_text
from tests.languages.test_german_pages import INFORMAL, _placed_order
from worker import emails
from worker.models import OutboxEmail

pytestmark = pytest.mark.markets

Kind = OutboxEmail.Kind
GERMAN_SUBJECTS = {
    Kind.ORDER_CONFIRMATION: "ist bestätigt",
    Kind.PAYMENT_FAILED: "wartet auf Zahlung",
    Kind.ORDER_SHIPPED: "ist unterwegs",
    Kind.ORDER_REFUNDED: "Eine Erstattung",
    Kind.ORDER_EXPIRED: "wurde nicht abgeschlossen",
}
DATA = {
    Kind.PAYMENT_FAILED: {"message": ""},
    Kind.ORDER_REFUNDED: {
        "amount": "10.00",
        "refunded_total": "10.00",
        "reason": "",
        "items": [{"units": 1, "name": "Steingutbecher", "label": ""}],
        "fully_refunded": False,
    },
}


@pytest.fixture
def german_order(german_shop):
    from orders.models import ShippingMethod
    from shop.catalog.models import Variant

    cart = make_cart((Variant.objects.get(sku="MUG-1"), 2))
    with translation.override("de"):  # as the German checkout's request
        order = place(cart, ShippingMethod.objects.get())
    order.carrier, order.tracking_number = "DHL", "00340434161094042557"
    order.save(update_fields=["carrier", "tracking_number"])
    return order


def test_an_order_placed_on_the_german_pages_is_german(client, german_shop):
    order = _placed_order(client)
    assert order.language == "de"
    assert order.lines.get().product_name == "Steingutbecher"
    assert order.shipping_method_name == "Standardversand"
    # The colour and the tax as the German pages named them, kept for every later email.
    assert (order.lines.get().variant_label, order.tax_name) == ("Waldgrün", "MwSt.")


def test_an_order_placed_in_english_is_english(german_shop):
    from orders.models import ShippingMethod
    from shop.catalog.models import Variant

    with translation.override("en"):  # as an English page's request (or the API's)
        order = place(
            make_cart((Variant.objects.get(sku="MUG-1"), 1)), ShippingMethod.objects.get()
        )
    assert order.language == "en" and order.lines.get().product_name == "Stoneware Mug"
    assert order.lines.get().variant_label == "Forest"


@pytest.mark.parametrize("kind", list(GERMAN_SUBJECTS))
def test_every_email_about_a_german_order_is_german(german_order, kind):
    email = emails.owe_email(order=german_order, kind=kind, data=DATA.get(kind))
    with translation.override("en"):  # the worker's own language does not matter
        message = emails.render(email)
        assert translation.get_language() == "en"  # and is left as it was

    assert GERMAN_SUBJECTS[kind] in message.subject
    html = message.alternatives[0][0]
    for text in (" ".join(message.body.split()), visible_text(html)):
        assert english_in(text, english_phrases()) == [], text
        assert english_in(text, catalog_english()) == [], text  # "Waldgrün", never "Forest"
        assert INFORMAL.findall(text) == [], text
    if kind != Kind.ORDER_EXPIRED:  # the expiry email links the cart instead
        assert f"/de/orders/{german_order.number}/?key=" in message.body
    assert '<html lang="de">' in html


def test_the_expiry_email_of_a_german_order_links_the_german_cart(german_order):
    email = emails.owe_email(order=german_order, kind=Kind.ORDER_EXPIRED)
    assert "/de/cart/" in emails.render(email).body


def test_the_email_sent_for_a_german_order_is_german_and_the_next_english(german_order):
    from orders.models import ShippingMethod
    from shop.catalog.models import Variant

    with translation.override("en"):
        english = place(
            make_cart((Variant.objects.get(sku="MUG-1"), 1)), ShippingMethod.objects.get()
        )
    for order in (german_order, english):
        email = emails.owe_email(order=order, kind=Kind.ORDER_CONFIRMATION)
        with translation.override("de"):  # whatever the worker's thread last spoke
            assert emails.send_once(outbox_id=email.pk)

    german_mail, english_mail = mail.outbox
    assert "ist bestätigt" in german_mail.subject and "Steingutbecher" in german_mail.body
    assert "is confirmed" in english_mail.subject and "Stoneware Mug" in english_mail.body


@pytest.mark.parametrize(
    "reason, german",
    [
        ("Your order was cancelled.", "Ihre Bestellung wurde storniert."),
        (
            "Your payment reached us after your items were no longer held for you, and they had "
            "sold out in the meantime. We are sorry: the full amount has been refunded.",
            "Der volle Betrag wurde erstattet.",
        ),
        ("Kratzer am Griff, wie besprochen.", "Kratzer am Griff, wie besprochen."),  # typed
    ],
)
def test_the_shops_own_refund_reasons_are_written_in_the_orders_language(
    german_order, reason, german
):
    data = {**DATA[Kind.ORDER_REFUNDED], "reason": reason}
    email = emails.owe_email(order=german_order, kind=Kind.ORDER_REFUNDED, data=data)
    with translation.override("en"):
        body = emails.render(email).body
    assert german in body


def test_the_german_order_page_shows_the_shops_own_refund_reason_in_german(client, german_order):
    """A refund the shop explains itself ("Your order was cancelled.") reads in German on the
    German order page; the order's log keeps it as written."""
    from orders.models import OrderEvent
    from orders.selectors import refunds_of

    german_order.refunded_total = german_order.total
    german_order.save(update_fields=["refunded_total"])
    OrderEvent.objects.create(
        order=german_order,
        kind="refunded",
        message="Refunded $5.00",
        data={"amount": "5.00", "reason": "Your order was cancelled."},
    )
    with translation.override("de"):
        (refund,) = refunds_of(german_order)
    assert refund.reason == "Ihre Bestellung wurde storniert."
