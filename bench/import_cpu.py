"""Where an import's time goes in CPU: the loader's process, the database server, the cores.

    .venv/bin/python bench/import_cpu.py ARCHIVE [--database timeline_cpu] [--server URL]

Loads ``ARCHIVE`` (``bench/generate.py``) with ``load_timeline -v 2 --indexes rebuild`` into
a new database on a PostgreSQL server on this machine (loopback only: the server's processes
are read from ``/proc``), sampling twice a second the CPU time of the loader (all its
threads) and of the server (every ``postgres`` process, and the postmaster's reaped children:
backends and parallel workers that have ended). It prints the load's own step timings, then:

- wall time and events/s;
- CPU seconds of the loader and of the server, and their sum;
- the floor that sum sets on this machine's cores (sum / cores): no schedule of the same
  work, however parallel, finishes faster;
- how long the machine ran at about one core busy (under 1.3), and at two or more (1.7+).

If the floor in events/s is below a target, the target needs less work, not more overlap.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TICK = os.sysconf("SC_CLK_TCK")
LOOPBACK = {"127.0.0.1", "localhost", "::1", ""}


def _stat(pid: str) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces.
    head, _, rest = raw.rpartition(")")
    return [head.split(" (", 1)[1], *rest.split()]


def server_cpu() -> float:
    """CPU seconds of every postgres process, with the children the postmaster has reaped."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        fields = _stat(pid)
        if fields is None or fields[0] != "postgres":
            continue
        # fields[1] is the state; utime, stime, cutime, cstime are stat's 14th-17th.
        utime, stime, cutime, cstime = (int(v) for v in fields[12:16])
        total += utime + stime
        parent = _stat(fields[2])
        if parent is None or parent[0] != "postgres":  # the postmaster
            total += cutime + cstime
    return total / TICK


def process_cpu(pid: int) -> float:
    fields = _stat(str(pid))
    if fields is None:
        return 0.0
    return (int(fields[12]) + int(fields[13])) / TICK


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive")
    parser.add_argument("--database", default="timeline_cpu")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    if urlsplit(args.server).hostname not in LOOPBACK:
        sys.exit("--server: the database must run on this machine (127.0.0.1).")
    url = f"{args.server}/{args.database}"
    env = {**os.environ, "DATABASE_URL": url}
    for sql in (f"DROP DATABASE IF EXISTS {args.database}", f"CREATE DATABASE {args.database}"):
        subprocess.run(["psql", f"{args.server}/postgres", "-qc", sql], check=True)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    cores = os.cpu_count() or 1
    children_before = _children_cpu()
    server_before = server_cpu()
    began = time.monotonic()
    load = subprocess.Popen(
        [PYTHON, "manage.py", "load_timeline", "-v", "2", "--indexes", "rebuild", args.archive],
        cwd=ROOT,
        env=env,
    )
    samples: list[tuple[float, float]] = []  # (seconds since start, CPU seconds so far)
    loader = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            loader[0] = max(loader[0], process_cpu(load.pid))
            used = loader[0] + server_cpu() - server_before
            samples.append((time.monotonic() - began, used))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = load.wait()
    wall = time.monotonic() - began
    done.set()
    sampler.join()
    if code:
        sys.exit(f"load_timeline failed ({code})")
    time.sleep(1)  # the load's backend exits and is reaped after its client
    server = server_cpu() - server_before
    # The loader's exact CPU, from the kernel once it has been waited for.
    loader_cpu = _children_cpu() - children_before
    events = _count(url)
    total = loader_cpu + server
    one = two = 0.0
    for (t0, c0), (t1, c1) in itertools.pairwise(samples):
        busy = (c1 - c0) / (t1 - t0)
        one += (t1 - t0) if busy < 1.3 else 0.0
        two += (t1 - t0) if busy >= 1.7 else 0.0
    print()
    print(f"events loaded                 {events:,}")
    print(f"wall                          {wall:.1f} s = {events / wall:,.0f} events/s")
    print(f"loader CPU (Python)           {loader_cpu:.1f} s")
    print(f"server CPU (PostgreSQL)       {server:.1f} s")
    print(f"total CPU                     {total:.1f} s on {cores} cores")
    print(
        f"floor on {cores} cores           {total / cores:.1f} s = "
        f"{events / (total / cores):,.0f} events/s"
    )
    print(f"about one core busy (<1.3)    {one:.1f} s")
    print(f"two or more busy (>=1.7)      {two:.1f} s")


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _count(url: str) -> int:
    out = subprocess.run(
        ["psql", url, "-tAc", "SELECT count(*) FROM events_event"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip())


if __name__ == "__main__":
    main()
