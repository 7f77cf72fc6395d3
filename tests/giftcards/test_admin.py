"""The merchant's side: issue one card or a CSV batch (codes shown once), disable a card, give
store credit with a reason, the ledger read-only, and the dashboard's liability equal to the
ledger's sum."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from giftcards import codes
from giftcards.models import GiftCard, LedgerEntry, StoreCreditAccount
from giftcards.selectors import ledger_total, liability
from tests.conftest import make_cart, place
from tests.factories import UserFactory, VariantFactory
from tests.giftcards.kit import apply, books_balance, credit, issue

pytestmark = [pytest.mark.giftcards, pytest.mark.django_db]


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_staff_issue_cards_and_see_the_codes_once(staff):
    page = staff.post(
        reverse("admin:giftcards_giftcard_issue"),
        {"amount": "20", "currency": "USD", "count": 2, "recipient_email": ""},
    )
    assert page.status_code == 200
    html = page.content.decode()
    shown = [i.grouped_code for i in page.context["issued"]]
    assert len(shown) == 2 and all(code in html for code in shown)
    card = GiftCard.objects.first()
    listing = staff.get(reverse("admin:giftcards_giftcard_changelist")).content.decode()
    detail = staff.get(reverse("admin:giftcards_giftcard_change", args=[card.pk])).content
    for code in shown:
        assert code not in listing and codes.normalise(code) not in detail.decode()
    assert card.last4 in listing
    assert card.code_hash not in detail.decode()


def test_a_csv_batch_is_issued_whole_or_not_at_all(staff):
    good = b"amount,currency,expires,recipient_email\n10,USD,2031-01-01,a@example.com\n5,EUR,,\n"
    page = staff.post(
        reverse("admin:giftcards_giftcard_batch"),
        {"csv_file": SimpleUploadedFile("cards.csv", good, content_type="text/csv")},
    )
    assert len(page.context["issued"]) == 2
    bad = b"amount,currency,expires,recipient_email\n10,USD,,\n-3,USD,,\n"
    page = staff.post(
        reverse("admin:giftcards_giftcard_batch"),
        {"csv_file": SimpleUploadedFile("cards.csv", bad, content_type="text/csv")},
    )
    assert "Line 3: check the amount. Nothing was issued." in page.content.decode()
    assert GiftCard.objects.count() == 2


def test_staff_disable_a_card(staff):
    issue("10.00")
    card = GiftCard.objects.get()
    staff.post(reverse("admin:giftcards_giftcard_disable", args=[card.pk]), {"reason": "lost"})
    card.refresh_from_db()
    assert card.is_disabled and card.disabled_reason == "lost"


def test_staff_give_store_credit_with_a_reason(staff):
    user = UserFactory(email="ada@example.com")
    url = reverse("admin:giftcards_storecreditaccount_credit")
    page = staff.post(url, {"email": "ada@example.com", "amount": "15", "currency": "USD",
                            "reason": ""})  # fmt: skip
    assert page.status_code == 200 and not StoreCreditAccount.objects.exists()
    staff.post(url, {"email": "ada@example.com", "amount": "15", "currency": "USD",
                     "reason": "late delivery"})  # fmt: skip
    account = StoreCreditAccount.objects.get(user=user)
    assert account.balance == Decimal("15.00")
    assert LedgerEntry.objects.get(account=account).note == "late delivery"


def test_the_ledger_is_read_only_in_the_admin(staff):
    issue("10.00")
    entry = LedgerEntry.objects.get()
    assert staff.get(reverse("admin:giftcards_ledgerentry_changelist")).status_code == 200
    change = reverse("admin:giftcards_ledgerentry_change", args=[entry.pk])
    assert staff.post(change, {"amount": "99"}).status_code in (302, 403)
    delete = reverse("admin:giftcards_ledgerentry_delete", args=[entry.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.amount == Decimal("10.000")


def test_the_dashboards_liability_is_the_ledgers_sum(staff, shipping_method):
    a = issue("30.00")
    issue("12.50", currency="EUR")
    credit(UserFactory(), "7.00")
    cart = make_cart((VariantFactory(stock_on_hand=5), 1))  # $15
    apply(cart, a.code)
    place(cart, shipping_method)
    assert liability() == {"USD": Decimal("22.000"), "EUR": Decimal("12.500")}
    assert liability() == ledger_total()
    books_balance()
    page = staff.get(reverse("admin:dashboard")).content.decode()
    assert "Owed on gift cards and store credit" in page
    assert "Equal to the ledger" in page
