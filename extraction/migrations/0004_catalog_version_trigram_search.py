"""The catalogue's version stamp, and trigram indexes that serve catalogue search on PostgreSQL.

Search matches each word as a case-insensitive substring of the code or the description
(``UPPER(column) LIKE UPPER('%word%')``); a pg_trgm GIN index on ``UPPER(column)`` answers that
without reading the table. The indexes exist only on PostgreSQL: on SQLite (``make run``'s
embedded default) the same query scans the table, with the same results. They stay out of the
model state so SQLite never tries to build them. pg_trgm is a trusted extension (PostgreSQL 13
and later): the database's owner may create it without superuser rights.
"""

import secrets

from django.db import migrations, models

TRIGRAM_INDEXES = {
    "acs_element_code_trgm": "code",
    "acs_element_description_trgm": "description",
}


def create_version(apps, schema_editor):
    AcsCatalogVersion = apps.get_model("extraction", "AcsCatalogVersion")
    AcsCatalogVersion.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"stamp": secrets.token_hex(8)}
    )


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON extraction_acselement "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("extraction", "0003_report_review_reasons"),
    ]

    operations = [
        migrations.CreateModel(
            name="AcsCatalogVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("stamp", models.CharField(max_length=32)),
                ("changed_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.RunPython(create_version, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
