"""The default market, from the settings the shop had before markets: every shopper keeps
buying in SHOP_CURRENCY, taxed as PRICES_INCLUDE_TAX says, until the merchant adds another."""

from django.conf import settings
from django.db import migrations


def create_default_market(apps, schema_editor):
    Market = apps.get_model("markets", "Market")
    if Market.objects.filter(is_default=True).exists():
        return
    Market.objects.create(
        name="Worldwide",
        code="world",
        currency=settings.SHOP_CURRENCY,
        countries=[],
        language=settings.LANGUAGE_CODE.split("-")[0],
        prices_include_tax=settings.PRICES_INCLUDE_TAX,
        is_default=True,
    )


class Migration(migrations.Migration):
    dependencies = [("markets", "0001_initial")]
    operations = [migrations.RunPython(create_default_market, migrations.RunPython.noop)]
