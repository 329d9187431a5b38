"""The streamed exports through a real server: events per second and the worker's memory.

    .venv/bin/python bench/exports.py --database timeline_bench          # a built archive
    .venv/bin/python bench/exports.py --database timeline_bench1m --year 2015

Serves ``--database`` (a PostgreSQL database already loaded, for example by
``bench/scale.py``) with gunicorn (one sync worker, DEBUG off, a worker timeout long enough
for a million-event file) on 127.0.0.1:``--port``, and downloads, as an anonymous reader,
the CSV, iCalendar and TimelineJS exports of every published event and of one year. For
each it prints the events matched (counted in SQL beforehand), the time to the first byte
and to the last, events per second, the size, and the worker's resident memory before the
request and at its highest during it (sampled every 50 ms from /proc), and the CPU seconds
the worker and its database server process spent on it (on a shared machine the time is
mostly waiting for a core; the CPU seconds say what the export itself costs). Nothing here
is a test: the figures go in the README.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User and system CPU seconds of each process (of those that still exist)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return seconds


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings by the processes alive at the second."""
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def backends(server: str, database: str) -> list[int]:
    """The database server processes serving ``database`` (the worker's connection)."""
    sql = f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'"
    out = subprocess.run(
        ["psql", f"{server}/postgres", "-Atc", sql], check=True, capture_output=True, text=True
    )
    return [int(pid) for pid in out.stdout.split()]


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def count(server: str, database: str, where: str) -> int:
    sql = f"SELECT count(*) FROM events_event WHERE status = 'published' {where}"
    out = subprocess.run(
        ["psql", f"{server}/{database}", "-Atc", sql], check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip())


def download(
    url: str, worker: int, database: Callable[[], list[int]]
) -> tuple[float, float, int, float, float, dict[int, float]]:
    """(seconds to the first byte, to the last, bytes, RSS before, peak RSS in MB, the last
    CPU reading of each database process seen while it ran)."""
    before = rss_mb(worker)
    peak = [before]
    done = threading.Event()
    database_cpu: dict[int, float] = {}

    def sample() -> None:
        pids: list[int] = []
        last = 0.0
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(worker))
            if time.monotonic() - last > 1:  # the worker may open a new connection
                pids, last = database(), time.monotonic()
            database_cpu.update(cpu_seconds(pids))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    began = time.perf_counter()
    first = None
    size = 0
    try:
        with urllib.request.urlopen(url, timeout=3600) as response:
            while block := response.read(1 << 20):
                if first is None:
                    first = time.perf_counter() - began
                size += len(block)
    finally:
        done.set()
        sampler.join()
    return first or 0.0, time.perf_counter() - began, size, before, peak[0], database_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="timeline_bench")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--port", type=int, default=8802)
    parser.add_argument("--year", type=int, default=2015)
    parser.add_argument("--formats", default="csv,ics,timelinejs")
    parser.add_argument("--only", default="", help="'all' or 'year': one of the two filters")
    parser.add_argument(
        "--root", default=str(ROOT), help="the checkout to serve (another branch, to compare)"
    )
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": f"{args.server}/{args.database}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    bind = f"127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [gunicorn, "config.wsgi", "--workers", "1", "--bind", bind, "--timeout", "3600"],
        cwd=args.root,
        env=env,
    )
    base = f"http://{bind}/api/events/"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "?page_size=1", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        [worker] = workers(server.pid)
        year = f"AND span_end >= '{args.year}-01-01' AND span_start <= '{args.year}-12-31'"
        filters = {
            "all": ("", count(args.server, args.database, "")),
            "year": (f"&year={args.year}", count(args.server, args.database, year)),
        }
        print(
            f"{'export':<24} {'events':>9} {'first s':>8} {'total s':>8} {'events/s':>9} "
            f"{'MB':>8} {'RSS MB':>7} {'peak MB':>8} {'worker cpu':>10} {'db cpu':>7}",
            flush=True,
        )
        for name, (query, events) in filters.items():
            if args.only and args.only != name:
                continue
            for fmt in args.formats.split(","):

                def database() -> list[int]:
                    return backends(args.server, args.database)

                cpu = cpu_seconds([worker]), cpu_seconds(database())
                url = f"{base}?format={fmt}{query}"
                first, total, size, before, peak, seen = download(url, worker, database)
                worker_cpu = spent(cpu[0], cpu_seconds([worker]))
                database_cpu = spent(cpu[1], seen)
                label = f"{fmt} {'all published' if name == 'all' else args.year}"
                print(
                    f"{label:<24} {events:>9,} {first:8.2f} {total:8.2f} "
                    f"{events / total:9,.0f} {size / 1e6:8.1f} {before:7.0f} {peak:8.0f} "
                    f"{worker_cpu:10.1f} {database_cpu:7.1f}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
