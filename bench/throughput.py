"""Requests per second at N concurrent clients: wrk when installed, else a thread pool.

``wrk`` (Debian package ``wrk``) is the load generator of record: it holds ``clients``
keep-alive connections on a few threads for ``seconds`` and reports the rate and latency
percentiles. Without it, ``clients`` Python threads request the URL in a loop for the same
time (one connection per request, so slightly slower; the output says which was used).
"""

from __future__ import annotations

import concurrent.futures
import re
import shutil
import subprocess
import time
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


def measure(
    url: str, headers: dict, clients: int = 20, threads: int = 4, seconds: float = 15.0
) -> Throughput:
    """``clients`` concurrent clients on ``url`` for ``seconds``."""
    wrk = shutil.which("wrk")
    if wrk:
        command = [wrk, f"-t{min(threads, clients)}", f"-c{clients}", f"-d{seconds:g}s"]
        command += ["--latency", "--timeout", "60s"]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        run = subprocess.run([*command, url], capture_output=True, text=True, check=True)
        return parse_wrk(run.stdout)
    return _threads(url, headers, clients, seconds)


def _threads(url: str, headers: dict, clients: int, seconds: float) -> Throughput:
    print("  (wrk is not installed: `apt-get install -y wrk`; using Python threads instead)")
    began = time.perf_counter()

    def client() -> tuple[list[float], int]:
        samples, errors = [], 0
        while time.perf_counter() - began < seconds:
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(url, headers=headers), timeout=60
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
