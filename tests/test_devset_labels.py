"""The extraction development set (tests/extraction/dev) keeps the contract in DEVSET.md.

The articles are read exactly as an imported source is (passages by ``split_passages``), and every
label must point at text that is really there, with dates a careful reader would give it.
"""

import datetime
import json
import re
from pathlib import Path

import pytest

from events.models import ActorKind, EventType
from lib.dates import Precision
from sources.models import split_passages

DEV_DIR = Path(__file__).resolve().parent / "extraction" / "dev"
LABELS = DEV_DIR / "labels.json"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAY_RE = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")
SENTENCE_END = re.compile(r"[.!?…][”\"’')]*\s+$")
FUTURE = re.compile(r"\b(will|is due to|are due to|is expected to|opens|closes|runs)\b")
SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[”\"’')]*\s+(?=[A-Z0-9\"“‘(])")


def load() -> dict:
    return json.loads(LABELS.read_text(encoding="utf-8"))


def passages_of(source: dict) -> list[str]:
    text = (DEV_DIR / source["file"]).read_text(encoding="utf-8")
    return [text[a:b] for a, b in split_passages(text)]


def sentence_start(text: str, at: int) -> int:
    """Where the sentence holding offset ``at`` of a passage begins."""
    return max([0] + [m.end() for m in SENTENCE_BREAK.finditer(text) if m.end() <= at])


def iso(value: str) -> datetime.date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), f"not an ISO date: {value!r}"
    return datetime.date.fromisoformat(value)


def check_interval(where: object, start: str, end: str | None, precision: str) -> None:
    assert precision in Precision.values, (where, precision)
    first = iso(start)
    dates = [first] if end is None else [first, iso(end)]
    if end is not None:
        assert dates[1] > first, (where, "a range ends after it starts")
    for value in dates:
        if precision == Precision.MONTH:
            assert value.day == 1, (where, "a month is written as its first day")
        if precision == Precision.YEAR:
            assert (value.month, value.day) == (1, 1), (where, "a year is written as 1 January")


def sources() -> list[dict]:
    return load()["sources"]


def source_id(source: dict) -> str:
    return source["key"]


SOURCES = sources()


def test_the_set_has_at_least_twelve_articles_and_five_thousand_words():
    assert len(SOURCES) >= 12
    files = sorted(DEV_DIR.glob("*.txt"))
    assert sorted(s["file"] for s in SOURCES) == [f.name for f in files], "one label entry per file"
    words = sum(len(f.read_text(encoding="utf-8").split()) for f in files)
    assert words >= 5000, words


def test_keys_are_unique_and_styles_are_varied():
    keys = [s["key"] for s in SOURCES]
    assert len(keys) == len(set(keys))
    styles = {s["style"] for s in SOURCES}
    for style in ["wire report", "chronology", "press release", "interview", "analysis", "report"]:
        assert style in styles, style
    assert sum(s["style"] == "wire report" for s in SOURCES) >= 3


def test_actors_are_unique_with_known_kinds():
    actors = load()["actors"]
    names = [a["name"] for a in actors]
    assert len(names) == len(set(names))
    for actor in actors:
        assert actor["kind"] in ActorKind.values, actor
        assert isinstance(actor["aliases"], list), actor
        assert actor["name"] not in actor["aliases"], actor


@pytest.mark.parametrize("source", SOURCES, ids=source_id)
def test_every_date_text_is_verbatim_in_its_passage(source):
    passages = passages_of(source)
    for item in source["dates"]:
        text = passages[item["passage"]]
        count = text.count(item["text"])
        assert count >= 1, item
        if count > 1:
            assert 1 <= item.get("occurrence", 0) <= count, ("say which occurrence", item)


@pytest.mark.parametrize("source", SOURCES, ids=source_id)
def test_every_date_resolution_is_an_iso_interval_at_a_valid_precision(source):
    iso(source["reference_date"])
    for item in source["dates"]:
        if item.get("refuse"):
            assert item["start"] is None, item
            assert item["end"] is None, item
            assert "precision" not in item, item
            continue
        check_interval(item, item["start"], item["end"], item["precision"])
        if item.get("approximate"):
            assert item["precision"] == Precision.MONTH, ("approximate forms are months", item)


@pytest.mark.parametrize("source", SOURCES, ids=source_id)
def test_anchors_name_the_reference_date_or_an_earlier_labelled_expression(source):
    passages = passages_of(source)
    for item in source["dates"]:
        anchor = item.get("anchor")
        if anchor is None or anchor == "reference_date":
            continue
        earlier = [d for d in source["dates"] if d["text"] == anchor and d is not item]
        assert earlier, ("the anchor is itself a labelled expression", item)
        assert any(d["passage"] <= item["passage"] for d in earlier), item
        assert anchor in "\n".join(passages[: item["passage"] + 1]), item


@pytest.mark.parametrize("source", SOURCES, ids=source_id)
def test_weekday_expressions_resolve_to_their_weekday_near_the_reference_date(source):
    passages = passages_of(source)
    reference = iso(source["reference_date"])
    checked = 0
    for item in source["dates"]:
        names = WEEKDAY_RE.findall(item["text"])
        if not names or item.get("refuse") or item["precision"] != Precision.DAY:
            continue
        start = iso(item["start"])
        assert start.strftime("%A") == names[0], item
        if item["end"] is not None:
            assert iso(item["end"]).strftime("%A") == names[-1], item
        if item.get("anchor") == "reference_date":
            # A bare weekday read against the article's date is within a week of it,
            # before it in a past clause and after it in a future one.
            assert abs((start - reference).days) <= 7, item
            if item["text"].lower().startswith("last "):
                assert start < reference, ("'last Friday' is strictly before", item)
            text = passages[item["passage"]]
            at = text.index(item["text"])
            if FUTURE.search(text[sentence_start(text, at) : at]):
                assert start > reference, ("a future clause looks ahead", item)
            else:
                assert start <= reference, ("a past clause looks back", item)
        checked += 1
    if source["style"] == "wire report":
        assert checked >= 2, "a wire report dates its news by weekday"


@pytest.mark.parametrize("source", SOURCES, ids=source_id)
def test_every_sentence_prefix_starts_a_sentence_of_its_passage(source):
    passages = passages_of(source)
    for sentence in source["sentences"]:
        text = passages[sentence["passage"]]
        prefix = sentence["sentence"]
        assert 0 < len(prefix) <= 50, sentence
        at = text.find(prefix)
        assert at >= 0, sentence
        assert at == 0 or SENTENCE_END.search(text[:at]), ("not at a sentence start", sentence)
        # The first 50 characters, or the whole sentence when it is shorter.
        whole = text[at + len(prefix) :] == "" or (
            re.search(r"[.!?…][”\"’')]*$", prefix) and text[at + len(prefix)].isspace()
        )
        assert len(prefix) == 50 or whole, ("first 50 characters", sentence)


@pytest.mark.parametrize("source", SOURCES, ids=source_id)
def test_every_date_sits_in_a_labelled_sentence(source):
    passages = passages_of(source)
    labelled = {(s["passage"], s["sentence"]) for s in source["sentences"]}
    for item in source["dates"]:
        text = passages[item["passage"]]
        at = -1
        for _ in range(item.get("occurrence", 1)):
            at = text.index(item["text"], at + 1)
        start = sentence_start(text, at)
        assert any(
            passage == item["passage"] and text.startswith(prefix, start)
            for passage, prefix in labelled
        ), ("the sentence that carries this date is not labelled", item)


@pytest.mark.parametrize("source", SOURCES, ids=source_id)
def test_events_have_a_type_an_interval_and_listed_actors(source):
    actors = {a["name"] for a in load()["actors"]}
    for sentence in source["sentences"]:
        for event in sentence["events"]:
            assert event["title"].strip(), event
            assert event["type"] in EventType.values, event
            check_interval(event, event["start"], event["end"], event["precision"])
            assert event["actors"], ("an event names its actors", event)
            for name in event["actors"]:
                assert name in actors, (name, event)


def test_every_listed_actor_takes_part_in_some_event():
    used = {
        name
        for source in SOURCES
        for sentence in source["sentences"]
        for event in sentence["events"]
        for name in event["actors"]
    }
    assert {a["name"] for a in load()["actors"]} == used


def test_the_set_has_expressions_to_refuse_and_approximate_forms():
    items = [item for source in SOURCES for item in source["dates"]]
    assert sum(bool(item.get("refuse")) for item in items) >= 2
    assert any(item.get("approximate") for item in items)
    assert any(item.get("anchor") not in (None, "reference_date") for item in items)
