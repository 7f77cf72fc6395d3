"""Product pictures for templates: renditions in srcset, WebP first, sizes known ahead.

Renditions are imagekit spec fields on ProductImage (models.RENDITION_WIDTHS, WebP and
JPEG), generated once when an image is saved and kept in the media storage (local disk or
object storage alike); asking for their URLs here touches neither the storage nor the
database. Cards know only their product's first image name and size (listing columns), so
their renditions are named from an unsaved ProductImage holding that name.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from shop.catalog.models import RENDITION_WIDTHS, ProductImage

logger = logging.getLogger(__name__)


class GenerateOnSave:
    """imagekit's Optimistic cache file strategy (renditions made when the original is saved,
    their URLs never checked against the storage), except that an original that cannot be
    read is logged rather than raised: the save goes on, the page shows the original."""

    def on_source_saved(self, file):
        try:
            file.generate()
        except (OSError, ValueError, SyntaxError) as error:  # Pillow raises all three
            logger.warning("Could not make the rendition %s: %s", file.name, error)

    def should_verify_existence(self, file):
        return False


@dataclass(frozen=True)
class Picture:
    src: str
    webp: str  # srcset
    jpeg: str  # srcset
    width: int
    height: int
    alt: str


def picture(image: ProductImage, *, alt: str = "") -> Picture:
    return _picture(image, image.width, image.height, alt or image.alt_text)


def card_picture(*, name: str, width: int | None, height: int | None) -> Picture | None:
    if not name:
        return None
    return _picture(ProductImage(image=name), width, height, "")


def product_card_picture(product) -> Picture | None:
    """A product card's picture, from its listing columns (image, image_width, image_height):
    built here, not by the model (a model builds no markup)."""
    return card_picture(name=product.image, width=product.image_width, height=product.image_height)


def thumbnail_url(name: str | None, *, jpeg: bool = False) -> str:
    """The smallest rendition of a photo known by its file name (cart lines, summaries,
    emails and search suggestions show it at 40 to 64 px), or "" without one: never the
    original upload. WebP for pages; JPEG for emails, which some mail programs show no WebP
    in."""
    if not name:
        return ""
    image = ProductImage(image=name)
    return (image.jpeg_320 if jpeg else image.webp_320).url


def _picture(image: ProductImage, width: int | None, height: int | None, alt: str) -> Picture:
    width, height = width or 960, height or 960  # unknown (a file not read yet): square
    webp, jpeg = [], []
    for size in RENDITION_WIDTHS:
        actual = min(size, width)
        webp.append(f"{getattr(image, f'webp_{size}').url} {actual}w")
        jpeg.append(f"{getattr(image, f'jpeg_{size}').url} {actual}w")
        if actual == width:  # the larger ones are the same size: the original's
            break
    middle = jpeg[min(1, len(jpeg) - 1)].rsplit(" ", 1)[0]
    return Picture(
        src=middle,
        webp=", ".join(webp),
        jpeg=", ".join(jpeg),
        width=width,
        height=height,
        alt=alt,
    )
