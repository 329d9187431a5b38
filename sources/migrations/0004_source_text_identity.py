"""A source's text identity: SHA-256 of its text as its passages read
(``sources.models.canonical_text``), so the same article pasted again with a trailing
newline, a leading space or more blank lines is the existing source, not a new one.

``sha256`` stays the hash of the text exactly as stored (unique; the API shows it). The new
column is added by ``ALTER TABLE ... ADD COLUMN`` on both databases: Django's SQLite schema
editor would add a NOT NULL column by rebuilding the table, which drops its triggers (a cited
source's text frozen, 0002 of events; the data generation token, 0014). It is computed here
for every stored source, in batches, through the ORM (the same on SQLite and PostgreSQL).
It is indexed, not unique: sources added twice before this change
(the same passages under two keys, such as ``report`` and ``report-2``) both stay, cited
or not; lookups take the first added. They can be listed with
``Source.objects.values("text_identity").annotate(n=Count("pk")).filter(n__gt=1)``.
"""

import hashlib

from django.db import migrations, models

BATCH = 100  # sources read and updated at a time (a text is at most 2 MB)


def canonical_text(text: str) -> str:
    # sources.models.canonical_text as of this migration (a migration keeps its own copy).
    return "\n".join(stripped for line in text.splitlines() if (stripped := line.strip()))


def add_column(apps, schema_editor):
    schema_editor.execute(
        "ALTER TABLE sources_source ADD COLUMN text_identity varchar(64) NOT NULL DEFAULT ''"
    )
    if schema_editor.connection.vendor != "sqlite":  # SQLite cannot drop a default in place
        schema_editor.execute("ALTER TABLE sources_source ALTER COLUMN text_identity DROP DEFAULT")


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE sources_source DROP COLUMN text_identity")


def set_identities(apps, schema_editor):
    Source = apps.get_model("sources", "Source")
    db = schema_editor.connection.alias
    pks = list(Source.objects.using(db).order_by("pk").values_list("pk", flat=True))
    for first in range(0, len(pks), BATCH):
        sources = list(
            Source.objects.using(db).filter(pk__in=pks[first : first + BATCH]).only("pk", "text")
        )
        for source in sources:
            canonical = canonical_text(source.text).encode("utf-8")
            source.text_identity = hashlib.sha256(canonical).hexdigest()
        Source.objects.using(db).bulk_update(sources, ["text_identity"])


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0003_direction_controls"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="source",
                    name="text_identity",
                    field=models.CharField(
                        default="",
                        editable=False,
                        help_text="SHA-256 of the text as its passages read "
                        "(sources.models.canonical_text): texts that differ only in whitespace "
                        "no passage keeps are the same source.",
                        max_length=64,
                    ),
                    preserve_default=False,
                ),
            ],
        ),
        migrations.RunPython(set_identities, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["text_identity"], name="source_text_identity_idx"),
        ),
    ]
