"""Time the suggestion queue of a long report: its pages and its API.

    .venv/bin/python bench/suggestion_queue.py [--bytes 1100000] [--repeat 5]

The report is the five sample articles (fixtures/corpus/) repeated to the size asked (1.1 MB:
about 4,600 proposals), imported into a throwaway database (SQLite, or DATABASE_URL's server)
holding the curated timeline (fixtures/timeline.json), so proposals corroborate and overlap
recorded events. Every figure is after a first request has cached the extraction (as the
import does); medians and maxima over ``--repeat`` requests, with the response's size.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def report(size: int) -> str:
    """The sample articles, whole, repeated until the text has ``size`` bytes."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
    parts: list[str] = []
    written = 0
    while written < size:
        for text in texts:
            parts.append(text)
            written += len(text.encode()) + 2
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bytes", type=int, default=1_100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from bench.common import scratch_database
    from sources.services import import_source
    from suggestions.services import proposals_for_source

    with scratch_database():
        call_command("load_timeline", verbosity=0)
        text = report(args.bytes)
        source, _ = import_source(
            text, title="A long report", key="long-report", reference_date=dt.date(2021, 10, 30)
        )
        analyst = User.objects.create_user("bench-analyst", password="not-a-default-1")
        analyst.groups.add(Group.objects.get_or_create(name="analysts")[0])
        client = Client()
        client.force_login(analyst)
        print(
            f"report of {len(text.encode()):,} bytes, {source.passages.count():,} passages, "
            f"{len(proposals_for_source(source)):,} proposals"
        )
        queue = reverse("source-suggestions", args=[source.pk])
        api = reverse("api-source-suggestions", args=[source.pk])
        cases = [
            ("queue page 1", queue, {}),
            ("queue page 40", queue, {"page": 40}),
            ("API page 1 (50)", api, {"page": 1}),
            ("API page 10 of 500", api, {"page": 10, "page_size": 500}),
            ("API whole list", api, {}),
        ]
        for name, url, query in cases:
            client.get(url, query)  # the extraction, cached
            samples, size = [], 0
            for _ in range(args.repeat):
                began = time.perf_counter()
                response = client.get(url, query)
                samples.append(time.perf_counter() - began)
                assert response.status_code == 200, (name, response.status_code)
                size = len(response.content)
            print(
                f"{name:<20} median {statistics.median(samples) * 1000:6.0f} ms, "
                f"max {max(samples) * 1000:6.0f} ms, {size / 1000:8,.0f} KB"
            )


if __name__ == "__main__":
    main()
