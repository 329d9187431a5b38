"""The curated timeline (fixtures/timeline.json) over the five sample articles."""

import collections
import datetime as dt
import json

import pytest
from django.conf import settings
from django.urls import reverse

from events.interchange import dump, load
from events.models import Actor, Citation, Event
from sources.models import Source
from tests.conftest import TIMELINE_FILE, corpus_files, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline(published_timeline) -> str:
    """These tests only read the curated timeline: the one loaded once per session."""
    return published_timeline


D = dt.date


@pytest.fixture(scope="module")
def curated() -> dict:
    return json.loads((settings.FIXTURES_DIR / "timeline.json").read_text(encoding="utf-8"))


def test_load_timeline_loads_every_source_actor_and_event(timeline, curated):
    events = len(curated["events"])
    assert timeline.strip() == (
        f"Loaded {TIMELINE_FILE.name}: {events} events created, 0 updated, 0 unchanged."
    )
    assert Source.objects.count() == len(curated["sources"]) == 5
    assert Actor.objects.count() == len(curated["actors"])
    assert Event.objects.count() == events
    assert Citation.objects.count() == sum(len(e["citations"]) for e in curated["events"])


def test_each_source_is_a_corpus_article_verbatim(timeline):
    texts = {path.read_text(encoding="utf-8") for path in corpus_files()}
    assert {source.text for source in Source.objects.all()} == texts
    for source in Source.objects.prefetch_related("passages"):
        for passage in source.passages.all():
            assert source.text[passage.start : passage.end] == passage.text


def test_every_citation_quote_is_the_text_of_its_passage_and_source(timeline):
    citations = Citation.objects.select_related("passage__source")
    assert citations.exists()
    for citation in citations:
        passage = citation.passage
        assert passage.text[citation.start : citation.end] == citation.quote
        absolute = slice(passage.start + citation.start, passage.start + citation.end)
        assert passage.source.text[absolute] == citation.quote
        assert citation.prefix == passage.text[max(0, citation.start - 32) : citation.start]
        assert citation.suffix == passage.text[citation.end : citation.end + 32]


def test_every_source_is_cited(timeline):
    cited = set(Citation.objects.values_list("passage__source__key", flat=True))
    assert cited == set(Source.objects.values_list("key", flat=True))
    assert len(cited) == 5


def test_every_event_is_dated_and_cited(timeline):
    assert not Event.objects.filter(citations__isnull=True).exists()
    assert not Event.objects.filter(date_start__isnull=True).exists()
    for event in Event.objects.all():
        assert event.date_display() != "undated"
        assert event.span_start <= event.date_start <= event.span_end


def test_the_event_types_are_those_of_the_fixture(timeline, curated):
    loaded = collections.Counter(Event.objects.values_list("type", flat=True))
    assert loaded == collections.Counter(e["type"] for e in curated["events"])
    assert loaded["aggregate"] >= 1


def test_the_coup_of_1_february_2021_is_a_day_precise_military_action(timeline):
    coup = Event.objects.get(type="military_action", date_start=D(2021, 2, 1), date_end=None)
    assert coup.date_precision == "day"
    assert coup.date_display() == "1 February 2021"
    assert Actor.objects.get(name="Tatmadaw") in coup.actors.all()
    assert coup.citations.values("passage__source").distinct().count() >= 2


def test_the_aggregates_span_whole_years(timeline):
    aggregates = Event.objects.filter(type="aggregate")
    assert aggregates.exists()
    sipri = aggregates.get(date_start=D(1999, 1, 1))
    assert (sipri.span_start, sipri.span_end) == (D(1999, 1, 1), D(2018, 12, 31))
    assert sipri.date_display() == "1999–2018"
    assert sipri in Event.objects.overlapping(D(2018, 12, 31), D(2018, 12, 31))


def test_min_aung_hlaings_june_2021_moscow_visit_is_cited_by_at_least_three_sources(timeline):
    general = Actor.objects.named("Min Aung Hlaing").get()
    visit = Event.objects.for_actor(general).get(
        type="visit", date_start=D(2021, 6, 22), title__icontains="Moscow"
    )
    assert (visit.date_end, visit.date_precision) == (D(2021, 6, 24), "day")
    assert visit.date_display() == "22–24 June 2021"
    sources = set(visit.citations.values_list("passage__source__key", flat=True))
    assert len(sources) >= 3
    assert visit in Event.objects.in_year(2021)


@pytest.mark.parametrize(
    ("canonical", "spellings"),
    [
        ("Tatmadaw", ["Tatmadaw", "Tatmado", "Tatmador", "tatmado"]),
        ("Naypyitaw", ["Naypyitaw", "Naypyidaw", "NAYPYIDAW"]),
        ("Min Aung Hlaing", ["Min Aung Hlaing", "min aung hlaing"]),
    ],
)
def test_spellings_used_by_the_sources_name_one_actor(timeline, canonical, spellings):
    actor = Actor.objects.get(name=canonical)
    for spelling in spellings:
        assert list(Actor.objects.named(spelling)) == [actor]


def test_no_spelling_names_two_actors(timeline):
    spellings = collections.Counter()
    for actor in Actor.objects.prefetch_related("aliases"):
        names = {actor.name.lower()} | {alias.name.lower() for alias in actor.aliases.all()}
        spellings.update(names)
    assert [name for name, n in spellings.items() if n > 1] == []


def test_loading_the_timeline_twice_changes_nothing(timeline, curated):
    before = dump()
    stamps = dict(Event.objects.values_list("pk", "updated"))

    again = run("load_timeline")

    events = len(curated["events"])
    assert again.strip() == (
        f"Loaded {TIMELINE_FILE.name}: 0 events created, 0 updated, {events} unchanged."
    )
    assert dump() == before
    assert dict(Event.objects.values_list("pk", "updated")) == stamps


def test_export_loaded_into_an_empty_database_exports_identically(timeline):
    exported = run("export_timeline")
    data = json.loads(exported)

    Citation.objects.all().delete()
    Event.objects.all().delete()
    Actor.objects.all().delete()
    Source.objects.all().delete()
    assert not Source.objects.exists()
    assert not Event.objects.exists()

    stats = load(data)
    assert stats == {"created": len(data["events"]), "updated": 0, "unchanged": 0}
    assert run("export_timeline") == exported


def _written_in(words: str, text: str) -> bool:
    """Whether ``words`` are text of ``text``, as the date as written is looked for in the
    passage (lib.datesearch.read_as_cited): ignoring case and runs of spaces."""
    return " ".join(words.split()).casefold() in " ".join(text.split()).casefold()


def test_every_date_as_written_is_text_of_a_passage_it_cites(timeline):
    """An event's date as written is words of one of the passages it cites (where the form
    reads it), a citation's words of its own passage: "June 20" is no text of the paragraph
    on the Kazan trip, which the chronology dates only by its entry of June 20."""
    not_written = []
    for event in Event.objects.prefetch_related("citations__passage"):
        citations = list(event.citations.all())
        if event.date_text and not any(
            _written_in(event.date_text, c.passage.text) for c in citations
        ):
            not_written.append(f"{event.title}: “{event.date_text}”")
        not_written.extend(
            f"{event.title}, citing “{c.quote[:40]}…”: “{c.date_text}”"
            for c in citations
            if c.date_text and not _written_in(c.date_text, c.passage.text)
        )
    assert not_written == []


def test_the_kazan_trip_cites_the_chronology_entry_that_dates_it(client, timeline):
    kazan = Event.objects.get(title="Min Aung Hlaing visits Kazan, Tatarstan")
    body = client.get(reverse("event-detail", args=[kazan.pk])).content.decode()
    assert "June 2021" in body
    # Its month as written: no text says Kazan was on June 20, the day the week-long visit
    # began (a month paired with "June 20" was read as that day).
    assert "written “June”" in body
    assert "written “June 20”" not in body
    figures = body.split('<figure class="citation">')[1:]
    [trip] = [f for f in figures if "also travels to Kazan" in f]
    [entry] = [f for f in figures if "embarks on a week-long visit to Russia" in f]
    assert "dates it" not in trip
    assert "dates it “June 20”" in entry


@pytest.mark.parametrize(
    "title",
    [
        "Min Aung Hlaing visits Kazan, Tatarstan",
        "Min Aung Hlaing holds talks with Tatarstan President Minnikhanov",
        "Min Aung Hlaing gives interviews to Russian media",
    ],
)
def test_what_happened_during_the_week_long_visit_is_dated_by_its_month(client, timeline, title):
    """The chronology dates them only by the entry of the week-long visit that began June 20:
    June 2021 as written "June", neither the day the visit began nor a week the text does not
    give them."""
    event = Event.objects.get(title=title)
    assert (event.date_start, event.date_end, event.date_precision) == (
        D(2021, 6, 1),
        None,
        "month",
    )
    assert (event.date_text, event.date_approximate) == ("June", False)
    api = client.get(f"/api/events/{event.pk}/").json()["date"]
    assert (api["text"], api["precision"]) == ("June", "month")
