"""The data generation token also changes with sources, aliases, posts and their aliases.

Cached event cards and API JSON show a source's title, publisher, author, URL and date
(``events.counts``); 0010 bumped the token on writes to passages but not to their sources,
so a source's metadata corrected by a reload, the admin or a shell stayed stale in the
cached pages until an unrelated write. Aliases and posts name actors and titles: a write to
them retires the cache too (such writes are rare; a bump costs one row).
"""

from django.db import migrations

TABLES = ("sources_source", "events_alias", "events_post", "events_postalias")


def forward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for table in TABLES:
        if postgres:
            # events_new_generation() is 0010's.
            schema_editor.execute(
                f"""CREATE TRIGGER {table}_generation
                    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
                    FOR EACH STATEMENT EXECUTE FUNCTION events_new_generation()"""
            )
            continue
        for op in ("INSERT", "UPDATE", "DELETE"):
            schema_editor.execute(
                f"""CREATE TRIGGER {table}_generation_{op.lower()} AFTER {op} ON {table}
                    BEGIN
                      INSERT OR REPLACE INTO events_generation (id, token) VALUES (1, random());
                    END"""
            )


def backward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for table in TABLES:
        if postgres:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_generation ON {table}")
            continue
        for op in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_generation_{op}")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0013_fewer_indexes"),
        ("sources", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
