"""Photos shoppers send with a return ("arrived damaged"): checked as images by Pillow and
re-encoded as JPEG, as the catalog's renditions are (shop/catalog/images.py), so what is
stored carries no metadata (no EXIF: no GPS position, no camera serial), turned upright,
and at most MAX_SIDE pixels on its longest side."""

from __future__ import annotations

import io
import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from returns.exceptions import ReturnError, ReturnErrorCode

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2000
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class CleanPhoto(ContentFile):
    width: int
    height: int


def clean(upload) -> CleanPhoto:
    """The upload as a clean JPEG, or ReturnError if it is not a picture we take."""
    refused = ReturnError(
        _("Send photos as JPEG, PNG or WebP files of at most 10 MB."), ReturnErrorCode.BAD_PHOTO
    )
    if getattr(upload, "size", 0) > MAX_BYTES:
        raise refused
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in FORMATS:
                raise refused
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)  # no exif= : none kept
    except (
        OSError,
        ValueError,
        SyntaxError,
        UnidentifiedImageError,
        Image.DecompressionBombError,
    ) as error:
        raise refused from error
    photo = CleanPhoto(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
    photo.width, photo.height = image.size
    return photo
