"""Fewer indexes for every event write: four that other indexes already serve.

``event_type_idx`` (type) is the prefix of ``event_type_date_idx`` (type, date_start); the
foreign-key indexes of ``Participation.event`` and ``Citation.event`` are prefixes of their
unique constraints (event, ...), that of ``Participation.actor`` the prefix of
``participation_actor_event_idx`` (actor, event). Each was one more index entry to write per
row (a bulk load of 100,000 events writes 236,000 participants and 262,000 citations).

Only the indexes are dropped (by name): Django's AlterField would rebuild the tables on
SQLite (dropping their triggers) and re-check the foreign keys on PostgreSQL.
"""

import django.db.models.deletion
from django.db import migrations, models

FK_INDEXES = [
    ("events_citation_event_id_1baebd8f", "events_citation", "event_id"),
    ("events_participation_actor_id_8525dad3", "events_participation", "actor_id"),
    ("events_participation_event_id_f43b76b4", "events_participation", "event_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0012_verbatim_statement_trigger"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="event",
            name="event_type_idx",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="citation",
                    name="event",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="citations",
                        to="events.event",
                    ),
                ),
                migrations.AlterField(
                    model_name="participation",
                    name="actor",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="participations",
                        to="events.actor",
                    ),
                ),
                migrations.AlterField(
                    model_name="participation",
                    name="event",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="participations",
                        to="events.event",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
                )
                for name, table, column in FK_INDEXES
            ],
        ),
    ]
