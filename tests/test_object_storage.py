"""Media on object storage: an image uploaded in the admin goes to the S3 bucket with its
renditions, and the pages point every shopper at the bucket, so any web node serves it and
none keeps a file of its own."""

import re
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shop.catalog.models import ProductImage
from tests.factories import ProductFactory, UserFactory, VariantFactory, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_object_storage(object_storage, settings):
    settings.STORAGES = {**settings.STORAGES, "default": object_storage["storage"]}
    return object_storage


def test_an_image_uploaded_through_the_admin_is_served_from_the_bucket(on_object_storage):
    product = ProductFactory(name="Brass Lamp", slug="lamp")
    VariantFactory(product=product)
    merchant = Client()
    merchant.force_login(UserFactory(is_staff=True, is_superuser=True))
    media_before = set(Path(django_settings.MEDIA_ROOT).rglob("*"))

    response = merchant.post(
        reverse("admin:catalog_product_change", args=[product.pk]),
        {
            "name_en": "Brass Lamp",
            "slug": "lamp",
            "category": product.category_id,
            "description_en": "Warm light.",
            "is_published": "on",
            "variants-TOTAL_FORMS": "1",
            "variants-INITIAL_FORMS": "1",
            "variants-0-id": product.variants.get().pk,
            "variants-0-product": product.pk,
            "variants-0-sku": product.variants.get().sku,
            "variants-0-price": "10.00",
            "variants-0-stock_on_hand": "10",
            "variants-0-track_stock": "on",
            "variants-0-position": "0",
            "images-TOTAL_FORMS": "1",
            "images-INITIAL_FORMS": "0",
            "images-0-image": SimpleUploadedFile(
                "lamp.png", png_bytes((1200, 900), (180, 150, 90)), content_type="image/png"
            ),
            "images-0-alt_text": "A brass lamp",
            "images-0-position": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    # Another shopper, as if on another web node: the page points at the bucket.
    page = Client().get(reverse("catalog:product", args=["lamp"])).content.decode()
    endpoint = on_object_storage["endpoint"]
    urls = re.findall(rf"{re.escape(endpoint)}/shop-media/media/[^\s\"]+", page)
    assert any(u.endswith(".webp") for u in urls) and any(u.endswith(".jpg") for u in urls)
    for url in set(urls):
        with urllib.request.urlopen(url, timeout=10) as served:
            assert served.status == 200 and served.read(4)
    image = ProductImage.objects.get()
    assert (image.width, image.height) == (1200, 900)
    keys = {
        o["Key"]
        for o in on_object_storage["client"].list_objects_v2(Bucket="shop-media")["Contents"]
    }
    assert f"media/{image.image.name}" in keys
    assert len([k for k in keys if k.startswith("media/renditions/")]) >= 6
    assert set(Path(django_settings.MEDIA_ROOT).rglob("*")) == media_before  # nothing local
