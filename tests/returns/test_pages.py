"""The shopper's side: the order page offers "Return items" with the rules, the form asks for
the return (a guest through the signed link in their emails), and the page shows its status."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from orders.selectors import signed_order_url
from returns import services
from returns.models import ReturnRequest
from tests.conftest import make_cart, place
from tests.factories import VariantFactory
from tests.returns.conftest import paid_without_stripe

pytestmark = [pytest.mark.returns, pytest.mark.django_db]


def _as_guest(client, order):
    client.get(signed_order_url(order))
    return client


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_the_order_page_shows_the_rules_and_a_return_button(client, delivered):
    page = _as_guest(client, delivered).get(delivered.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200
    assert "within 30 days of delivery" in body
    assert reverse("returns:start", args=[delivered.number]) in body


def test_a_guest_asks_for_a_return_and_sees_its_status(client, delivered, reason):
    _as_guest(client, delivered)
    url = reverse("returns:start", args=[delivered.number])
    form = client.get(url)
    assert "Final-sale items cannot be returned." in form.content.decode()
    line = delivered.lines.get()
    answer = client.post(
        url,
        {f"line_{line.pk}": "1", "kind": "refund", "reason": reason.pk, "comment": "Too small"},
    )
    assert answer.status_code == 302
    request = ReturnRequest.objects.get()
    assert request.lines.get().quantity == 1 and request.comment == "Too small"
    assert request.requested_by == delivered.email
    page = client.get(delivered.get_absolute_url()).content.decode()
    assert 'data-testid="return-status">Requested' in page

    services.decline(return_id=request.pk, actor="merchant", reason="It was worn.")
    page = client.get(delivered.get_absolute_url()).content.decode()
    assert "It was worn." in page


def test_nothing_chosen_is_a_clear_error_and_changes_nothing(client, delivered, reason):
    _as_guest(client, delivered)
    url = reverse("returns:start", args=[delivered.number])
    line = delivered.lines.get()
    answer = client.post(url, {f"line_{line.pk}": "0", "kind": "refund", "reason": reason.pk})
    assert answer.status_code == 422
    assert "Choose at least one item to return." in answer.content.decode()
    answer = client.post(url, {f"line_{line.pk}": "9", "kind": "refund", "reason": reason.pk})
    assert answer.status_code == 422
    assert not ReturnRequest.objects.exists()


def test_damage_photos_are_stored_without_their_metadata(client, delivered, damaged):
    _as_guest(client, delivered)
    line = delivered.lines.get()
    photo = SimpleUploadedFile("damage.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    answer = client.post(
        reverse("returns:start", args=[delivered.number]),
        {f"line_{line.pk}": "1", "kind": "refund", "reason": damaged.pk, "photos": [photo]},
    )
    assert answer.status_code == 302
    stored = ReturnRequest.objects.get().photos.get()
    with stored.image.open("rb") as handle:
        data = handle.read()
    assert b"SecretCam" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (40, 30)
        assert not image.getexif()


def test_a_file_that_is_not_a_picture_is_refused(client, delivered, damaged):
    _as_guest(client, delivered)
    line = delivered.lines.get()
    fake = SimpleUploadedFile("damage.jpg", b"not a picture", content_type="image/jpeg")
    answer = client.post(
        reverse("returns:start", args=[delivered.number]),
        {f"line_{line.pk}": "1", "kind": "refund", "reason": damaged.pk, "photos": [fake]},
    )
    assert answer.status_code == 422
    assert not ReturnRequest.objects.exists()


def test_an_undelivered_order_says_it_is_a_cancellation(client, shipping_method, variant, reason):
    order = paid_without_stripe(place(make_cart((variant, 1)), shipping_method))
    _as_guest(client, order)
    url = reverse("returns:start", args=[order.number])
    page = client.get(url)
    assert "cancel" in page.content.decode()
    line = order.lines.get()
    answer = client.post(url, {f"line_{line.pk}": "1", "kind": "refund", "reason": reason.pk})
    assert answer.status_code == 409
    assert not ReturnRequest.objects.exists()


def test_someone_else_cannot_see_or_return_the_order(client, delivered, reason):
    url = reverse("returns:start", args=[delivered.number])
    assert client.get(url).status_code == 404
    line = delivered.lines.get()
    answer = client.post(url, {f"line_{line.pk}": "1", "kind": "refund", "reason": reason.pk})
    assert answer.status_code == 404
    assert not ReturnRequest.objects.exists()


def test_an_exchange_asks_for_another_variant_of_the_same_product(
    client, delivered, variant, reason
):
    other_size = VariantFactory(product=variant.product, stock_on_hand=3)
    _as_guest(client, delivered)
    line = delivered.lines.get()
    answer = client.post(
        reverse("returns:start", args=[delivered.number]),
        {
            f"line_{line.pk}": "1",
            "kind": "exchange",
            "reason": reason.pk,
            f"replacement_{line.pk}": other_size.pk,
        },
    )
    assert answer.status_code == 302
    request = ReturnRequest.objects.get()
    assert request.kind == "exchange"
    assert request.lines.get().replacement_variant == other_size
