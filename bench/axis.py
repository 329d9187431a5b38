"""Time the time axis and the density strip on a large archive (default one million events).

    .venv/bin/python bench/axis.py [--events 1000000] [--repeat 5]

Uses a throwaway SQLite database (or DATABASE_URL's server, with a test database created and
dropped). Events are written with bulk_create, one a few hours apart from 1900 to 2025, mixed
precisions, a tenth approximate, a hundredth spanning several years, two actors on every
tenth. Prints the median time of each axis (and of the strip) and the number of queries.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import (
        CaptureQueriesContext,
    )

    from bench.common import scratch_database
    from events.axis import load_axis
    from events.models import Actor, Event, EventType, Participation, Status
    from events.views.timeline import year_density
    from lib.dates import Precision, interval

    with scratch_database():
        rng = random.Random(14)
        actors = Actor.objects.bulk_create(
            Actor(name=f"Actor {i}", slug=f"actor-{i}", kind="person") for i in range(50)
        )
        first = dt.date(1900, 1, 1).toordinal()
        days = dt.date(2025, 12, 31).toordinal() - first
        types = EventType.values
        began = time.perf_counter()
        batch, links = [], []
        for i in range(args.events):
            start = dt.date.fromordinal(first + days * i // args.events)
            precision = rng.choice([Precision.DAY] * 6 + [Precision.MONTH] * 3 + [Precision.YEAR])
            end = (
                dt.date(min(start.year + rng.randint(1, 20), 9999), start.month, 1)
                if i % 100 == 0
                else None
            )
            span = interval(start, end, precision)
            batch.append(
                Event(
                    title=f"Event {i}",
                    type=types[i % len(types)],
                    status=Status.PUBLISHED,
                    date_start=start,
                    date_end=end,
                    date_precision=precision,
                    date_approximate=i % 10 == 0,
                    span_start=span[0],
                    span_end=span[1],
                    precision_rank=0,
                )
            )
            if len(batch) == 20_000:
                made = Event.objects.bulk_create(batch)
                links += [
                    Participation(event=e, actor=actors[(e.pk * k) % 50])
                    for e in made[::10]
                    for k in (1, 7)
                ]
                batch = []
        made = Event.objects.bulk_create(batch)
        Participation.objects.bulk_create(links, batch_size=20_000)
        print(f"{args.events:,} events written in {time.perf_counter() - began:.0f} s")
        everything = Event.objects.all()
        cases = [
            ("all dates, lanes by type", everything, (None, None), "type"),
            ("all dates, lanes by actor", everything, (None, None), "actor"),
            (
                "one year (2021)",
                everything.in_year(2021),
                (dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
                "type",
            ),
            (
                "one month (June 2021)",
                everything.overlapping(dt.date(2021, 6, 1), dt.date(2021, 6, 30)),
                (dt.date(2021, 6, 1), dt.date(2021, 6, 30)),
                "type",
            ),
            (
                "one week",
                everything.overlapping(dt.date(2021, 6, 20), dt.date(2021, 6, 26)),
                (dt.date(2021, 6, 20), dt.date(2021, 6, 26)),
                "type",
            ),
        ]
        connection.queries_log.clear()
        for label, qs, wanted, lanes in cases:
            samples = []
            for _ in range(args.repeat):
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    axis = load_axis(
                        qs,
                        wanted=wanted,
                        lanes_by=lanes,
                        participations=lambda: Participation.objects.all(),
                    )
                    samples.append((time.perf_counter() - began) * 1000)
            assert axis is not None, "the events have dates: there is an axis"
            marks = sum(len(lane.marks) for lane in axis.lanes)
            clusters = sum(len(lane.clusters) for lane in axis.lanes)
            print(
                f"axis, {label}: median {statistics.median(samples):.0f} ms, "
                f"{len(queries)} queries, {axis.total:,} events as {marks} marks and "
                f"{clusters} counts{' (counted in SQL)' if axis.aggregated else ''}; "
                f"queries: {', '.join(q['time'] + ' s' for q in queries.captured_queries)}"
            )
        samples = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            bars, _undated = year_density(everything, QueryDict())
            samples.append((time.perf_counter() - began) * 1000)
        print(
            f"density strip, all dates: median {statistics.median(samples):.0f} ms, "
            f"{len(bars)} bars"
        )


if __name__ == "__main__":
    main()
