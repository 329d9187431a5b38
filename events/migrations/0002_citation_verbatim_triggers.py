"""Database triggers: a citation's quote is verbatim text of its passage.

The database refuses (as an integrity error) any citation whose quote is not
the passage text at its offsets, and any change to the text of a cited
passage or source. Offsets count characters, as substr() does on both
SQLite and PostgreSQL.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE TRIGGER citation_quote_verbatim_insert BEFORE INSERT ON events_citation
    WHEN (SELECT substr(p.text, NEW.start + 1, NEW."end" - NEW.start)
          FROM sources_passage p WHERE p.id = NEW.passage_id) IS NOT NEW.quote
    BEGIN SELECT RAISE(ABORT, 'citation quote does not match its passage text'); END
    """,
    """
    CREATE TRIGGER citation_quote_verbatim_update BEFORE UPDATE ON events_citation
    WHEN (SELECT substr(p.text, NEW.start + 1, NEW."end" - NEW.start)
          FROM sources_passage p WHERE p.id = NEW.passage_id) IS NOT NEW.quote
    BEGIN SELECT RAISE(ABORT, 'citation quote does not match its passage text'); END
    """,
    """
    CREATE TRIGGER passage_cited_text_frozen BEFORE UPDATE ON sources_passage
    WHEN (NEW.text IS NOT OLD.text OR NEW.start IS NOT OLD.start OR NEW."end" IS NOT OLD."end")
     AND EXISTS (SELECT 1 FROM events_citation c WHERE c.passage_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'a cited passage cannot change'); END
    """,
    """
    CREATE TRIGGER source_cited_text_frozen BEFORE UPDATE ON sources_source
    WHEN NEW.text IS NOT OLD.text
     AND EXISTS (SELECT 1 FROM events_citation c JOIN sources_passage p ON p.id = c.passage_id
                 WHERE p.source_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'a cited source text cannot change'); END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS citation_quote_verbatim_insert",
    "DROP TRIGGER IF EXISTS citation_quote_verbatim_update",
    "DROP TRIGGER IF EXISTS passage_cited_text_frozen",
    "DROP TRIGGER IF EXISTS source_cited_text_frozen",
]

POSTGRES_FORWARD = [
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
    """
    CREATE FUNCTION passage_cited_text_frozen() RETURNS trigger AS $$
    BEGIN
      IF (NEW.text IS DISTINCT FROM OLD.text OR NEW.start <> OLD.start OR NEW."end" <> OLD."end")
         AND EXISTS (SELECT 1 FROM events_citation c WHERE c.passage_id = OLD.id) THEN
        RAISE EXCEPTION 'a cited passage cannot change' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER passage_cited_text_frozen BEFORE UPDATE ON sources_passage
    FOR EACH ROW EXECUTE FUNCTION passage_cited_text_frozen()
    """,
    """
    CREATE FUNCTION source_cited_text_frozen() RETURNS trigger AS $$
    BEGIN
      IF NEW.text IS DISTINCT FROM OLD.text AND EXISTS (
          SELECT 1 FROM events_citation c JOIN sources_passage p ON p.id = c.passage_id
          WHERE p.source_id = OLD.id) THEN
        RAISE EXCEPTION 'a cited source text cannot change' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER source_cited_text_frozen BEFORE UPDATE ON sources_source
    FOR EACH ROW EXECUTE FUNCTION source_cited_text_frozen()
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS citation_quote_verbatim ON events_citation",
    "DROP FUNCTION IF EXISTS citation_quote_verbatim()",
    "DROP TRIGGER IF EXISTS passage_cited_text_frozen ON sources_passage",
    "DROP FUNCTION IF EXISTS passage_cited_text_frozen()",
    "DROP TRIGGER IF EXISTS source_cited_text_frozen ON sources_source",
    "DROP FUNCTION IF EXISTS source_cited_text_frozen()",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
}


def run(direction: int):
    def apply(apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        if vendor not in STATEMENTS:
            raise RuntimeError(f"No citation triggers written for the {vendor} database.")
        for statement in STATEMENTS[vendor][direction]:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("sources", "0001_initial"),
    ]

    operations = [migrations.RunPython(run(0), run(1))]
