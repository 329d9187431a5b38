"""Datasette on the same data: the filtered API lists of ``bench/scale.py`` as canned queries.

Datasette is not a dependency of the project: install it in a virtualenv of its own, outside
the repository, and pass its binary to ``bench/scale.py --datasette``::

    python3 -m venv /tmp/dsvenv && /tmp/dsvenv/bin/pip install datasette

The data: the same archive loaded by the app's own ``load_timeline`` into a SQLite file
(``DATABASE_URL=sqlite:///…``), so Datasette reads the app's tables and indexes as the app's
SQLite install would. Datasette serves it read-only (``--immutable``, its mode for published
data), one process with its default three SQL threads, SQL time limit raised to 60 s.

Each filtered list is asked two ways, both first 50 in the app's chronological order:

- ``rows``: the event rows alone (Datasette's natural answer: a flat table, no count);
- ``same JSON``: what the app's list holds: each event with its actors and citations (source
  id, key and title) nested as JSON (``_json=``), and the matching count capped as the app's
  (``events.api.pagination.COUNT_CAP``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNT_CAP = 10_000  # events.api.pagination.COUNT_CAP (not imported: no Django here)

# Events of an actor (slug :actor) overlapping [:first, :last]: the participants' interval
# narrows the actor's rows, as the app's filter does.
ACTOR_WHERE = """
    e.status = 'published' AND e.span_end >= :first AND e.span_start <= :last
    AND e.id IN (
        SELECT p.event_id FROM events_participation p
        WHERE p.actor_id = (SELECT id FROM events_actor WHERE slug = :actor)
          AND p.span_end >= :first AND p.span_start <= :last
    )"""
# Events of a type overlapping [:first, :last].
TYPE_WHERE = """
    e.status = 'published' AND e.type = :type
    AND e.span_end >= :first AND e.span_start <= :last"""
# PostgreSQL's order (the app's server): an undated end sorts after the dated ones.
ORDER = "e.date_start, e.precision_rank, e.date_end NULLS LAST, e.title, e.id"
EVENT_COLUMNS = (
    "e.id, e.title, e.summary, e.attribution, e.type, e.status, e.location, e.date_start, "
    "e.date_end, e.date_precision, e.date_text, e.date_approximate, e.created, e.updated"
)


def rows_sql(where: str) -> str:
    return f"SELECT {EVENT_COLUMNS} FROM events_event e WHERE {where} ORDER BY {ORDER} LIMIT 50"


def same_json_sql(where: str) -> str:
    return f"""
WITH page AS (
    SELECT {EVENT_COLUMNS}, e.precision_rank FROM events_event e WHERE {where}
    ORDER BY {ORDER} LIMIT 50
)
SELECT e.*,
    (SELECT json_group_array(json_object('id', a.id, 'slug', a.slug, 'name', a.name,
                                         'role', p.role))
       FROM events_participation p JOIN events_actor a ON a.id = p.actor_id
      WHERE p.event_id = e.id) AS actors,
    (SELECT json_group_array(json_object(
                'id', c.id, 'source', json_object('id', s.id, 'key', s.key, 'title', s.title),
                'passage', sp."index", 'quote', c.quote, 'start', c.start, 'end', c."end",
                'date_text', c.date_text, 'note', c.note))
       FROM events_citation c JOIN sources_passage sp ON sp.id = c.passage_id
            JOIN sources_source s ON s.id = sp.source_id
      WHERE c.event_id = e.id) AS citations,
    (SELECT min(count(*), {COUNT_CAP}) FROM (SELECT 1 FROM events_event e WHERE {where}
                                              LIMIT {COUNT_CAP + 1})) AS count
FROM page e ORDER BY {ORDER}"""


QUERIES = {
    "actor_year_rows": rows_sql(ACTOR_WHERE),
    "actor_year": same_json_sql(ACTOR_WHERE),
    "type_range_rows": rows_sql(TYPE_WHERE),
    "type_range": same_json_sql(TYPE_WHERE),
}


def requests(actor: str) -> list[tuple[str, str, dict]]:
    """(label, canned query, parameters): the app's ``?actor=…&year=2015`` and
    ``?type=visit&from=2010-01&to=2012-12``."""
    year = {"actor": actor, "first": "2015-01-01", "last": "2015-12-31"}
    visits = {"type": "visit", "first": "2010-01-01", "last": "2012-12-31"}
    return [
        ("datasette actor+year (rows)", "actor_year_rows", year),
        ("datasette actor+year (same JSON)", "actor_year", year),
        ("datasette type+from+to (rows)", "type_range_rows", visits),
        ("datasette type+from+to (same JSON)", "type_range", visits),
    ]


def path(database: Path, query: str, params: dict) -> str:
    query_string = urllib.parse.urlencode(
        {**params, "_shape": "objects", **({"_json": "actors"} if "rows" not in query else {})}
    )
    if "rows" not in query:
        query_string += "&_json=citations"
    return f"/{database.stem}/{query}.json?{query_string}"


def floor(database: Path, query: str, params: dict, repeat: int) -> float:
    """p50 ms of the canned query run directly with Python's sqlite3 (Datasette's floor)."""
    connection = sqlite3.connect(f"file:{database}?immutable=1", uri=True)
    connection.execute(QUERIES[query], params).fetchall()  # warm the page cache
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        connection.execute(QUERIES[query], params).fetchall()
        samples.append((time.perf_counter() - began) * 1000)
    connection.close()
    return statistics.median(samples)


def build_sqlite(archive: Path, database: Path) -> None:
    """Load the archive with the app's own ``load_timeline`` into a new SQLite file."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    database.unlink(missing_ok=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "load_timeline", str(archive)], cwd=ROOT, env=env, check=True
    )
    events = sqlite3.connect(database).execute("SELECT count(*) FROM events_event").fetchone()[0]
    seconds = time.perf_counter() - began
    print(
        f"SQLite import (for Datasette): {events:,} events in {seconds:.0f} s = "
        f"{events / seconds:,.0f} events/s"
    )


# The tables the canned queries read.
TABLES = [
    "sources_source",
    "sources_passage",
    "events_actor",
    "events_event",
    "events_participation",
    "events_citation",
]


def copy_from_postgres(url: str, database: Path) -> None:
    """A faster route to the same data (a million events take load_timeline a long time on
    SQLite): the app's SQLite schema (``migrate``) with the rows of ``TABLES`` copied from the
    PostgreSQL database at ``url``. Their triggers are dropped first, so the copy is for
    reading only (the search table stays empty: the canned queries do not search)."""
    import psycopg2  # type: ignore[import-untyped]

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    database.unlink(missing_ok=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    began = time.perf_counter()
    target = sqlite3.connect(database)
    target.execute("PRAGMA journal_mode = OFF")
    target.execute("PRAGMA synchronous = OFF")
    placeholders = ",".join("?" * len(TABLES))
    triggers = target.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({placeholders})",
        TABLES,
    ).fetchall()
    for (name,) in triggers:
        target.execute(f'DROP TRIGGER "{name}"')
    source = psycopg2.connect(url)
    for table in TABLES:
        columns = [row[1] for row in target.execute(f'PRAGMA table_info("{table}")')]
        names = ", ".join(f'"{column}"' for column in columns)
        target.execute(f'DELETE FROM "{table}"')
        with source.cursor(name=f"copy_{table}") as cursor:
            cursor.itersize = 20_000
            cursor.execute(f'SELECT {names} FROM "{table}"')
            insert = f'INSERT INTO "{table}" ({names}) VALUES ({",".join("?" * len(columns))})'
            while rows := cursor.fetchmany(20_000):
                target.executemany(insert, rows)
        target.commit()
    source.close()
    target.execute("ANALYZE")
    target.commit()
    target.close()
    print(f"copied {', '.join(TABLES)} to {database} in {time.perf_counter() - began:.0f} s")


def version(binary: str) -> str:
    run = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    return run.stdout.strip()


def serve(binary: str, database: Path, port: int) -> subprocess.Popen:
    """Datasette on 127.0.0.1:port with the canned queries; returns once it answers."""
    metadata = Path(tempfile.mkdtemp(prefix="timeline_datasette_")) / "metadata.json"
    metadata.write_text(json.dumps({"databases": {database.stem: {"queries": QUERIES}}}))
    process = subprocess.Popen(
        [
            binary,
            "serve",
            "--immutable",
            str(database),
            "--metadata",
            str(metadata),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--setting",
            "sql_time_limit_ms",
            "60000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=5)
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"Datasette did not answer on port {port}")


if __name__ == "__main__":
    # python bench/versus_datasette.py POSTGRES_URL SQLITE_FILE: copy_from_postgres.
    copy_from_postgres(sys.argv[1], Path(sys.argv[2]))
