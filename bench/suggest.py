"""Time the proposals for a 10,000-word article.

    .venv/bin/python bench/suggest.py [--words 10000] [--repeat 5]

The article is the five sample articles (fixtures/corpus/) repeated until it has the number of
words asked, split into passages as import_source splits it; actors are the curated ones
(fixtures/timeline.json). "Cold" clears every cache first (the proposals of a new source, as on
import); "warm" reuses the memo of date expressions already resolved. No database: extraction
is pure; the queue adds a fixed number of queries on top (tests/test_suggestions.py).
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
TARGET_SECONDS = 2.0


def article(words: int) -> str:
    corpus = sorted((ROOT / "fixtures" / "corpus").glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in corpus]
    parts, count = [], 0
    while count < words:
        for text in texts:
            for line in text.splitlines(keepends=True):
                parts.append(line)
                count += len(line.split())
                if count >= words:
                    break
            if count >= words:
                break
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from lib.datesearch import _parse
    from sources.models import split_passages
    from suggestions.evaluation import TIMELINE, lexicon_from_timeline
    from suggestions.extract import PassageData, extract

    text = article(args.words)
    passages = [PassageData(i, i, text[a:b]) for i, (a, b) in enumerate(split_passages(text))]
    reference = dt.date(2021, 6, 24)

    def run(cold: bool) -> tuple[float, int]:
        if cold:
            _parse.cache_clear()
        began = time.perf_counter()
        lexicon = lexicon_from_timeline(json.loads(TIMELINE.read_text(encoding="utf-8")))
        found = extract(passages, reference, lexicon)
        return time.perf_counter() - began, len(found)

    first, proposals = run(cold=True)  # also loads dateparser's data, once per process
    cold = [run(cold=True)[0] for _ in range(args.repeat)]
    warm = [run(cold=False)[0] for _ in range(args.repeat)]
    print(
        f"{len(text.split())} words, {len(passages)} passages, {proposals} proposals "
        f"(os.cpu_count()={os.cpu_count()})"
    )
    print(f"first run in a fresh process (loads dateparser's data): {first * 1000:.0f} ms")
    print(
        f"cold (no memo): median {statistics.median(cold) * 1000:.0f} ms, "
        f"max {max(cold) * 1000:.0f} ms over {args.repeat}"
    )
    print(f"warm (memo of resolved expressions): median {statistics.median(warm) * 1000:.0f} ms")
    verdict = "met" if max([first, *cold]) < TARGET_SECONDS else "NOT met"
    print(f"target < {TARGET_SECONDS:.0f} s, first run included: {verdict}")


if __name__ == "__main__":
    main()
