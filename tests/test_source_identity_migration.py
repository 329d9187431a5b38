"""sources 0004: every stored source gets its text identity, and the table keeps its triggers."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sources.models import Source, text_identity, text_sha256

BEFORE = [("sources", "0003_direction_controls")]
AFTER = [("sources", "0004_source_text_identity")]

TEXT = "A report.\n\nMin Aung Hlaing visited Moscow on June 22.\nHe met Sergei Shoigu.\n"
TEXTS = {
    "report": TEXT,
    "report-2": " " + TEXT.replace("\n", "  \n\n") + "\n",  # added twice before the fix
    "other": TEXT.replace("June 22", "June  22"),
    "one-line": "One line.",
    "windows": TEXT.replace("\n", "\r\n"),
}


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


def triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger "
                "WHERE tgrelid = 'sources_source'::regclass AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'trigger' AND tbl_name = 'sources_source'"
            )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_stored_sources_get_their_identity_and_the_table_keeps_its_triggers(monkeypatch):
    kept = triggers()
    assert "source_cited_text_frozen" in kept
    # Several batches, the last one short.
    migration = importlib.import_module("sources.migrations.0004_source_text_identity")
    monkeypatch.setattr(migration, "BATCH", 2)
    try:
        executor = migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model("sources", "Source")
        for key, text in TEXTS.items():
            old.objects.create(key=key, title=key, text=text, sha256=text_sha256(text))

        migrate(AFTER)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    stored = dict(Source.objects.values_list("key", "text_identity"))
    assert stored == {key: text_identity(text) for key, text in TEXTS.items()}
    assert stored["report"] == stored["report-2"] == stored["windows"] != stored["other"]
    assert triggers() == kept
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "sources_source")
    assert constraints["source_text_identity_idx"]["columns"] == ["text_identity"]
    # A source saved now gets its identity too; the two stored before are both kept.
    saved = Source.objects.create(key="later", title="Later", text="Later words.\n")
    assert saved.text_identity == text_identity("Later words.")
    assert Source.objects.filter(text_identity=text_identity(TEXT)).count() == 3
