"""The app at scale: build a synthetic archive in a scratch PostgreSQL database and time it.

    .venv/bin/python bench/scale.py                 # 100,000 events
    .venv/bin/python bench/scale.py --n 1000000     # a million
    .venv/bin/python bench/scale.py --reuse         # time the database built last time

1. Writes the archive (``bench/generate.py``, seed 1) to a temporary file and loads it with
   ``load_timeline`` into a fresh database ``timeline_bench`` (``--database``) on the server of
   ``--server`` (default postgres://postgres@127.0.0.1:5432), printing the import rate.
2. Serves it with gunicorn (``--workers`` 3, DEBUG off) on 127.0.0.1:``--port``.
3. For each request of issue 10 prints p50 and p95 over ``--repeat`` (50) requests through
   the server, the number of queries the request runs there (the same request through
   Django's test client, queries captured), the response size, "uncached": the same request
   in this process with an empty cache, p50 of five (what ``events.counts`` caches until the next
   write, computed again: the counts, the page's ids and its events' cards or JSON; the
   first request after a write), the "floor" (p50 of that uncached request's SQL statements
   run directly with psycopg2: no ORM, no rendering, no cache) and the ratio uncached /
   floor. The server's p50/p95 are cache hits after the first, as on a site read far more
   than written; "uncached" is what a filter nobody asked for since the last write costs.
4. Requests per second and latency percentiles at ``--clients`` (20) concurrent clients on
   the two filtered API lists, with ``wrk`` (``--threads`` 4, ``--seconds`` 15; Python
   threads, with a note, when wrk is not installed): the same request over and over (after
   the first, from the cache), then each request another filter of the same kind
   (``varied_paths``: other actors and years, other types and windows; none cached).
5. With ``--datasette PATH`` (a Datasette binary in a virtualenv of its own, see
   ``bench/versus_datasette.py``): the same two filtered lists from Datasette serving the
   same archive loaded into SQLite by ``load_timeline`` (``--sqlite``, built when missing):
   p50/p95 over ``--repeat`` requests, size, the SQL alone, and the same wrk run.

Nothing here is a test: the figures go in the README. ``bench/explain.py`` prints the
``EXPLAIN (ANALYZE, BUFFERS)`` of every statement these requests run.
"""

from __future__ import annotations

import argparse
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
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
PYTHON = sys.executable  # the venv's python (run as .venv/bin/python bench/scale.py)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]


def psql(server: str, sql: str) -> None:
    subprocess.run(["psql", f"{server}/postgres", "-q", "-c", sql], check=True, capture_output=True)


def build(args, url: str) -> Path:
    env = {**os.environ, "DATABASE_URL": url}
    archive = Path(args.archive) if args.archive else None
    if archive is None or not archive.exists():
        archive = archive or Path(tempfile.gettempdir()) / f"timeline_bench_{args.n}.json"
        began = time.perf_counter()
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "generate.py"), str(args.n), "-o", str(archive)],
            check=True,
        )
        print(f"generated {args.n:,} events in {time.perf_counter() - began:.0f} s: {archive}")
    psql(args.server, f"DROP DATABASE IF EXISTS {args.database}")
    psql(args.server, f"CREATE DATABASE {args.database}")
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    began = time.perf_counter()
    subprocess.run(
        [PYTHON, "manage.py", "load_timeline", str(archive)], cwd=ROOT, env=env, check=True
    )
    seconds = time.perf_counter() - began
    print(f"import: {args.n:,} events in {seconds:.0f} s = {args.n / seconds:,.0f} events/s")
    return archive


def requests_to_time() -> list[tuple[str, str, dict]]:
    """(label, path, headers) of issue 10's list, with values read from the database."""
    import django

    django.setup()
    from django.db.models import Count

    from events.api.pagination import Pagination, ordering_keys
    from events.models import Actor, Event, Participation
    from sources.models import Source

    frequent = (
        Participation.objects.values("actor_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("actor_id", flat=True)[:1]
    )
    actor = Actor.objects.get(pk=frequent[0])
    source = Source.objects.annotate(n=Count("passages__citations")).order_by("-n")[0]
    events = Event.objects.published().chronological()
    deep = events.count() // 2
    row = events[deep]
    pager = Pagination()
    keys = ordering_keys(events)
    assert keys is not None, "the chronological order is a keyset order"
    pager.keys = keys
    cursor = pager._encode(row)
    htmx = {"HX-Request": "true", "HX-Current-URL": "http://127.0.0.1/"}
    return [
        ("/", "/", {}),
        ("/ htmx actor+year", f"/?actor={actor.slug}&year=2015", htmx),
        ("/?q=", "/?q=helicopter", {}),
        ("/actors/", "/actors/", {}),
        (f"frequent actor ({actor.name})", f"/actors/{actor.slug}/", {}),
        ("source page", f"/sources/{source.pk}/", {}),
        ("/api/events/", "/api/events/", {}),
        ("/api/events/ deep page", f"/api/events/?page={deep // 50}", {}),
        ("/api/events/ cursor (deep)", f"/api/events/?cursor={cursor}", {}),
        ("api actor+year", f"/api/events/?actor={actor.slug}&year=2015", {}),
        ("api type+from+to", "/api/events/?type=visit&from=2010-01&to=2012-12", {}),
        ("api ?q=", "/api/events/?q=helicopter", {}),
        ("CSV of a year", "/api/events/?format=csv&year=2015", {}),
    ]


def varied_paths(label: str) -> list[str]:
    """Many different requests of the kind ``label`` names, each not seen by any cache: the
    actor + year list for the 40 most frequent actors and every year 1980-2024 (1,800), or
    the type + from + to list for every type and three-year window 1950-2023 (about 1,000),
    shuffled (seed 1)."""
    import random

    from django.db.models import Count

    from events.models import EventType, Participation

    if label == "api actor+year":
        slugs = (
            Participation.objects.values("actor__slug")
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list("actor__slug", flat=True)[:40]
        )
        paths = [
            f"/api/events/?actor={slug}&year={year}" for slug in slugs for year in range(1980, 2025)
        ]
    else:
        paths = [
            f"/api/events/?type={kind}&from={year}-01&to={year + 2}-12"
            for kind in EventType.values
            for year in range(1950, 2024)
        ]
    random.Random(1).shuffle(paths)
    return paths


UNCACHED_RUNS = 5


def queries_and_floor(path: str, headers: dict, repeat: int) -> tuple[int, float | None, float]:
    """Queries the request runs as the server mostly runs it (from the cache), the ms of the
    request in this process with an empty cache (the first request after a write: every
    count, page and event computed; p50 of ``UNCACHED_RUNS``), and the floor: p50 ms of
    that first request's SQL run directly (the cache's own statements left out)."""
    from django.core.cache import cache
    from django.db import connection
    from django.http import StreamingHttpResponse
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers=headers, SERVER_NAME="127.0.0.1")

    def get() -> None:
        response = client.get(path)
        if isinstance(response, StreamingHttpResponse):
            b"".join(response.streaming_content)

    cache.clear()
    with CaptureQueriesContext(connection) as first:
        get()
    captured = list(first.captured_queries)  # a view of the connection's log: kept now
    # The uncached time: p50 of five requests, each after emptying the cache (one request
    # alone swung 24-52 ms at a million for a 9 ms floor), without capturing queries.
    timings = []
    for _ in range(UNCACHED_RUNS):
        cache.clear()
        began = time.perf_counter()
        get()
        timings.append((time.perf_counter() - began) * 1000)
    uncached = statistics.median(timings)
    with CaptureQueriesContext(connection) as again:
        get()
    statements = [
        q["sql"]
        for q in captured
        if q["sql"].startswith(("SELECT", "WITH")) and "timeline_cache" not in q["sql"]
    ]
    if not statements:  # a streamed export: its cursor's statement is not captured
        return len(again.captured_queries), None, uncached
    raw = connection.connection.cursor()
    samples: list[float] = []
    while len(samples) < max(5, repeat // 5):
        began = time.perf_counter()
        for sql in statements:
            raw.execute(sql)
            raw.fetchall()
        samples.append((time.perf_counter() - began) * 1000)
        if sum(samples) > 10_000 and len(samples) >= 3:  # the unfiltered counts at a million
            break
    return len(again.captured_queries), statistics.median(samples), uncached


def fetch(base: str, path: str, headers: dict) -> tuple[float, int]:
    request = urllib.request.Request(base + path, headers=headers)
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        size = len(response.read())
    return (time.perf_counter() - began) * 1000, size


def timed_requests(base: str, path: str, headers: dict, repeat: int) -> tuple[list[float], int]:
    """``repeat`` samples (ms) of the request through the server, after one to warm it."""
    fetch(base, path, headers)
    samples, size = [], 0
    for _ in range(repeat):
        ms, size = fetch(base, path, headers)
        samples.append(ms)
    return samples, size


def start_datasette(args, archive: Path | None) -> tuple[subprocess.Popen, str, Path] | None:
    """Datasette serving the same archive in SQLite, or None (with a note) when the binary or
    the data cannot be had."""
    from bench import versus_datasette

    binary = args.datasette
    if not binary or not Path(binary).exists():
        print(
            f"\nDatasette: not compared (no binary at --datasette {binary or '(not given)'}; "
            "bench/versus_datasette.py says how to install it)"
        )
        return None
    default = Path(tempfile.gettempdir()) / f"timeline_bench_{args.n}.sqlite3"
    database = Path(args.sqlite) if args.sqlite else default
    if not database.exists():
        if archive is None or not archive.exists():
            print(f"\nDatasette: not compared (no {database} and no --archive to load into it)")
            return None
        versus_datasette.build_sqlite(archive, database)
    port = args.datasette_port or args.port + 10
    return versus_datasette.serve(binary, database, port), f"http://127.0.0.1:{port}", database


def time_datasette(args, base: str, database: Path, actor: str) -> dict[str, str]:
    """Datasette's p50/p95 for the filtered lists; returns their paths by label."""
    from bench import versus_datasette

    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        events = connection.execute("SELECT count(*) FROM events_event").fetchone()[0]
    print(
        f"\n{versus_datasette.version(args.datasette)} on the same data ({database.name}, "
        f"{events:,} events, --immutable, 3 SQL threads); floor: the query alone in sqlite3"
    )
    print(f"{'request':<34} {'p50 ms':>8} {'p95 ms':>8} {'KB':>8} {'floor ms':>9} {'ratio':>6}")
    paths = {}
    for label, query, params in versus_datasette.requests(actor):
        path = paths[label] = versus_datasette.path(database, query, params)
        samples, size = timed_requests(base, path, {}, args.repeat)
        floor = versus_datasette.floor(database, query, params, max(5, args.repeat // 5))
        p50 = statistics.median(samples)
        print(
            f"{label[:34]:<34} {p50:8.0f} {percentile(samples, 0.95):8.0f} "
            f"{size / 1024:8.1f} {floor:9.1f} {p50 / max(floor, 0.01):6.1f}",
            flush=True,
        )
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="timeline_bench")
    parser.add_argument("--archive", help="an archive file to load (default: generated)")
    parser.add_argument("--reuse", action="store_true", help="time the database as it is")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--threads", type=int, default=4, help="wrk threads")
    parser.add_argument("--seconds", type=float, default=15.0, help="of each throughput run")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", help="time only the requests whose label contains this")
    parser.add_argument(
        "--throughput", action="store_true", help="measure throughput even with --only"
    )
    parser.add_argument("--datasette", help="a Datasette binary: compare the filtered lists")
    parser.add_argument(
        "--sqlite",
        help="the SQLite file Datasette serves (default: timeline_bench_N.sqlite3 in the temp "
        "directory; loaded from the archive with load_timeline when missing)",
    )
    parser.add_argument("--datasette-port", type=int, help="default: --port + 10")
    args = parser.parse_args()

    url = f"{args.server}/{args.database}"
    os.environ["DATABASE_URL"] = url
    archive = Path(args.archive) if args.archive else None
    if not args.reuse:
        archive = build(args, url)

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    if args.reuse:
        # As after an import (load_timeline warms them): an earlier run's "uncached" column
        # emptied the cache, and the server's first requests would compute them instead.
        subprocess.run([sys.executable, "manage.py", "warm_counts"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
            "--timeout",
            "300",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        requests = requests_to_time()
        print(
            f"{'request':<34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'KB':>8} "
            f"{'uncached':>9} {'floor ms':>9} {'ratio':>6}"
        )
        for label, path, headers in requests:
            if args.only and args.only not in label:
                continue
            # An export of a year takes seconds at a million: a tenth of the repeats (5 or more).
            repeat = max(5, args.repeat // 10) if "format=" in path else args.repeat
            samples, size = timed_requests(base, path, headers, repeat)
            queries, floor, uncached = queries_and_floor(path, headers, args.repeat)
            p50 = statistics.median(samples)
            print(
                f"{label[:34]:<34} {p50:8.0f} {percentile(samples, 0.95):8.0f} {queries:7d} "
                f"{size / 1024:8.1f} {uncached:9.0f} "
                + (
                    f"{floor:9.1f} {uncached / max(floor, 0.01):6.1f}"
                    if floor
                    else f"{'-':>9} {'-':>6}"
                ),
                flush=True,
            )
        filtered = {
            label: (path, headers)
            for label, path, headers in requests
            if label in ("api actor+year", "api type+from+to")
        }
        query = urllib.parse.urlsplit(filtered["api actor+year"][0]).query
        actor = urllib.parse.parse_qs(query)["actor"][0]
        datasette = None
        if args.datasette or not args.only:
            datasette = start_datasette(args, archive)
        try:
            paths = time_datasette(args, *datasette[1:], actor) if datasette else {}
            if args.only and not args.throughput:
                return
            from bench import throughput

            print(f"\n{args.clients} clients, {args.seconds:g} s each")
            print(throughput.HEADER)
            for label, (path, headers) in filtered.items():
                result = throughput.measure(
                    base + path, headers, args.clients, args.threads, args.seconds
                )
                print(result.row(f"app {label} ({result.tool})"), flush=True)
                result = throughput.measure(
                    base + path,
                    headers,
                    args.clients,
                    args.threads,
                    args.seconds,
                    paths=varied_paths(label),
                )
                print(result.row(f"  each request another filter ({result.tool})"), flush=True)
                kind = label.removeprefix("api ")
                if datasette:
                    ds_label = f"datasette {kind} (same JSON)"
                    result = throughput.measure(
                        datasette[1] + paths[ds_label], {}, args.clients, args.threads, args.seconds
                    )
                    print(result.row(f"{ds_label} ({result.tool})"), flush=True)
        finally:
            if datasette:
                datasette[0].terminate()
                datasette[0].wait(timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
