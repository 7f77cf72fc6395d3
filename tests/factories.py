import time
from decimal import Decimal

import factory
from django.conf import settings
from django.core.files.base import ContentFile
from moneyed import Money

from accounts.models import User
from orders.models import ShippingMethod
from shop.catalog.models import Category, Product, ProductImage, Variant


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    category = factory.SubFactory(CategoryFactory)
    description = "A fine thing."
    is_published = True


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    options = factory.LazyAttribute(lambda o: {})
    price = factory.LazyFunction(lambda: Money(Decimal("10.00"), settings.SHOP_CURRENCY))
    stock_on_hand = 10

    @factory.post_generation
    def listing(obj, create, extracted, **kwargs):
        """As the catalog services do: the options given become option rows, and the
        product's listing columns follow its variants."""
        if create:
            from shop.catalog.listings import refresh_listings
            from shop.catalog.options import assign_options

            if obj.options:
                assign_options(variant=obj, options=obj.options)
            refresh_listings(product_ids=[obj.product_id])


class ShippingMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingMethod

    name = factory.Sequence(lambda n: f"Shipping {n}")
    price = factory.LazyFunction(lambda: Money(Decimal("5.00"), settings.SHOP_CURRENCY))


# The base32 secret of every test user's authenticator app.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET, offset: int = 0) -> str:
    """The code an authenticator app shows now (offset: periods later or earlier)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // 30 + offset
    return format_hotp_value(hotp_value(secret, counter))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Its email confirmed (sign-in needs it), unless verified=False."""
        if create and obj.email:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=extracted is not False
            )

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        """Staff get an authenticator app (the admin requires one), unless mfa=False."""
        if create and (extracted or (extracted is None and obj.is_staff)):
            from allauth.mfa.totp.internal.auth import TOTP

            TOTP.activate(obj, TOTP_SECRET)


def png_bytes(size=(40, 40), colour=(200, 190, 170)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


class ProductImageFactory(factory.django.DjangoModelFactory):
    """A real (small) image file, so its size is read and its renditions made, as on upload."""

    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.LazyAttribute(
        lambda o: ContentFile(png_bytes(), name=f"{o.product.slug}-{o.position}.png")
    )
    alt_text = ""
    position = 0
