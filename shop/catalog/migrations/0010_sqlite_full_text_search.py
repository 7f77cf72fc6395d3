"""SQLite only: the FTS5 tables of the embedded shop's search (shop/catalog/sqlite_search.py).
PostgreSQL searches its own columns and indexes, so nothing happens there."""

from django.db import migrations


def create(apps, schema_editor):
    from shop.catalog import sqlite_search

    sqlite_search.create_tables_and_fill(schema_editor)


def drop(apps, schema_editor):
    from shop.catalog import sqlite_search

    sqlite_search.drop_tables(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0009_option_cards"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
