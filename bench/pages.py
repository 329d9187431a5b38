"""Time loading the curated timeline and serving the main pages.

    .venv/bin/python bench/pages.py [--repeat 50]

Uses a throwaway SQLite database (or DATABASE_URL's server, with a test
database created and dropped) and Django's test client, so it measures the
app without the network. Prints the median and 95th percentile in ms.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench.common import scratch_database, timed
    from sources.models import Source

    with scratch_database():
        began = time.perf_counter()
        call_command("load_timeline", verbosity=0)
        print(f"load_timeline (empty database): {(time.perf_counter() - began) * 1000:.0f} ms")
        began = time.perf_counter()
        call_command("load_timeline", verbosity=0)
        print(f"load_timeline (again, no change): {(time.perf_counter() - began) * 1000:.0f} ms")
        client = Client()
        source = Source.objects.earliest("pk")
        for label, url in [("timeline /", "/"), ("source reader", f"/sources/{source.pk}/")]:
            median, p95 = timed(lambda url=url: client.get(url), args.repeat)
            print(f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms over {args.repeat}")


if __name__ == "__main__":
    main()
