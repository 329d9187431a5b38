"""Search that scales: one stored search document per event, kept current by the database.

An event's search text is its title (weight A), its summary (B) and the quotes of its
citations (C), so ``q`` is one index lookup instead of an OR of two subqueries.

PostgreSQL: ``events_event.search_vector`` (tsvector) with the GIN index
``event_search_vector_gin``. A BEFORE INSERT/UPDATE trigger on events computes it (reading the
event's quotes), and statement-level triggers on citations recompute it for the events whose
citations changed (once per statement, so a bulk insert of citations costs one UPDATE). It
replaces the expression indexes of 0003.

SQLite: an FTS5 table ``events_search`` (title, summary, quotes; rowid = event id, Porter
stemming), kept by triggers on events and citations. FTS5 matches words anywhere in the
document, not only adjacent ones (``q=Patrushev Mikheyev``).
"""

import django.contrib.postgres.search
from django.db import migrations

PG_VECTOR = """
    setweight(to_tsvector('english'::regconfig, coalesce({title}, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce({summary}, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce((
        SELECT string_agg(c.quote, ' ') FROM events_citation c WHERE c.event_id = {id}), '')), 'C')
"""

POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS event_search_gin",
    "DROP INDEX IF EXISTS citation_quote_search_gin",
    f"""
    CREATE FUNCTION event_search_vector() RETURNS trigger AS $$
    BEGIN
      -- A bulk insert (events.bulk) computes the documents set-wise and passes them in.
      IF TG_OP = 'INSERT' AND NEW.search_vector IS NOT NULL THEN
        RETURN NEW;
      END IF;
      NEW.search_vector := {
        PG_VECTOR.format(title="NEW.title", summary="NEW.summary", id="NEW.id")
    };
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER event_search_vector BEFORE INSERT OR UPDATE OF title, summary
    ON events_event FOR EACH ROW EXECUTE FUNCTION event_search_vector()
    """,
    f"""
    CREATE FUNCTION citation_search_vector() RETURNS trigger AS $$
    BEGIN
      UPDATE events_event e
      SET search_vector = {PG_VECTOR.format(title="e.title", summary="e.summary", id="e.id")}
      WHERE e.id IN (SELECT event_id FROM changed_citations);
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER citation_search_vector_insert AFTER INSERT ON events_citation
    REFERENCING NEW TABLE AS changed_citations
    FOR EACH STATEMENT EXECUTE FUNCTION citation_search_vector()
    """,
    """
    CREATE TRIGGER citation_search_vector_update_new AFTER UPDATE ON events_citation
    REFERENCING NEW TABLE AS changed_citations
    FOR EACH STATEMENT EXECUTE FUNCTION citation_search_vector()
    """,
    """
    CREATE TRIGGER citation_search_vector_update_old AFTER UPDATE ON events_citation
    REFERENCING OLD TABLE AS changed_citations
    FOR EACH STATEMENT EXECUTE FUNCTION citation_search_vector()
    """,
    """
    CREATE TRIGGER citation_search_vector_delete AFTER DELETE ON events_citation
    REFERENCING OLD TABLE AS changed_citations
    FOR EACH STATEMENT EXECUTE FUNCTION citation_search_vector()
    """,
    f"UPDATE events_event SET search_vector = "
    f"{PG_VECTOR.format(title='title', summary='summary', id='events_event.id')}",
    # q: the full-text match (search_vector @@ query).
    "CREATE INDEX event_search_vector_gin ON events_event USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS event_search_vector_gin",
    "DROP TRIGGER IF EXISTS citation_search_vector_insert ON events_citation",
    "DROP TRIGGER IF EXISTS citation_search_vector_update_new ON events_citation",
    "DROP TRIGGER IF EXISTS citation_search_vector_update_old ON events_citation",
    "DROP TRIGGER IF EXISTS citation_search_vector_delete ON events_citation",
    "DROP FUNCTION IF EXISTS citation_search_vector()",
    "DROP TRIGGER IF EXISTS event_search_vector ON events_event",
    "DROP FUNCTION IF EXISTS event_search_vector()",
    "CREATE INDEX event_search_gin ON events_event USING GIN (("
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')))",
    "CREATE INDEX citation_quote_search_gin ON events_citation USING GIN (("
    "to_tsvector('english'::regconfig, coalesce(quote, ''))))",
]

SQLITE_ROW = """
    INSERT INTO events_search (rowid, title, summary, quotes)
    SELECT e.id, e.title, e.summary,
           (SELECT group_concat(c.quote, ' ') FROM events_citation c WHERE c.event_id = e.id)
    FROM events_event e WHERE {where};
"""
SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE events_search USING fts5(
        title, summary, quotes, tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    f"""
    CREATE TRIGGER event_search_insert AFTER INSERT ON events_event BEGIN
      {SQLITE_ROW.format(where="e.id = NEW.id")}
    END
    """,
    f"""
    CREATE TRIGGER event_search_update AFTER UPDATE OF title, summary ON events_event BEGIN
      DELETE FROM events_search WHERE rowid = OLD.id;
      {SQLITE_ROW.format(where="e.id = NEW.id")}
    END
    """,
    """
    CREATE TRIGGER event_search_delete AFTER DELETE ON events_event BEGIN
      DELETE FROM events_search WHERE rowid = OLD.id;
    END
    """,
    f"""
    CREATE TRIGGER citation_search_insert AFTER INSERT ON events_citation BEGIN
      DELETE FROM events_search WHERE rowid = NEW.event_id;
      {SQLITE_ROW.format(where="e.id = NEW.event_id")}
    END
    """,
    f"""
    CREATE TRIGGER citation_search_update AFTER UPDATE ON events_citation BEGIN
      DELETE FROM events_search WHERE rowid IN (OLD.event_id, NEW.event_id);
      {SQLITE_ROW.format(where="e.id IN (OLD.event_id, NEW.event_id)")}
    END
    """,
    f"""
    CREATE TRIGGER citation_search_delete AFTER DELETE ON events_citation BEGIN
      DELETE FROM events_search WHERE rowid = OLD.event_id;
      {SQLITE_ROW.format(where="e.id = OLD.event_id")}
    END
    """,
    SQLITE_ROW.format(where="1").strip().rstrip(";"),
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS event_search_insert",
    "DROP TRIGGER IF EXISTS event_search_update",
    "DROP TRIGGER IF EXISTS event_search_delete",
    "DROP TRIGGER IF EXISTS citation_search_insert",
    "DROP TRIGGER IF EXISTS citation_search_update",
    "DROP TRIGGER IF EXISTS citation_search_delete",
    "DROP TABLE IF EXISTS events_search",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
}


def run(direction: int):
    def apply(apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        if vendor not in STATEMENTS:
            raise RuntimeError(f"No search triggers written for the {vendor} database.")
        for statement in STATEMENTS[vendor][direction]:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("events", "0007_actors_positions")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(run(0), run(1), elidable=False),
    ]
