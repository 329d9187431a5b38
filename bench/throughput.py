"""Requests per second at N concurrent clients: wrk when installed, else a thread pool.

``wrk`` (Debian package ``wrk``) is the load generator of record: it holds ``clients``
keep-alive connections on a few threads for ``seconds`` and reports the rate and latency
percentiles. Without it, ``clients`` Python threads request the URL in a loop for the same
time (one connection per request, so slightly slower; the output says which was used).
"""

from __future__ import annotations

import concurrent.futures
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Throughput:
    tool: str  # "wrk" or "threads"
    requests_per_s: float
    p50: float  # ms
    p90: float
    p99: float
    requests: int
    errors: int  # non-2xx/3xx answers, socket errors and timeouts

    def row(self, label: str) -> str:
        return (
            f"{label[:44]:<44} {self.requests_per_s:8.1f} {self.p50:8.0f} {self.p90:8.0f} "
            f"{self.p99:8.0f} {self.requests:8d} {self.errors:6d}"
        )


HEADER = (
    f"{'at 20 clients':<44} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
    f"{'requests':>8} {'errors':>6}"
)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str) -> Throughput:
    """Rate, latency percentiles and errors from ``wrk --latency``'s report."""
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+([\d.]+(?:us|ms|s|m))\s*$", output, re.M))
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: (.*)", output):
        errors += sum(int(n) for n in re.findall(r"\d+", match.group(1)))
    return Throughput(
        "wrk",
        rate,
        _ms(latency["50"]),
        _ms(latency["90"]),
        _ms(latency["99"]),
        requests,
        errors,
    )


# wrk's script for ``paths``: each of its threads walks its own share of the list (thread t
# asks for paths t, t + T, t + 2T, ...), so no path is asked twice while the list lasts.
WRK_PATHS = """
local paths = {%s}
local threads = 0
function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
  thread:set("stride", %d)
end
function init(args)
  n = first
end
function request()
  local path = paths[(n %% #paths) + 1]
  n = n + stride
  return wrk.format(nil, path)
end
"""


def measure(
    url: str,
    headers: dict,
    clients: int = 20,
    threads: int = 4,
    seconds: float = 15.0,
    paths: list[str] | None = None,
) -> Throughput:
    """``clients`` concurrent clients on ``url`` for ``seconds``; with ``paths``, each
    request asks for the next path of the list on ``url``'s server instead (a different
    request each time while the list lasts: what no cache has seen)."""
    wrk = shutil.which("wrk")
    if wrk:
        threads = min(threads, clients)
        command = [wrk, f"-t{threads}", f"-c{clients}", f"-d{seconds:g}s"]
        command += ["--latency", "--timeout", "60s"]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
            if paths:
                quoted = ", ".join(json.dumps(path) for path in paths)  # Lua reads these
                script.write(WRK_PATHS % (quoted, threads))
                script.flush()
                command += ["-s", script.name]
            run = subprocess.run([*command, url], capture_output=True, text=True, check=True)
        return parse_wrk(run.stdout)
    return _threads(url, headers, clients, seconds, paths)


def _threads(
    url: str, headers: dict, clients: int, seconds: float, paths: list[str] | None = None
) -> Throughput:
    print("  (wrk is not installed: `apt-get install -y wrk`; using Python threads instead)")
    began = time.perf_counter()
    base = urllib.parse.urljoin(url, "/")
    asked = itertools.count()

    def client() -> tuple[list[float], int]:
        samples, errors = [], 0
        while time.perf_counter() - began < seconds:
            start = time.perf_counter()
            target = urllib.parse.urljoin(base, paths[next(asked) % len(paths)]) if paths else url
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(target, headers=headers), timeout=60
                ) as response:
                    response.read()
                samples.append((time.perf_counter() - start) * 1000)
            except OSError:
                errors += 1
        return samples, errors

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda _: client(), range(clients)))
    elapsed = time.perf_counter() - began
    samples = sorted(s for result in results for s in result[0])
    errors = sum(result[1] for result in results)

    def at(p: float) -> float:
        return samples[min(len(samples) - 1, int(p * len(samples)))] if samples else 0.0

    return Throughput(
        "threads",
        len(samples) / elapsed,
        at(0.5),
        at(0.9),
        at(0.99),
        len(samples),
        errors,
    )
