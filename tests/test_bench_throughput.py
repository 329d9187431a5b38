"""The benchmark reads wrk's report (bench/throughput.py): rate, latency percentiles, errors."""

import pytest

from bench.throughput import parse_wrk

REPORT = """Running 15s test @ http://127.0.0.1:8765/api/events/?actor=bortaw&year=2015
  4 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   412.04ms  101.20ms   1.20s    70.00%
    Req/Sec    12.50      5.10    30.00     60.00%
  Latency Distribution
     50%  398.10ms
     75%  470.00ms
     90%    1.02s
     99%  850.00us
  731 requests in 15.02s, 49.43MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:     48.67
Transfer/sec:      3.29MB
"""


def test_wrk_report_gives_rate_percentiles_in_ms_and_every_error():
    result = parse_wrk(REPORT)
    assert result.tool == "wrk"
    assert result.requests_per_s == pytest.approx(48.67)
    assert result.p50 == pytest.approx(398.1)
    assert result.p90 == pytest.approx(1020.0)
    assert result.p99 == pytest.approx(0.85)
    assert result.requests == 731
    assert result.errors == 4 + 1 + 2


def test_wrk_report_without_errors_counts_none():
    clean = "\n".join(
        line for line in REPORT.splitlines() if "errors" not in line and "Non-2xx" not in line
    )
    assert parse_wrk(clean).errors == 0
