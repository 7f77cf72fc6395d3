"""The load test's gift card buyers share a few cards; its judge counts a card that gave more
than it held, a balance that is not its ledger's sum, or an order whose gift card part is not
what the ledger took (bench/loadtest.py, `giftcard_overspent=` on its last line)."""

import pytest

from bench import loadtest
from giftcards.models import GiftCard
from tests.conftest import make_cart, place
from tests.factories import VariantFactory
from tests.giftcards.kit import apply

pytestmark = [pytest.mark.giftcards, pytest.mark.django_db]


def test_the_load_tests_judge_counts_what_a_gift_card_overspent(shipping_method):
    cards = loadtest._gift_cards()
    assert len(cards) == loadtest.GIFT_CARDS
    code = next(iter(cards))
    for _ in range(3):
        cart = make_cart((VariantFactory(stock_on_hand=5), 4))  # $45 each
        apply(cart, code)
        place(cart, shipping_method)
    assert loadtest.giftcard_overspent(cards.values()) == 0
    GiftCard.objects.filter(pk=cards[code]).update(balance=50)  # moved outside the ledger
    assert loadtest.giftcard_overspent(cards.values()) == 1
