"""Search documents join an event's quotes in the order they were written (citation id).

The triggers of 0008_scale_search joined them in whatever order the citations were read, so
an event written by a bulk load (``events.bulk``, quotes in the file's order) and the same
event rewritten through the single-event path could store documents with the same words at
other positions (the review of the fifth round of issue 10). Positions matter to phrase
search (``"..."`` in ``q``) across two quotes, and to nothing else.

Only the functions change: stored documents are recomputed as their events or citations
change (rewriting every event here would cost a million-event archive minutes of downtime
for positions only). PostgreSQL only; SQLite's FTS5 table is kept by other triggers.
"""

from django.db import migrations

VECTOR = """
    setweight(to_tsvector('english'::regconfig, coalesce({title}, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce({summary}, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce((
        SELECT string_agg(c.quote, ' '{order}) FROM events_citation c
        WHERE c.event_id = {id}), '')), 'C')
"""


def functions(order: str) -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION event_search_vector() RETURNS trigger AS $$
        BEGIN
          -- A bulk insert (events.bulk) computes the documents set-wise and passes them in.
          IF TG_OP = 'INSERT' AND NEW.search_vector IS NOT NULL THEN
            RETURN NEW;
          END IF;
          NEW.search_vector := {
            VECTOR.format(title="NEW.title", summary="NEW.summary", id="NEW.id", order=order)
        };
          RETURN NEW;
        END $$ LANGUAGE plpgsql
        """,
        f"""
        CREATE OR REPLACE FUNCTION citation_search_vector() RETURNS trigger AS $$
        BEGIN
          UPDATE events_event e
          SET search_vector = {
            VECTOR.format(title="e.title", summary="e.summary", id="e.id", order=order)
        }
          WHERE e.id IN (SELECT event_id FROM changed_citations);
          RETURN NULL;
        END $$ LANGUAGE plpgsql
        """,
    ]


def run(order: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in functions(order):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("events", "0014_generation_on_sources_and_names")]

    operations = [
        migrations.RunPython(run(" ORDER BY c.id"), run(""), elidable=False),
    ]
