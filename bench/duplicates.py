"""Time finding possible duplicates and filtering the timeline by a title, at scale.

    .venv/bin/python bench/duplicates.py [--events 20000] [--repeat 20]

Uses a throwaway SQLite database (or DATABASE_URL's server, with a test database created
and dropped): N events over 2000-2024, each with two of 500 actors; a title held by three of
them in turn. Prints the median and 95th percentile in ms, and the query plan's index use.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def populate(n: int) -> None:
    from events.models import Actor, ActorKind, Event, Participation, Position, Post, Status

    rng = random.Random(11)
    actors = Actor.objects.bulk_create(
        Actor(name=f"Actor {i}", slug=f"actor-{i}", kind=ActorKind.PERSON) for i in range(500)
    )
    words = ["talks", "visit", "arms", "deal", "navy", "drills", "forum", "summit", "parade"]
    events = []
    for i in range(n):
        start = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(25 * 365))
        event = Event(
            title=f"{rng.choice(words).title()} {rng.choice(words)} {i}",
            status=Status.PUBLISHED,
            date_start=start,
        )
        event.span_start = event.span_end = start  # what save() derives for a day
        events.append(event)
    events = Event.objects.bulk_create(events, batch_size=2000)
    Participation.objects.bulk_create(
        (Participation(event=e, actor=a) for e in events for a in rng.sample(actors, 2)),
        batch_size=5000,
    )
    post = Post.objects.create(title="Russian Defense Minister")
    for holder, (first, last) in zip(
        actors[:3],
        [
            (dt.date(2000, 1, 1), dt.date(2012, 11, 5)),
            (dt.date(2012, 11, 6), dt.date(2024, 5, 12)),
            (dt.date(2024, 5, 14), None),
        ],
        strict=True,
    ):
        Position.objects.create(holder=holder, post=post, start=first, end=last)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.common import scratch_database, timed
    from events.duplicates import Candidate, possible_duplicates

    with scratch_database():
        began = time.perf_counter()
        populate(args.events)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as autovacuum would gather them
        print(f"{args.events} events made in {(time.perf_counter() - began):.1f} s")
        from events.models import Actor

        ids = tuple(
            Actor.objects.filter(slug__in=["actor-1", "actor-7"]).values_list("pk", flat=True)
        )
        candidate = Candidate(dt.date(2021, 6, 22), dt.date(2021, 6, 24), ids, "Arms talks visit")
        median, p95 = timed(lambda: possible_duplicates(candidate), args.repeat)
        print(f"possible_duplicates: median {median:.1f} ms, p95 {p95:.1f} ms over {args.repeat}")
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            possible_duplicates(candidate)
        with connection.cursor() as cursor:
            explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
            cursor.execute(explain + captured[0]["sql"])
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        print(f"possible_duplicates: {len(captured)} query; plan: {plan}")
        client = Client()
        for label, query in [
            ("timeline / (no filter)", {}),
            ("timeline ?actor=<a holder's slug>", {"actor": "actor-1"}),
            ("timeline ?actor=<title>", {"actor": "Russian Defense Minister"}),
            (
                "timeline ?actor=<title>&year=2021",
                {"actor": "Russian Defense Minister", "year": "2021"},
            ),
        ]:
            median, p95 = timed(lambda q=query: client.get("/", q), args.repeat)
            print(f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms over {args.repeat}")
        print(f"database: {connection.vendor}")


if __name__ == "__main__":
    main()
