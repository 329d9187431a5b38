"""PostgreSQL: the verbatim check of citations once per statement instead of once per row.

The trigger of 0002 ran a plpgsql function and a passage lookup for every inserted or updated
citation (6.5 s of a 100,000-event bulk load's 262,000 citations). This one checks the rows a
statement wrote, as a set (its transition table joined with the passages), and refuses the
statement with the same error (``check_violation``: Django's ``IntegrityError``) when any
quote is not the text of its passage at its offsets. Single-row writes (the writer, the
admin) are checked exactly as before, after their statement instead of before their row; both
refuse the statement and nothing of it is written.

SQLite has no statement-level triggers: its per-row triggers of 0002 stay.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "DROP TRIGGER IF EXISTS citation_quote_verbatim ON events_citation",
    "DROP FUNCTION IF EXISTS citation_quote_verbatim()",
    """
    CREATE FUNCTION citation_quote_verbatim() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (
          SELECT 1 FROM written_citations c LEFT JOIN sources_passage p ON p.id = c.passage_id
          WHERE substr(p.text, c.start + 1, c."end" - c.start) IS DISTINCT FROM c.quote) THEN
        RAISE EXCEPTION 'citation quote does not match its passage text'
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER citation_quote_verbatim_insert AFTER INSERT ON events_citation
    REFERENCING NEW TABLE AS written_citations
    FOR EACH STATEMENT EXECUTE FUNCTION citation_quote_verbatim()
    """,
    """
    CREATE TRIGGER citation_quote_verbatim_update AFTER UPDATE ON events_citation
    REFERENCING NEW TABLE AS written_citations
    FOR EACH STATEMENT EXECUTE FUNCTION citation_quote_verbatim()
    """,
]

POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS citation_quote_verbatim_insert ON events_citation",
    "DROP TRIGGER IF EXISTS citation_quote_verbatim_update ON events_citation",
    "DROP FUNCTION IF EXISTS citation_quote_verbatim()",
    """
    CREATE FUNCTION citation_quote_verbatim() RETURNS trigger AS $$
    BEGIN
      IF (SELECT substr(p.text, NEW.start + 1, NEW."end" - NEW.start)
          FROM sources_passage p WHERE p.id = NEW.passage_id) IS DISTINCT FROM NEW.quote THEN
        RAISE EXCEPTION 'citation quote does not match its passage text'
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER citation_quote_verbatim BEFORE INSERT OR UPDATE ON events_citation
    FOR EACH ROW EXECUTE FUNCTION citation_quote_verbatim()
    """,
]


def run(statements: list[str]):
    def apply(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("events", "0011_event_list_windows")]

    operations = [migrations.RunPython(run(POSTGRES_FORWARD), run(POSTGRES_BACKWARD))]
