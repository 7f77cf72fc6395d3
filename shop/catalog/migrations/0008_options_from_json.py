"""Variants' free-form options ({"size": "M"}) become option types, values and rows; image
sizes are read from the files where they can be."""

from django.db import migrations
from django.utils.text import slugify

SWATCHES = {  # the demo's colours; merchants set their own in the admin
    "forest": "#2f5d50",
    "sand": "#d8c3a0",
    "charcoal": "#3b3f45",
}


def forwards(apps, schema_editor):
    OptionType = apps.get_model("catalog", "OptionType")
    OptionValue = apps.get_model("catalog", "OptionValue")
    Variant = apps.get_model("catalog", "Variant")
    VariantOption = apps.get_model("catalog", "VariantOption")
    types, values = {}, {}
    for variant in Variant.objects.exclude(options={}).order_by("pk").iterator():
        if not isinstance(variant.options, dict):
            continue
        cleaned = {}
        for position, (name, text) in enumerate(variant.options.items()):
            code = slugify(str(name))[:60] or "option"
            if code not in types:
                types[code], _ = OptionType.objects.get_or_create(
                    code=code,
                    defaults={
                        "name": str(name)[:60].replace("_", " ").capitalize(),
                        "display": "swatches" if code in ("colour", "color") else "buttons",
                        "position": position,
                    },
                )
            option_type = types[code]
            text = str(text).strip()[:60]
            key = (code, text)
            if key not in values:
                values[key], _ = OptionValue.objects.get_or_create(
                    option_type=option_type,
                    value=text,
                    defaults={
                        "position": OptionValue.objects.filter(option_type=option_type).count(),
                        "swatch": SWATCHES.get(text.lower(), "") if code in ("colour", "color") else "",
                    },
                )
            if code in cleaned:
                continue
            VariantOption.objects.get_or_create(
                variant=variant, option_type=option_type, defaults={"value": values[key]}
            )
            variant.product.option_types.add(option_type)
            cleaned[code] = text
        Variant.objects.filter(pk=variant.pk).update(options=cleaned)

    ProductImage = apps.get_model("catalog", "ProductImage")
    Product = apps.get_model("catalog", "Product")
    for image in ProductImage.objects.filter(width__isnull=True).iterator():
        try:
            from PIL import Image

            with image.image.open("rb") as file, Image.open(file) as picture:
                width, height = picture.size
        except (OSError, ValueError):  # a missing or unreadable file: sizes stay unknown
            continue
        ProductImage.objects.filter(pk=image.pk).update(width=width, height=height)
        Product.objects.filter(pk=image.product_id, image=image.image.name).update(
            image_width=width, image_height=height
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_option_types_and_renditions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
