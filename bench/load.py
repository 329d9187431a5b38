"""Load and fault check: clients against gunicorn on PostgreSQL, then again while the
database drops the workers' connections.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/timeline_bench \\
        .venv/bin/python bench/load.py [--clients 20] [--seconds 60] [--kill-every 2]

Loopback only: the database and the server must be on 127.0.0.1 (the script refuses
anything else). It creates the database if missing, migrates it, loads the curated timeline,
starts gunicorn (config.wsgi, as `make run` does) on a free local port, and runs two phases:

1. load: ``--clients`` threads request a mix of pages and API reads for ``--seconds``;
2. faults: the same load while a thread runs ``pg_terminate_backend`` on every connection
   of the workers every ``--kill-every`` seconds.

Each phase prints requests, throughput, latency (median, p95, max), the status codes and the
number of 5xx answers; both must have zero 5xx. Every loop is bounded by the phase's end.
"""

import argparse
import collections
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# What readers and scripts ask for; one in twelve is refused by the limits (a 400, not 5xx).
PATHS = [
    "/",
    "/?actor=myanmar",
    "/?actor=myanmar&actor=shoigu",
    "/?q=moscow",
    "/?year=2021&type=visit",
    "/?from=2021-06&to=2021-06&sort=-date",
    "/actors/",
    "/actors/min-aung-hlaing/",
    "/actors/suggest/?q=sh",
    "/sources/",
    "/api/events/?actor=shoigu",
    "/api/events/?format=csv",
    "/api/actors/?q=ta",
    "/api/citations/",
    "/?" + "&".join(["actor=myanmar"] * 200),  # the stall of issue 13: now a 400
    "/healthz",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, env: dict) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def psql(database_url: str, sql: str) -> str:
    parts = urlsplit(database_url)
    command = [
        shutil.which("psql") or "psql",
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
        "-d",
        parts.path.lstrip("/"),
        "-tAc",
        sql,
    ]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def ensure_database(database_url: str) -> None:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = database_url.replace(parts.path, "/postgres")
    if psql(admin, f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip() != "1":
        psql(admin, f'CREATE DATABASE "{name}"')


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: collections.Counter = collections.Counter()
        self.failures: list[str] = []

    def add(self, status: int, seconds: float, path: str) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] += 1
            if status >= 500 or status == 0:
                self.failures.append(f"{status} {path[:80]}")

    def report(self, name: str, seconds: float) -> int:
        ms = sorted(x * 1000 for x in self.latencies)
        count = len(ms)
        five = sum(n for status, n in self.statuses.items() if status >= 500 or status == 0)
        print(f"== {name}")
        print(f"requests: {count} in {seconds:.0f} s ({count / seconds:.1f}/s)")
        if ms:
            p95 = ms[max(0, int(count * 0.95) - 1)]
            median = statistics.median(ms)
            print(f"latency: median {median:.0f} ms, p95 {p95:.0f} ms, max {ms[-1]:.0f} ms")
        print("statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items())))
        print(f"5xx or no answer: {five}")
        for failure in self.failures[:10]:
            print(f"  {failure}")
        return five


def client(base: str, index: int, deadline: float, tally: Tally) -> None:
    i = index
    while time.monotonic() < deadline:
        path = PATHS[i % len(PATHS)]
        i += 1
        began = time.monotonic()
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            exc.read()
            status = exc.code
        except OSError:
            status = 0  # no answer at all
        tally.add(status, time.monotonic() - began, path)


def killer(database_url: str, deadline: float, every: float, killed: list[int]) -> None:
    sql = (
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND backend_type = 'client backend'"
    )
    while time.monotonic() + every < deadline:
        time.sleep(every)
        killed.append(int(psql(database_url, sql).strip() or 0))


def phase(base: str, clients: int, seconds: float, database_url: str, kill_every: float):
    tally = Tally()
    killed: list[int] = []
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(base, n, deadline, tally)) for n in range(clients)
    ]
    if kill_every:
        threads.append(
            threading.Thread(target=killer, args=(database_url, deadline, kill_every, killed))
        )
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return tally, time.monotonic() - began, killed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--kill-every", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres") or urlsplit(database_url).hostname not in LOOPBACK:
        sys.exit("Set DATABASE_URL to a PostgreSQL database on 127.0.0.1 (loopback only).")
    env = os.environ | {"LOG_LEVEL": "WARNING", "LOG_FORMAT": "json", "DEBUG": "false"}
    ensure_database(database_url)
    manage("migrate", "--no-input", "-v0", env=env)
    manage("collectstatic", "--no-input", "-v0", env=env)
    manage("load_timeline", env=env)
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)  # noqa: SIM115

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            GUNICORN,
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "30",
        ],
        env=env,
        cwd=ROOT,
        stderr=log,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(1)
        print(f"gunicorn: {args.workers} workers; {args.clients} clients; {args.seconds:.0f} s")
        tally, seconds, _ = phase(base, args.clients, args.seconds, database_url, 0)
        failed = tally.report("load", seconds)
        tally, seconds, killed = phase(
            base, args.clients, args.seconds, database_url, args.kill_every
        )
        failed += tally.report("load while the database drops connections", seconds)
        print(f"connections terminated: {sum(killed)} in {len(killed)} rounds")
    finally:
        server.terminate()
        server.wait(timeout=30)
    logged = Path(log.name).read_text()
    print(f"reads run again after a lost connection: {logged.count('running it again')}")
    errors = logged.count('"level": "ERROR"')
    print(f"server errors logged: {errors} (log: {log.name})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
