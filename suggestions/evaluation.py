"""Measure extraction against the hand-labelled sets.

Two sets, read from files alone (no database), each text split into passages exactly as
``import_source`` splits it:

- the five sample articles (``fixtures/corpus/``, labels in ``tests/extraction/labels.json``,
  events from the curated ``fixtures/timeline.json``);
- the development set (``tests/extraction/dev/``: articles and ``labels.json``, the format in
  its ``about``), whose events are listed in the labels themselves, with their actors.

Dates are compared on span, start, end and precision. A span matches whether or not it
takes the preposition before it ("on Monday" and "Monday", "in April" and "April"): the
labels of the two sets differ on this, and the date does not. A "silent misreading" is an
expression read to a date that is not the labelled one, or read where the labels have none
or say it must be refused: neither exact nor refused.

An event is proposed "with the right date" when a proposal of one of its sentences has an
interval within the labelled event's: "June 20" for an event curated as "June 2021", the
opening day of a four-day forum. The strict figure (exactly the event's interval) is
counted and printed beside it. The whole set is the two sets as one, every figure summed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from lib.dates import interval
from sources.models import split_passages

from .extract import (
    ActorRef,
    Lexicon,
    PassageData,
    Proposal,
    all_dates,
    all_refusals,
    extract,
)

LABELS = Path(settings.BASE_DIR) / "tests" / "extraction" / "labels.json"
DEV_LABELS = Path(settings.BASE_DIR) / "tests" / "extraction" / "dev" / "labels.json"
TIMELINE = Path(settings.FIXTURES_DIR) / "timeline.json"
CORPUS = Path(settings.FIXTURES_DIR) / "corpus"


def lexicon_from_timeline(timeline: dict, extra: list[dict] | None = None) -> Lexicon:
    """The actors of the curated timeline, and ``extra`` ones (a labels file's)."""
    spellings = []
    refs: dict[str, ActorRef] = {}
    for actor in [*timeline["actors"], *(extra or [])]:
        ref = refs.get(actor["name"])
        if ref is None:
            ref = ActorRef(len(refs) + 1, actor["name"], actor["name"].lower(), actor["kind"])
            refs[actor["name"]] = ref
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
class ArticleScore:
    key: str
    dates: Score
    events: Score
    false_proposals: Score
    silent: int

    def line(self) -> str:
        return (
            f"  {self.key}: dates {self.dates.hits}/{self.dates.total}, "
            f"events with the right date {self.events.hits}/{self.events.total}, "
            f"false proposals {self.false_proposals.hits}/{self.false_proposals.total}, "
            f"silent misreadings {self.silent}"
        )


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
    other_date: list[str] = field(default_factory=list)
    silent_misreadings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    articles: list[ArticleScore] = field(default_factory=list)
    title: str = ""
    event_recall_exact: Score | None = None
    event_recall_within: Score | None = None

    def report(self) -> str:
        lines = [self.title] if self.title else []
        lines += [
            "Date expressions (exact span, start, end and precision)",
            f"  recall    {self.date_recall}",
            f"  precision {self.date_precision}",
            f"  silent misreadings (read, but not the labelled date): "
            f"{len(self.silent_misreadings)}",
            "Events",
            f"  curated events proposed  {self.event_recall}",
            f"  ... with a date overlapping the event's  {self.event_recall_dated}",
            f"  ... with the right date (within the event's interval)  {self.event_recall_within}",
            f"  ... with exactly the event's interval (strict)  {self.event_recall_exact}",
            f"  false proposals          {self.false_proposals}",
        ]
        if self.articles:
            lines.append("Per article (the right date: within the event's interval)")
            lines += [a.line() for a in self.articles]
        for title, items in (
            ("Silent misreadings", self.silent_misreadings),
            ("Date expressions missed", self.missed_dates),
            ("Date expressions found but wrong or not labelled", self.wrong_dates),
            ("Refused or flagged (not read, with a message)", self.refused),
            ("Curated events with no proposal", self.missed_events),
            ("Events proposed with no date within theirs", self.other_date),
            ("False proposals", self.false),
        ):
            if items:
                lines.append(f"{title}:")
                lines += [f"  - {item}" for item in items]
        return "\n".join(lines)


_PREPOSITION = re.compile(
    r"^(?:(?:late|early)\s+on|on|in|at|from|during|by|until|till|since)\s+", re.IGNORECASE
)


def _core(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without a leading preposition ("on Monday" → "Monday")."""
    match = _PREPOSITION.match(text[start:end])
    return (start + match.end(), end) if match and match.end() < end - start else (start, end)


def _gold_span(passages: list[PassageData], item: dict) -> tuple[int, int, int]:
    text = passages[item["passage"]].text
    at = -1
    for _ in range(item.get("occurrence", 1)):
        at = text.find(item["text"], at + 1)
    if at < 0:
        raise ValueError(f"Label not in passage {item['passage']}: {item['text']!r}")
    return (item["passage"], *_core(text, at, at + len(item["text"])))


def _sentence_events(source: dict) -> dict[int, list[tuple[str, list[dict]]]]:
    by_passage: dict[int, list[tuple[str, list[dict]]]] = {}
    for s in source["sentences"]:
        by_passage.setdefault(s["passage"], []).append((s["sentence"], s["events"]))
    return by_passage


def _events_of(proposal: Proposal, labels: dict, passages: list[PassageData]) -> list[dict]:
    """The labelled events of the proposal's sentence. A label names a sentence by its first
    50 characters, cut at the sentence's end (the samples) or not (the development set)."""
    following = passages[proposal.passage_index].text[proposal.start :]
    for prefix, events in labels.get(proposal.passage_index, []):
        if following.startswith(prefix) and len(prefix) >= min(50, len(proposal.quote)):
            return events
    return []


def _event_span(event: dict) -> tuple[dt.date, dt.date]:
    return interval(
        dt.date.fromisoformat(event["start"]),
        dt.date.fromisoformat(event["end"]) if event.get("end") else None,
        event["precision"],
    )


@dataclass
class _Tally:
    gold: int = 0
    found: int = 0
    exact: int = 0
    exact_found: int = 0
    silent: int = 0


def _score_dates(source: dict, passages: list[PassageData], reference: dt.date, ev: Evaluation):
    key = source["key"]
    gold: dict[tuple[int, int, int], tuple | None] = {}
    for item in source["dates"]:
        labelled = (
            None if item.get("refuse") else (item["start"], item.get("end"), item["precision"])
        )
        gold[_gold_span(passages, item)] = labelled
    found = {}
    for index, f in all_dates(passages, reference):
        span = (index, *_core(passages[index].text, f.start, f.end))
        found[span] = (
            f.parsed.start.isoformat(),
            f.parsed.end.isoformat() if f.parsed.end else None,
            str(f.parsed.precision),
            f.text,
        )
    refusals = {}
    for index, r in all_refusals(passages, reference):
        refusals[(index, *_core(passages[index].text, r.start, r.end))] = r
    tally = _Tally(gold=len(gold), found=len(found))
    exact_found = 0
    for span, resolution in found.items():
        wanted = gold.get(span)
        if wanted is not None and wanted == resolution[:3]:
            tally.exact += 1
            exact_found += 1
            continue
        ev.wrong_dates.append(
            f"{key} ¶{span[0]} “{resolution[3]}” → {resolution[:3]} (labelled "
            f"{'refuse' if span in gold and wanted is None else wanted})"
        )
        # Read, and not to the labelled date (the labels list every date expression, so an
        # expression read that they leave out is a misreading too).
        tally.silent += 1
        ev.silent_misreadings.append(ev.wrong_dates[-1])
    for span, labelled in gold.items():
        if labelled is None:
            # To be refused: right when it is not read (and better, flagged).
            if span not in found:
                tally.exact += 1
            continue
        if span not in found:
            text = passages[span[0]].text[span[1] : span[2]]
            ev.missed_dates.append(f"{key} ¶{span[0]} “{text}” → {labelled}")
    for span, refusal in refusals.items():
        ev.refused.append(f"{key} ¶{span[0]} “{refusal.text}”: {refusal.message}")
    tally.exact_found = exact_found
    return tally


def _evaluate_sources(
    sources: list[dict],
    corpus: Path,
    lexicon: Lexicon,
    curated: dict[tuple[str, str], tuple[dt.date, dt.date] | None] | None,
    title: str,
) -> Evaluation:
    """``curated``: the events to find (title, start) → interval; None to take the events
    the labels list."""
    ev = Evaluation(
        Score("", 0, 0), Score("", 0, 0), Score("", 0, 0), Score("", 0, 0), Score("", 0, 0)
    )
    ev.title = title
    gold_total = found_total = exact = exact_found = proposals = false_count = 0
    wanted: dict[tuple[str, str], tuple[dt.date, dt.date] | None] = dict(curated or {})
    proposed: set[tuple[str, str]] = set()
    proposed_dated: set[tuple[str, str]] = set()
    proposed_exact: set[tuple[str, str]] = set()
    proposed_within: set[tuple[str, str]] = set()
    other: dict[tuple[str, str], list[str]] = {}
    for source in sources:
        passages = corpus_passages(corpus / source["file"])
        reference = dt.date.fromisoformat(source["reference_date"])
        tally = _score_dates(source, passages, reference, ev)
        gold_total += tally.gold
        found_total += tally.found
        exact += tally.exact
        exact_found += tally.exact_found
        labels = _sentence_events(source)
        own: dict[tuple[str, str], tuple[dt.date, dt.date] | None] = {}
        if curated is None:
            for sentences in labels.values():
                for item in (e for _prefix, events in sentences for e in events):
                    own[(item["title"], item["start"])] = (
                        _event_span(item) if item.get("start") else None
                    )
            wanted.update(own)
        article_hits: set[tuple[str, str]] = set()
        article_false = article_proposals = 0
        for proposal in extract(passages, reference, lexicon):
            proposals += 1
            article_proposals += 1
            events = [(e["title"], e["start"]) for e in _events_of(proposal, labels, passages)]
            if not events:
                false_count += 1
                article_false += 1
                ev.false.append(
                    f"{source['key']} ¶{proposal.passage_index} “{proposal.quote[:70]}…” "
                    f"({proposal.date.text})"
                )
                continue
            proposed.update(events)
            first, last = proposal.interval
            for e in events:
                span = wanted.get(e)
                if span is None:
                    continue
                if span[0] <= last and first <= span[1]:
                    proposed_dated.add(e)
                if span[0] <= first and last <= span[1]:
                    proposed_within.add(e)
                    article_hits.add(e)
                if (first, last) == span:
                    proposed_exact.add(e)
                else:
                    other.setdefault(e, []).append(
                        f"{source['key']} ¶{proposal.passage_index} {e[0]} ({span[0]}–"
                        f"{span[1]}): proposed “{proposal.date.text}” {first}–{last}"
                    )
        if curated is None:
            ev.articles.append(
                ArticleScore(
                    source["key"],
                    Score("dates", tally.exact, tally.gold),
                    Score("events", len(article_hits & set(own)), len(own)),
                    Score("false", article_false, article_proposals),
                    tally.silent,
                )
            )
    ev.date_recall = Score("labelled expressions resolved exactly", exact, gold_total)
    ev.date_precision = Score("expressions found that are exact", exact_found, found_total)
    ev.event_recall = Score("labelled events", len(set(wanted) & proposed), len(wanted))
    ev.event_recall_dated = Score("labelled events", len(set(wanted) & proposed_dated), len(wanted))
    ev.event_recall_exact = Score("labelled events", len(set(wanted) & proposed_exact), len(wanted))
    ev.event_recall_within = Score(
        "labelled events", len(set(wanted) & proposed_within), len(wanted)
    )
    ev.false_proposals = Score("proposals", false_count, proposals)
    ev.missed_events = sorted(f"{t} ({s})" for t, s in set(wanted) - proposed)
    ev.other_date = [
        line for e, lines in other.items() if e not in proposed_within for line in lines
    ]
    ev.proposals = proposals
    return ev


def evaluate(labels_path: Path = LABELS, timeline_path: Path = TIMELINE) -> Evaluation:
    """The five sample articles against the curated timeline's events."""
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    timeline = json.loads(timeline_path.read_text(encoding="utf-8"))
    curated = {
        (e["title"], e["date"]["start"]): interval(
            dt.date.fromisoformat(e["date"]["start"]),
            dt.date.fromisoformat(e["date"]["end"]) if e["date"]["end"] else None,
            e["date"]["precision"],
        )
        if e["date"]["start"]
        else None
        for e in timeline["events"]
    }
    ev = _evaluate_sources(
        labels["sources"], CORPUS, lexicon_from_timeline(timeline), curated, "Sample articles"
    )
    for score in (
        ev.event_recall,
        ev.event_recall_dated,
        ev.event_recall_exact,
        ev.event_recall_within,
    ):
        if score is not None:  # set whenever curated events are scored, as here
            score.label = "curated events"
    return ev


def evaluate_dev(labels_path: Path = DEV_LABELS, timeline_path: Path = TIMELINE) -> Evaluation:
    """The development set: its events are the labels', its actors the labels' and the
    curated timeline's; reported per article and for the whole set."""
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    timeline = json.loads(timeline_path.read_text(encoding="utf-8"))
    lexicon = lexicon_from_timeline(timeline, labels.get("actors", []))
    return _evaluate_sources(
        labels["sources"], labels_path.parent, lexicon, None, "Development set"
    )


def _sum(label: str, *scores: Score) -> Score:
    return Score(label, sum(s.hits for s in scores), sum(s.total for s in scores))


def combine(*parts: Evaluation, title: str = "Whole set (samples + development set)"):
    """The sets as one: every figure summed over them (their labelled expressions, events
    and proposals are distinct, so the sums count each once)."""
    whole = Evaluation(
        _sum("labelled expressions resolved exactly", *(p.date_recall for p in parts)),
        _sum("expressions found that are exact", *(p.date_precision for p in parts)),
        _sum("labelled events", *(p.event_recall for p in parts)),
        _sum("labelled events", *(p.event_recall_dated for p in parts)),
        _sum("proposals", *(p.false_proposals for p in parts)),
    )
    whole.title = title
    # Every part scored its events (``_evaluate_sources`` sets both): no None among them.
    whole.event_recall_exact = _sum(
        "labelled events",
        *(p.event_recall_exact for p in parts if p.event_recall_exact is not None),
    )
    whole.event_recall_within = _sum(
        "labelled events",
        *(p.event_recall_within for p in parts if p.event_recall_within is not None),
    )
    whole.silent_misreadings = [s for p in parts for s in p.silent_misreadings]
    whole.proposals = sum(p.proposals for p in parts)
    return whole


def evaluate_all(
    labels_path: Path = LABELS, dev_path: Path = DEV_LABELS, timeline_path: Path = TIMELINE
) -> Evaluation:
    """The samples and the development set as one set (the issue's targets are on it)."""
    return combine(evaluate(labels_path, timeline_path), evaluate_dev(dev_path, timeline_path))
