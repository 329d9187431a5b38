"""Measure extraction against the hand-labelled set in ``tests/extraction/labels.json``.

Runs on the files alone (the corpus texts, the curated actors of ``fixtures/timeline.json``
and the labels), split into passages exactly as ``import_source`` splits them: no database.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from lib.dates import interval
from sources.models import split_passages

from .extract import ActorRef, Lexicon, PassageData, Proposal, all_dates, extract

LABELS = Path(settings.BASE_DIR) / "tests" / "extraction" / "labels.json"
TIMELINE = Path(settings.FIXTURES_DIR) / "timeline.json"


def lexicon_from_timeline(timeline: dict) -> Lexicon:
    spellings = []
    for i, actor in enumerate(timeline["actors"], start=1):
        ref = ActorRef(i, actor["name"], actor["name"].lower(), actor["kind"])
        spellings.append((actor["name"], ref))
        spellings += [(alias, ref) for alias in actor.get("aliases", [])]
    return Lexicon(spellings)


def corpus_passages(path: Path) -> list[PassageData]:
    text = path.read_text(encoding="utf-8")
    return [
        PassageData(i, i, text[start:end]) for i, (start, end) in enumerate(split_passages(text))
    ]


@dataclass
class Score:
    label: str
    hits: int
    total: int

    @property
    def ratio(self) -> float:
        return self.hits / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.label}: {self.hits}/{self.total} = {self.ratio:.1%}"


@dataclass
class Evaluation:
    date_recall: Score
    date_precision: Score
    event_recall: Score
    event_recall_dated: Score
    false_proposals: Score
    missed_dates: list[str] = field(default_factory=list)
    wrong_dates: list[str] = field(default_factory=list)
    missed_events: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    proposals: int = 0

    def report(self) -> str:
        lines = [
            "Date expressions (exact span, start, end and precision)",
            f"  recall    {self.date_recall}",
            f"  precision {self.date_precision}",
            "Events",
            f"  curated events proposed  {self.event_recall}",
            f"  ... with a date overlapping the event's  {self.event_recall_dated}",
            f"  false proposals          {self.false_proposals}",
        ]
        for title, items in (
            ("Date expressions missed", self.missed_dates),
            ("Date expressions found but wrong or not labelled", self.wrong_dates),
            ("Curated events with no proposal", self.missed_events),
            ("False proposals", self.false),
        ):
            if items:
                lines.append(f"{title}:")
                lines += [f"  - {item}" for item in items]
        return "\n".join(lines)


def _gold_span(passages: list[PassageData], item: dict) -> tuple[int, int, int]:
    text = passages[item["passage"]].text
    at = -1
    for _ in range(item.get("occurrence", 1)):
        at = text.find(item["text"], at + 1)
    if at < 0:
        raise ValueError(f"Label not in passage {item['passage']}: {item['text']!r}")
    return item["passage"], at, at + len(item["text"])


def _sentence_events(source: dict) -> dict[tuple[int, str], list[tuple[str, str]]]:
    return {
        (s["passage"], s["sentence"]): [(e["title"], e["start"]) for e in s["events"]]
        for s in source["sentences"]
    }


def _events_of(proposal: Proposal, labels: dict) -> list[tuple[str, str]]:
    return labels.get((proposal.passage_index, proposal.quote[:50]), [])


def evaluate(labels_path: Path = LABELS, timeline_path: Path = TIMELINE) -> Evaluation:
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    timeline = json.loads(timeline_path.read_text(encoding="utf-8"))
    lexicon = lexicon_from_timeline(timeline)
    curated = {(e["title"], e["date"]["start"]) for e in timeline["events"]}
    spans = {
        (e["title"], e["date"]["start"]): interval(
            dt.date.fromisoformat(e["date"]["start"]),
            dt.date.fromisoformat(e["date"]["end"]) if e["date"]["end"] else None,
            e["date"]["precision"],
        )
        for e in timeline["events"]
        if e["date"]["start"]
    }
    corpus = Path(settings.FIXTURES_DIR) / "corpus"

    gold_total = found_total = exact = 0
    missed_dates, wrong_dates, false = [], [], []
    proposed: set[tuple[str, str]] = set()
    proposed_dated: set[tuple[str, str]] = set()
    proposals = false_count = 0
    for source in labels["sources"]:
        passages = corpus_passages(corpus / source["file"])
        reference = dt.date.fromisoformat(source["reference_date"])
        gold = {}
        for item in source["dates"]:
            gold[_gold_span(passages, item)] = (
                item["start"],
                item["end"],
                item["precision"],
            )
        found = {
            (index, f.start, f.end): (
                f.parsed.start.isoformat(),
                f.parsed.end.isoformat() if f.parsed.end else None,
                str(f.parsed.precision),
                f.text,
            )
            for index, f in all_dates(passages, reference)
        }
        gold_total += len(gold)
        found_total += len(found)
        for span, resolution in found.items():
            if gold.get(span) == resolution[:3]:
                exact += 1
            else:
                wrong_dates.append(
                    f"{source['key']} ¶{span[0]} “{resolution[3]}” → {resolution[:3]}"
                    f" (labelled {gold.get(span)})"
                )
        for span, labelled in gold.items():
            if span not in found:
                text = passages[span[0]].text[span[1] : span[2]]
                missed_dates.append(f"{source['key']} ¶{span[0]} “{text}” → {labelled}")

        sentence_labels = _sentence_events(source)
        for proposal in extract(passages, reference, lexicon):
            proposals += 1
            events = _events_of(proposal, sentence_labels)
            if events:
                proposed.update(events)
                first, last = proposal.interval
                proposed_dated.update(
                    e for e in events if e in spans and spans[e][0] <= last and first <= spans[e][1]
                )
            else:
                false_count += 1
                false.append(
                    f"{source['key']} ¶{proposal.passage_index} “{proposal.quote[:70]}…” "
                    f"({proposal.date.text})"
                )
    hit = curated & proposed
    missed_events = sorted(f"{title} ({start})" for title, start in curated - proposed)
    return Evaluation(
        date_recall=Score("labelled expressions resolved exactly", exact, gold_total),
        date_precision=Score("expressions found that are exact", exact, found_total),
        event_recall=Score("curated events", len(hit), len(curated)),
        event_recall_dated=Score("curated events", len(curated & proposed_dated), len(curated)),
        false_proposals=Score("proposals", false_count, proposals),
        missed_dates=missed_dates,
        wrong_dates=wrong_dates,
        missed_events=missed_events,
        false=false,
        proposals=proposals,
    )
