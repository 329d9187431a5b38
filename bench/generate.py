"""Write a synthetic archive of N events in the interchange format (``events/interchange.py``).

    .venv/bin/python bench/generate.py 100000 --seed 1 -o /tmp/archive.json

Deterministic by seed: the same N and seed give the same bytes. The mix is meant to look like
a real archive rather than to be pretty: a few thousand actors whose popularity follows a
Zipf-like law (a handful appear in tens of thousands of events), some with aliases that events
use instead of the name; every event type and role; dates from 1950 to 2025 (more recent years
are busier) at day, month or year precision, some ranges, some approximate, a few undated;
mostly published with some drafts; one to five citations per event, each quote verbatim text of
a sentence of a generated source (given with its passage and offsets, as ``dump`` writes them,
and now and then as a bare quote the loader has to find). The output is written as it is made,
so memory does not grow with N.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO

# Kept equal to events.models.EventType / Role and lib.dates.Precision (tests/test_generate.py).
EVENT_TYPES = [
    "visit",
    "meeting",
    "arms_deal",
    "agreement",
    "un_action",
    "statement",
    "award",
    "conference",
    "parade",
    "exercise",
    "economic",
    "military_action",
    "policy",
    "aggregate",
    "other",
]
TYPE_WEIGHTS = [14, 16, 8, 9, 5, 14, 3, 5, 2, 4, 7, 4, 5, 1, 3]
ROLES = [
    "visitor",
    "host",
    "supplier",
    "recipient",
    "participant",
    "organizer",
    "speaker",
    "subject",
    "voter",
    "honoree",
    "signatory",
]
KINDS = ["person", "organization", "country", "place"]
KIND_WEIGHTS = [70, 18, 6, 6]

SYLLABLES = [
    "ka",
    "la",
    "min",
    "aung",
    "hla",
    "ing",
    "ser",
    "gei",
    "sho",
    "igu",
    "vla",
    "dim",
    "ir",
    "put",
    "than",
    "swe",
    "tin",
    "nyo",
    "myo",
    "zaw",
    "win",
    "lav",
    "rov",
    "mik",
    "hey",
    "ev",
    "pat",
    "ru",
    "shev",
    "ale",
    "xan",
    "der",
    "fo",
    "min",
    "dmi",
    "tri",
    "med",
    "ved",
    "yu",
    "ri",
    "bor",
    "is",
    "ni",
    "kol",
    "ay",
    "thu",
    "htet",
    "kyaw",
    "soe",
    "maung",
    "nay",
    "pyi",
    "taw",
    "ran",
    "gon",
    "yan",
    "mos",
    "kva",
    "pe",
    "ter",
    "sak",
    "hal",
    "in",
    "ma",
    "ri",
    "na",
]
TOPICS = [
    "helicopter deliveries",
    "fighter jets",
    "air defence systems",
    "naval cooperation",
    "military training",
    "nuclear energy",
    "oil and gas",
    "rice exports",
    "timber trade",
    "port construction",
    "railway projects",
    "student exchanges",
    "vaccine supplies",
    "cyber security",
    "border security",
    "counter-terrorism",
    "satellite launches",
    "banking links",
    "visa rules",
    "grain shipments",
    "fertiliser trade",
    "drone purchases",
    "artillery shells",
    "radar stations",
    "military academies",
    "joint exercises",
    "election observers",
    "sanctions relief",
    "debt restructuring",
    "mining concessions",
]
VERBS = [
    "meets",
    "hosts",
    "visits",
    "signs an accord with",
    "holds talks with",
    "receives",
    "addresses",
    "welcomes",
    "thanks",
    "briefs",
]
PLACES = [
    "Moscow",
    "Naypyidaw",
    "Yangon",
    "St Petersburg",
    "Mandalay",
    "Vladivostok",
    "Kazan",
    "New York",
    "Geneva",
    "Beijing",
    "Bangkok",
    "Sochi",
]
FIRST_YEAR, LAST_YEAR = 1950, 2025


def zipf_cumulative(n: int, exponent: float = 1.07) -> list[float]:
    total, cumulative = 0.0, []
    for rank in range(1, n + 1):
        total += 1.0 / rank**exponent
        cumulative.append(total)
    return cumulative


def actor_count(n_events: int) -> int:
    return max(30, min(5000, n_events // 25))


def source_count(n_events: int) -> int:
    return max(5, n_events // 20)


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


# The curated timeline's actors: a generated name or alias never repeats one of theirs, so
# an archive loads beside the curated timeline (an alias naming another actor is refused).
CURATED = Path(__file__).resolve().parent.parent / "fixtures" / "timeline.json"


def curated_names() -> set[str]:
    """The curated actors' names and aliases, lower-cased (none if the file is absent)."""
    if not CURATED.exists():
        return set()
    actors = json.loads(CURATED.read_text(encoding="utf-8")).get("actors", [])
    return {name.lower() for actor in actors for name in [actor["name"], *actor.get("aliases", [])]}


def make_actors(n: int) -> list[dict]:
    """``n`` actors with unique names and aliases (case-insensitively), none of them a name
    or alias of the curated timeline's actors.

    The same cast whatever the archive's seed, and the first actors of a larger cast are a
    smaller one's: archives of different seeds, whatever their sizes, load into one
    database (when each seed had a cast of its own, one seed's alias was another's name,
    and the load refused it). Two sizes of one seed are two versions of one archive."""
    rng = random.Random("actors-1")
    taken: set[str] = curated_names()
    actors: list[dict] = []
    while len(actors) < n:
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        if kind == "person":
            first, last = _word(rng, rng.randint(1, 2)), _word(rng, rng.randint(2, 3))
            name = f"{first} {last}"
            candidates = [last, f"{first[0]}. {last}"]
        elif kind == "organization":
            core = _word(rng, 3)
            name = f"{core} {rng.choice(['Ministry', 'Corporation', 'Council', 'Agency', 'Bank'])}"
            candidates = [f"the {name}"]
        else:
            name = _word(rng, rng.randint(2, 4))
            candidates = [f"{name}ia"]
        if name.lower() in taken:
            continue
        taken.add(name.lower())
        aliases = []
        for alias in candidates[: rng.choice([0, 0, 1, 1, 2])]:
            if alias.lower() not in taken:
                taken.add(alias.lower())
                aliases.append(alias)
        actors.append(
            {
                "name": name,
                "kind": kind,
                "description": f"Synthetic {kind} number {len(actors) + 1}.",
                "aliases": sorted(aliases),
            }
        )
    return actors


class Source:
    """A generated source text and the (passage, start, end) of each of its sentences."""

    def __init__(self, key: str, text: str, sentences: list[tuple[int, int, int]]) -> None:
        self.key, self.text, self.sentences = key, text, sentences

    def quote(self, which: int) -> tuple[int, int, int, str]:
        passage, start, end = self.sentences[which]
        return passage, start, end, self.paragraphs[passage][start:end]

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n\n")


def source_key(i: int, seed: int) -> str:
    """Source keys of seed 1 as they always were; another seed's keys name it (its texts are
    its own, and a key stands for one text)."""
    return f"synthetic-source-{i:07d}" if seed == 1 else f"synthetic-source-s{seed}-{i:07d}"


def make_source(i: int, seed: int, actor_names: tuple[str, ...]) -> Source:
    rng = random.Random(f"source-{seed}-{i}")
    paragraphs, sentences = [], []
    for p in range(rng.randint(6, 12)):
        parts: list[str] = []
        position = 0
        for _ in range(rng.randint(2, 4)):
            a, b = rng.choice(actor_names), rng.choice(actor_names)
            year = rng.randint(FIRST_YEAR, LAST_YEAR)
            sentence = (
                f"{a} and {b} discussed {rng.choice(TOPICS)} in {rng.choice(PLACES)} "
                f"in {calendar.month_name[rng.randint(1, 12)]} {year}, "
                f"report {i}-{p}-{len(parts)} says."
            )
            if parts:
                position += 1  # the space between sentences
            sentences.append((p, position, position + len(sentence)))
            parts.append(sentence)
            position += len(sentence)
        paragraphs.append(" ".join(parts))
    return Source(source_key(i, seed), "\n\n".join(paragraphs), sentences)


def source_payload(source: Source, i: int, seed: int) -> dict:
    rng = random.Random(f"source-meta-{seed}-{i}")
    day = dt.date(rng.randint(1990, LAST_YEAR), rng.randint(1, 12), rng.randint(1, 28))
    return {
        "key": source.key,
        "title": f"Synthetic report {i}",
        "publisher": rng.choice(["Synthetic Wire", "Example Gazette", None]),
        "author": None,
        "url": None,
        "published": {"date": day.isoformat(), "precision": "day", "on_or_after": False},
        "reference_date": day.isoformat(),
        "text": source.text,
    }


def random_date(rng: random.Random) -> dict:
    if rng.random() < 0.005:
        return {"start": None, "end": None, "precision": "day", "text": "", "approximate": False}
    # Busier in recent years: an exponential lean towards LAST_YEAR.
    year = LAST_YEAR - min(int(rng.expovariate(1 / 14)), LAST_YEAR - FIRST_YEAR)
    precision = rng.choices(["day", "month", "year"], [60, 25, 15])[0]
    month = rng.randint(1, 12) if precision != "year" else 1
    day = rng.randint(1, calendar.monthrange(year, month)[1]) if precision == "day" else 1
    start = dt.date(year, month, day)
    end = None
    if rng.random() < 0.1:
        if precision == "day":
            end = start + dt.timedelta(days=rng.randint(1, 6))
        elif precision == "month":
            end = dt.date(year, 12, 1) if month < 12 else None
        else:
            end = dt.date(min(year + rng.randint(1, 5), LAST_YEAR), 1, 1)
            end = end if end > start else None
    if precision == "day":
        text = f"{calendar.month_name[month]} {day}, {year}"
    elif precision == "month":
        text = f"{calendar.month_name[month]} {year}"
    else:
        text = str(year)
    return {
        "start": start.isoformat(),
        "end": end.isoformat() if end else None,
        "precision": precision,
        "text": text,
        "approximate": rng.random() < 0.05,
    }


def make_events(n: int, seed: int, actors: list[dict], n_sources: int) -> Iterator[dict]:
    rng = random.Random(f"events-{seed}")
    names = tuple(actor["name"] for actor in actors)
    cumulative = zipf_cumulative(len(actors))
    top = cumulative[-1]
    # Sources are cited with a milder Zipf law of their own.
    source_cumulative = zipf_cumulative(n_sources, 0.6)
    source_top = source_cumulative[-1]

    source_at = lru_cache(maxsize=8192)(lambda j: make_source(j, seed, names))

    def popular_actor() -> dict:
        return actors[min(bisect.bisect(cumulative, rng.random() * top), len(actors) - 1)]

    for i in range(n):
        chosen: dict[str, dict] = {}
        for _ in range(rng.choice([1, 2, 2, 2, 3, 3, 4])):
            actor = popular_actor()
            chosen.setdefault(actor["name"], actor)
        event_actors = []
        for actor in chosen.values():
            spelling = actor["name"]
            if actor["aliases"] and rng.random() < 0.1:
                spelling = rng.choice(actor["aliases"])
            event_actors.append({"name": spelling, "role": rng.choice(ROLES)})
        first = next(iter(chosen))
        other = list(chosen)[-1]
        topic = rng.choice(TOPICS)
        place = rng.choice(PLACES)
        citations, used = [], set()
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4, 5])):
            j = min(bisect.bisect(source_cumulative, rng.random() * source_top), n_sources - 1)
            source = source_at(j)
            which = rng.randrange(len(source.sentences))
            if (j, which) in used:
                continue
            used.add((j, which))
            passage, start, end, quote = source.quote(which)
            citation: dict[str, str | int]
            if rng.random() < 0.02:
                citation = {"source": source.key, "quote": quote}  # found by the loader
            else:
                citation = {
                    "source": source.key,
                    "passage": passage,
                    "quote": quote,
                    "start": start,
                    "end": end,
                }
            citation["date_text"] = ""
            citation["note"] = "" if rng.random() < 0.9 else f"Synthetic note {i}."
            citations.append(citation)
        yield {
            "title": f"{first} {rng.choice(VERBS)} {other} on {topic} (no. {i + 1})",
            "summary": (
                f"{first} and {other} discussed {topic} in {place}; "
                f"the {rng.choice(TOPICS)} were also raised."
            ),
            "type": rng.choices(EVENT_TYPES, TYPE_WEIGHTS)[0],
            "status": "draft" if rng.random() < 0.05 else "published",
            "location": place,
            "date": random_date(rng),
            "actors": event_actors,
            "citations": citations,
        }


def write_archive(n: int, seed: int, out: IO[str]) -> None:
    """Stream the archive as one JSON object: sources, then actors, then events."""
    actors = make_actors(actor_count(n))
    names = tuple(actor["name"] for actor in actors)
    n_sources = source_count(n)

    def section(name: str, items, last: bool = False) -> None:
        out.write(f'"{name}": [\n')
        for k, item in enumerate(items):
            if k:
                out.write(",\n")
            out.write(json.dumps(item, ensure_ascii=False))
        out.write("\n]" + ("" if last else ",\n"))

    out.write("{\n")
    section(
        "sources",
        (source_payload(make_source(i, seed, names), i, seed) for i in range(n_sources)),
    )
    section("actors", actors)
    section("events", make_events(n, seed, actors, n_sources), last=True)
    out.write("\n}\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of events")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", default="-", help="file (default: standard output)")
    args = parser.parse_args(argv)
    if args.output == "-":
        write_archive(args.n, args.seed, sys.stdout)
    else:
        with open(args.output, "w", encoding="utf-8") as out:
            write_archive(args.n, args.seed, out)


if __name__ == "__main__":
    main()
