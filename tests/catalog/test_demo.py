import pytest
from django.core.management import call_command

from orders.models import ShippingMethod, TaxRate, Voucher
from shop.catalog.models import Category, Product, ProductImage, Variant

# Also on SQLite, the database of `make run` (`make test-sqlite`).
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def _counts():
    return (
        Category.objects.count(),
        Product.objects.count(),
        Variant.objects.count(),
        ProductImage.objects.count(),
        ShippingMethod.objects.count(),
        TaxRate.objects.count(),
        Voucher.objects.count(),
    )


def _small_shot(kind, colour, view=0):
    """A 64 px stand-in for a 960 px drawing: what the loader does with photos is the same,
    in a fraction of the time (each kind is drawn for real below)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def test_demo_catalog_loads_once_and_twice_changes_nothing(monkeypatch):
    from shop.catalog import drawings

    monkeypatch.setattr(drawings, "product_shot", _small_shot)
    call_command("load_demo")
    first = _counts()
    stock = list(Variant.objects.order_by("sku").values_list("sku", "stock_on_hand", "price"))

    call_command("load_demo")

    assert first == _counts()
    assert first[0] == 6 and 35 <= first[1] <= 45 and first[3] >= 2 * first[1]
    assert stock == list(
        Variant.objects.order_by("sku").values_list("sku", "stock_on_hand", "price")
    )


def test_every_kind_of_demo_product_is_drawn_as_a_photo_in_every_view(monkeypatch):
    """The real drawings, every kind once (the loader draws 125 of them at 960 px): one at
    full size, the others at 240 px, which runs the same code a sixteenth of the pixels."""
    import io

    from PIL import Image, ImageChops

    from shop.catalog import drawings
    from shop.catalog.demo import CATALOG, COLOURS

    kinds = dict(
        sorted({(spec[3], spec[4][0]) for c in CATALOG.values() for spec in c["products"]})
    )
    assert set(kinds) == set(drawings.KINDS)  # every drawing is used
    monkeypatch.setitem(drawings.KINDS, "nothing", lambda *args: None)
    full = drawings.SIZE
    for number, (kind, colour) in enumerate(kinds.items()):
        picture = Image.open(
            io.BytesIO(drawings.product_shot(kind, COLOURS[colour], view=number % 3))
        )
        assert picture.format == "JPEG" and picture.size == (drawings.SIZE,) * 2
        # Drawn: the product covers part of the picture, not only the backdrop (1 % at the
        # least: a pour-over seen from afar).
        backdrop = Image.open(
            io.BytesIO(drawings.product_shot("nothing", "#000000", view=number % 3))
        )
        changed = ImageChops.difference(picture, backdrop).convert("L").point(lambda v: v > 24)
        assert changed.histogram()[1] / (picture.width * picture.height) > 0.01, kind
        monkeypatch.setattr(drawings, "SIZE", full // 4)


def test_make_run_serves_before_the_photos_are_drawn_and_draws_them_meanwhile(
    transactional_db, monkeypatch
):
    """The first `make run` used to draw 125 photos (and their renditions) before listening:
    half a minute. Now the shop serves its stocked catalog at once and the photos follow."""
    import io
    import threading

    from django.core.management.commands.runserver import Command as RunserverCommand
    from PIL import Image

    from shop.catalog import drawings
    from shop.management.commands import run_demo

    def small_shot(kind, colour, view=0):
        buffer = io.BytesIO()
        Image.new("RGB", (64, 64), colour).save(buffer, "JPEG")
        return buffer.getvalue()

    seen = {}

    def serve(self, *args, **options):  # where the server would listen
        seen["products"], seen["images"] = Product.objects.count(), ProductImage.objects.count()
        for thread in threading.enumerate():
            if thread.name == "demo-photos":
                thread.join(timeout=120)

    monkeypatch.setattr(drawings, "product_shot", small_shot)
    monkeypatch.setattr(run_demo.Command, "_start_emulator", lambda self: None)
    monkeypatch.setattr(run_demo, "_port_open", lambda host, port: True)  # "it listens"
    monkeypatch.setattr(RunserverCommand, "handle", serve)
    call_command("run_demo", "127.0.0.1:0")

    assert seen["products"] >= 35 and seen["images"] == 0  # stocked, with placeholders
    products_without_photos = Product.objects.filter(images__isnull=True).count()
    assert products_without_photos == 0 and ProductImage.objects.count() >= 2 * seen["products"]
