"""A source's version and history (django-simple-history): the version goes up with each
correction of its details (``sources.services.correct_source``); the history records every
write of a source but its text, beginning with one "created" record for every stored source.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

import lib.inputs

BEGAN = "Recorded when history began"


def add_version(apps, schema_editor) -> None:
    """The version column, by ``ALTER TABLE ... ADD COLUMN`` on both databases: Django's SQLite
    schema editor would add a NOT NULL column by rebuilding the table, which drops its
    triggers (a cited source's text frozen, 0002 of events; the data generation token, 0014),
    as 0004 says. Every stored source starts at version 1."""
    schema_editor.execute(
        "ALTER TABLE sources_source ADD COLUMN version integer"
        + (" unsigned" if schema_editor.connection.vendor == "sqlite" else "")
        + " NOT NULL DEFAULT 1 CHECK (version >= 0)"
    )
    if schema_editor.connection.vendor != "sqlite":  # SQLite cannot drop a default in place
        schema_editor.execute("ALTER TABLE sources_source ALTER COLUMN version DROP DEFAULT")


def drop_version(apps, schema_editor) -> None:
    schema_editor.execute("ALTER TABLE sources_source DROP COLUMN version")


def record_existing(apps, schema_editor) -> None:
    """One "created" record for every stored source, so its history starts now: one
    ``INSERT ... SELECT`` (the history has no text to copy)."""
    source = apps.get_model("sources", "Source")
    historical = apps.get_model("sources", "HistoricalSource")
    quote = schema_editor.connection.ops.quote_name
    kept = ", ".join(
        quote(f.column)
        for f in historical._meta.concrete_fields
        if not f.name.startswith("history_")
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {quote(historical._meta.db_table)}
                  ({kept}, history_date, history_type, history_change_reason)
                SELECT {kept}, %s, '+', %s FROM {quote(source._meta.db_table)} ORDER BY id""",
            [timezone.now(), BEGAN],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_source_text_identity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="source",
                    name="version",
                    field=models.PositiveIntegerField(default=1, editable=False),
                ),
            ],
            database_operations=[migrations.RunPython(add_version, drop_version)],
        ),
        migrations.CreateModel(
            name="HistoricalSource",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.SlugField(
                        help_text="Stable short name used in links and exports.", max_length=100
                    ),
                ),
                (
                    "title",
                    models.CharField(
                        max_length=500, validators=[lib.inputs.refuse_direction_controls]
                    ),
                ),
                (
                    "publisher",
                    models.CharField(
                        blank=True,
                        max_length=300,
                        validators=[lib.inputs.refuse_direction_controls],
                    ),
                ),
                (
                    "author",
                    models.CharField(
                        blank=True,
                        max_length=300,
                        validators=[lib.inputs.refuse_direction_controls],
                    ),
                ),
                ("url", models.URLField(blank=True, max_length=1000, verbose_name="URL")),
                (
                    "published_date",
                    models.DateField(
                        blank=True,
                        help_text="First day of the publication period, when known.",
                        null=True,
                    ),
                ),
                (
                    "published_precision",
                    models.CharField(
                        choices=[("day", "day"), ("month", "month"), ("year", "year")],
                        default="day",
                        max_length=5,
                    ),
                ),
                (
                    "published_on_or_after",
                    models.BooleanField(
                        default=False,
                        help_text=(
                            "The date is only a lower bound: the text was written on or after it."
                        ),
                        verbose_name="written on or after",
                    ),
                ),
                (
                    "reference_date",
                    models.DateField(
                        blank=True,
                        help_text=(
                            'Date used to resolve bare dates in the text, such as "March 26".'
                        ),
                        null=True,
                    ),
                ),
                ("imported_at", models.DateTimeField(blank=True, editable=False)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField()),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical source",
                "verbose_name_plural": "historical sources",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(record_existing, migrations.RunPython.noop),
    ]
