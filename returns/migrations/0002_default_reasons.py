from django.db import migrations

# The reasons a new shop starts with, in both shipped languages; the merchant edits the list.
REASONS = [
    ("It does not fit", "Passt nicht", False),
    ("It arrived damaged", "Beschädigt angekommen", True),
    ("It is not as described", "Entspricht nicht der Beschreibung", False),
    ("I changed my mind", "Ich habe es mir anders überlegt", False),
]


def add_reasons(apps, schema_editor):
    ReturnReason = apps.get_model("returns", "ReturnReason")
    if ReturnReason.objects.exists():
        return
    for position, (english, german, photos) in enumerate(REASONS):
        ReturnReason.objects.create(
            name=english,
            name_en=english,
            name_de=german,
            needs_photos=photos,
            position=position,
        )


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_returns_and_exchanges")]

    operations = [migrations.RunPython(add_reasons, migrations.RunPython.noop)]
