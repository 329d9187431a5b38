"""Indexes for the event list's deep pages and dated pages (EventQuerySet.rows).

1. ``event_published_chrono_idx``: the public list's whole order (date_start, precision_rank,
   date_end, title, id) with type and interval included, for published events: a deep
   ``?page=`` finds its ids by an index-only scan, and the shortest events of a dated page
   are walked from just before ``from`` without reading rows.
2. PostgreSQL: one partial index per wider reach class (SPAN_REACH and SPAN_CLASSES in
   events.models: how far an event's date is from either end of its interval, over 40 days and
   up to 400; over 400), in the same order, so each class's walk is an index range too.
   Their conditions are the SQL Django writes for the class filters, so the planner can use
   them. Not on SQLite, which lists correctly without them.
"""

from django.db import migrations, models

REACH = (
    "GREATEST((interval '1 day' * (span_end - date_start)), "
    "(interval '1 day' * (date_start - span_start)))"
)
CLASSES = {
    "event_mid_span_chrono_idx": (
        f"{REACH} > '40 days'::interval AND {REACH} <= '400 days'::interval"
    ),
    "event_long_span_chrono_idx": f"{REACH} > '400 days'::interval",
}


def create_class_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, condition in CLASSES.items():
        schema_editor.execute(
            f"CREATE INDEX {name} ON events_event "
            "(date_start, precision_rank, date_end, title, id) "
            f"INCLUDE (status, type, span_start, span_end) WHERE {condition}"
        )


def drop_class_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CLASSES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0010_scale2_counts_and_spans"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["date_start", "precision_rank", "date_end", "title", "id"],
                include=("type", "span_start", "span_end"),
                name="event_published_chrono_idx",
            ),
        ),
        migrations.RunPython(create_class_indexes, drop_class_indexes),
    ]
