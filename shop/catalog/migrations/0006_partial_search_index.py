"""The search index covers only what listings show (published, priced): with the whole table
indexed, PostgreSQL also read an index of every published product to intersect with the
search's matches, which cost more than the search itself."""

from django.db import migrations

FORWARDS = [
    "DROP INDEX IF EXISTS catalog_product_search_vector",
    "CREATE INDEX IF NOT EXISTS catalog_product_listed_search_vector ON catalog_product "
    "USING gin (search_vector) WHERE is_published AND min_price IS NOT NULL",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS catalog_product_listed_search_vector",
    "CREATE INDEX IF NOT EXISTS catalog_product_search_vector ON catalog_product "
    "USING gin (search_vector)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_search_words")]

    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS))]
