"""PostgreSQL full-text search indexes for the ``q`` filter (GIN over tsvector expressions).

The expressions must stay identical to the ones ``events.filters`` searches, or PostgreSQL
cannot use the indexes. SQLite has no equivalent; ``q`` falls back to icontains there.
"""

from django.db import migrations

INDEXES = {
    "event_search_gin": (
        "events_event",
        # Title words weigh A, summary words B: ts_rank puts title matches first.
        "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')",
    ),
    "citation_quote_search_gin": (
        "events_citation",
        "to_tsvector('english'::regconfig, coalesce(quote, ''))",
    ),
}


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON {table} USING GIN (({expression}))")


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("events", "0002_citation_verbatim_triggers")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
