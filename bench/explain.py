"""The plans of the benchmark's requests: ``EXPLAIN (ANALYZE, BUFFERS)`` of every statement.

    .venv/bin/python bench/explain.py --database timeline_bench            # to stdout
    .venv/bin/python bench/explain.py --database timeline_bench -o plans.txt
    .venv/bin/python bench/explain.py --database timeline_bench --only api

For each request of ``bench/scale.py`` (values read from the database as there), the request
runs once through Django's test client with an empty cache, its SQL captured: every statement
a request may run, the counts that ``events.counts`` caches included (marked ``cached`` when
the next request, counts cached, does not run it again). Each SELECT is then run under
``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL (``EXPLAIN QUERY PLAN`` on SQLite), right after
the request, so the pages it reads are mostly in the buffer cache, as on a server in use.
The database is whatever ``--database`` holds (its N is printed).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def captured(path: str, headers: dict) -> tuple[list[str], set[str]]:
    """The statements of the request with an empty cache, and those it runs once cached."""
    from django.core.cache import cache
    from django.db import connection
    from django.http import StreamingHttpResponse
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers=headers, SERVER_NAME="127.0.0.1")

    def run() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            if isinstance(response, StreamingHttpResponse):
                b"".join(response.streaming_content)
        return [q["sql"] for q in queries.captured_queries]

    cache.clear()
    first = run()
    return first, set(run())


def execution_ms(plan: str) -> float:
    """The plan's ``Execution Time`` (PostgreSQL; 0 elsewhere)."""
    match = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return float(match.group(1)) if match else 0.0


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="timeline_bench")
    parser.add_argument("--only", help="explain only the requests whose label contains this")
    parser.add_argument("-o", "--output", help="write the plans to this file (default: stdout)")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"

    from bench.scale import requests_to_time

    requests = requests_to_time()  # sets Django up

    from events.models import Event

    out = open(args.output, "w") if args.output else sys.stdout  # noqa: SIM115
    try:
        out.write(f"# {args.database}: {Event.objects.count():,} events\n")
        summary = []
        for label, path, headers in requests:
            if args.only and args.only not in label:
                continue
            statements, cached_run = captured(path, headers)
            out.write(f"\n{'=' * 100}\n## {label}: GET {path}\n")
            out.write(f"{len(statements)} statements with an empty cache; ")
            out.write(f"{len(cached_run)} once its counts are cached\n")
            every = cached = 0.0
            for number, sql in enumerate(statements, 1):
                mark = "" if sql in cached_run else " (cached: not run again until a write)"
                out.write(f"\n-- {number}{mark}\n{sql}\n")
                if sql.startswith(("SELECT", "WITH")):
                    plan = explain(sql)
                    out.write(plan + "\n")
                    every += execution_ms(plan)
                    cached += execution_ms(plan) if sql in cached_run else 0.0
            out.flush()
            summary.append(f"{label[:34]:<34} {len(statements):10d} {every:10.1f} {cached:12.1f}")
        heading = f"{'request':<34} {'statements':>10} {'cold ms':>10} {'warm ms':>12}"
        for stream in {out, sys.stdout}:
            stream.write(
                "\nExecution Time summed (EXPLAIN ANALYZE): cold = every statement of the "
                "request after a write; warm = those it runs once its counts are cached\n"
                f"{heading}\n"
            )
            stream.write("\n".join(summary) + "\n")
    finally:
        if args.output:
            out.close()


if __name__ == "__main__":
    main()
