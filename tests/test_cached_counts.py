"""Cached counts are never stale: after any write the timeline's and actor page's counts equal
a plain filter's, and an actor's interval copy follows its event (events.counts, 0010)."""

import datetime as dt
import io
import json
from collections import Counter

import pytest
from django.db import transaction
from django.urls import reverse

from bench.generate import write_archive
from events.interchange import load
from events.models import Actor, Event, EventType, Participation, Role, Status
from events.services import ActorChoice, delete_event, save_event
from lib.dates import Precision
from tests.factories import ActorFactory, EventFactory

pytestmark = pytest.mark.django_db


def shown(client, **params) -> dict:
    """What the timeline shows: the count, the type facet, the year bars and top actors."""
    context = client.get(reverse("timeline"), params).context
    return {
        "count": context["count"],
        "types": {row["label"]: row["n"] for row in context["type_counts"]},
        "years": {bar["year"]: bar["count"] for bar in context["bars"] if bar["count"]},
        "actors": {row["actor__name"]: row["n"] for row in context["top_actors"]},
    }


def plain(events=None) -> dict:
    """The same figures read from the published events one by one (no GROUP BY, no cache)."""
    events = list(events if events is not None else Event.objects.published())
    labels = dict(EventType.choices)
    years: Counter = Counter()
    spans = [(e.span_start, e.span_end) for e in events if e.span_start]
    one_year = {day.year for span in spans for day in span}
    for first, last in spans:
        if len(one_year) == 1:  # all in one year: the strip counts its months
            years.update(
                f"{dt.date(first.year, m, 1):%B} {first.year}"
                for m in range(first.month, last.month + 1)
            )
        else:
            years.update(str(y) for y in range(first.year, last.year + 1))
    ids = {e.pk for e in events}
    pairs = set(Participation.objects.values_list("actor__name", "event_id"))
    actors = Counter(name for name, event_id in pairs if event_id in ids)
    return {
        "count": len(events),
        "types": dict(Counter(labels[e.type] for e in events)),
        "years": dict(years),
        "actors": dict(actors),
    }


def same(client) -> bool:
    """The timeline shows the plain figures (top actors: ten of the most frequent, tied ones
    in the database's collation order)."""
    got, want = shown(client), plain()
    top = sorted(want["actors"].values(), reverse=True)[:10]
    assert sorted(got["actors"].values(), reverse=True) == top
    assert all(want["actors"][name] == n for name, n in got["actors"].items())
    got.pop("actors"), want.pop("actors")
    assert got == want
    return True


def test_every_kind_of_write_changes_the_cached_counts(client):
    russia = ActorFactory(name="Russia")
    for year in (2019, 2020, 2021):
        event = EventFactory(published=True, date_start=dt.date(year, 3, 1))
        Participation.objects.create(event=event, actor=russia)
    assert same(client)
    assert same(client)  # from the cache

    # The writer: a new event with a participant.
    new = Event(
        title="Talks in Naypyidaw",
        type=EventType.MEETING,
        status=Status.DRAFT,
        date_start=dt.date(2022, 5, 1),
        date_precision=Precision.DAY,
    )
    save_event(new, actors=[ActorChoice(role=Role.PARTICIPANT, name="Myanmar", kind="country")])
    Event.objects.filter(pk=new.pk).update(status=Status.PUBLISHED)  # a plain UPDATE too
    assert same(client)

    # The writer changes a type and a date.
    event = Event.objects.filter(participations__actor=russia).first()
    event.type = EventType.AGREEMENT
    event.date_start = dt.date(2010, 1, 1)
    save_event(event)
    assert same(client)

    # An actor renamed, a participant removed, an event deleted.
    Actor.objects.filter(pk=russia.pk).update(name="Russian Federation")
    assert same(client)
    Participation.objects.filter(actor=russia).first().delete()
    assert same(client)
    delete_event(Event.objects.get(pk=new.pk))
    assert same(client)


def test_a_bulk_load_changes_the_cached_counts(client):
    EventFactory(published=True)
    assert same(client)
    out = io.StringIO()
    write_archive(60, 5, out)
    load(json.loads(out.getvalue()))
    assert same(client)
    year = 2015
    in_year = Event.objects.published().in_year(year)
    assert shown(client, year=str(year))["count"] == in_year.count()


def test_a_filtered_timeline_and_an_actor_page_count_after_a_write(client):
    hero = ActorFactory(name="Hero")
    for day in (1, 2):
        event = EventFactory(published=True, date_start=dt.date(2021, 6, day))
        Participation.objects.create(event=event, actor=hero)
    assert shown(client, actor="hero", year="2021")["count"] == 2
    page = reverse("actor-detail", args=[hero.slug])
    assert client.get(page).context["count"] == 2
    partner = ActorFactory(name="Partner")
    event = EventFactory(published=True, date_start=dt.date(2021, 7, 1))
    Participation.objects.create(event=event, actor=hero)
    Participation.objects.create(event=event, actor=partner)
    assert shown(client, actor="hero", year="2021")["count"] == 3
    context = client.get(page).context
    assert context["count"] == 3
    assert [(p["actor__name"], p["n"]) for p in context["partners"]] == [("Partner", 1)]


def test_counts_read_inside_a_rolled_back_write_are_not_kept(client):
    EventFactory(published=True)
    before = shown(client)
    inside = {}

    def write_then_fail() -> None:
        with transaction.atomic():
            EventFactory(published=True, type=EventType.MEETING)
            inside.update(shown(client))  # cached under the write's own token
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert inside["count"] == 2
    assert shown(client) == before
    assert same(client)


def test_participants_carry_their_events_interval_through_every_change(client):
    hero = ActorFactory(name="Hero")
    event = EventFactory(published=True, date_start=dt.date(2015, 6, 1))
    part = Participation.objects.create(event=event, actor=hero)
    part.refresh_from_db()
    assert (part.span_start, part.span_end) == (dt.date(2015, 6, 1), dt.date(2015, 6, 1))
    # The writer moves the event to another year, at month precision.
    event.date_start, event.date_precision = dt.date(2016, 2, 1), Precision.MONTH
    save_event(event)
    part.refresh_from_db()
    assert (part.span_start, part.span_end) == (dt.date(2016, 2, 1), dt.date(2016, 2, 29))
    # A stale participant saved again keeps the event's interval.
    stale = Participation.objects.get(pk=part.pk)
    Event.objects.filter(pk=event.pk).update(span_start=dt.date(2017, 1, 1))
    stale.role = Role.HOST
    stale.save()
    stale.refresh_from_db()
    assert stale.span_start == dt.date(2017, 1, 1)
    # Undated: no interval.
    undated = EventFactory(published=True, date_start=None)
    Participation.objects.create(event=undated, actor=hero)
    assert Participation.objects.get(event=undated).span_start is None


def test_actor_with_year_or_dates_lists_what_the_plain_filter_lists(client):
    hero = ActorFactory(name="Hero")
    days = [dt.date(2014, 12, 31), dt.date(2015, 1, 1), dt.date(2015, 12, 31), dt.date(2016, 1, 1)]
    for day in days:
        event = EventFactory(published=True, date_start=day)
        Participation.objects.create(event=event, actor=hero)
    long = EventFactory(
        published=True, date_start=dt.date(2010, 1, 1), date_end=dt.date(2020, 1, 1)
    )
    Participation.objects.create(event=long, actor=hero)
    for params in (
        {"year": "2015"},
        {"from": "2015-06", "to": "2016"},
        {"year": "2015", "from": "2015-12"},
        {"to": "2014"},
    ):
        response = client.get("/api/events/", {"actor": "hero", **params})
        assert response.status_code == 200, params
        got = {row["id"] for row in response.json()["results"]}
        expected = Event.objects.published().for_actor(hero)
        if "year" in params:
            expected = expected.in_year(int(params["year"]))
        first = dt.date.fromisoformat((params.get("from", "0001") + "-01-01")[:10])
        last_text = params.get("to")
        last = None
        if last_text:
            last = dt.date(int(last_text[:4]), 12, 31)
        expected = expected.overlapping(first, last)
        assert got == set(expected.values_list("pk", flat=True)), params


@pytest.mark.postgresql  # the rank cap applies to PostgreSQL's ts_rank (SQLite ranks with FTS5)
def test_a_ranked_search_ranks_the_newest_matches_and_counts_them_all(client, monkeypatch):
    monkeypatch.setattr("events.filters.RANK_CAP", 3)
    for year in (2001, 2002, 2003, 2004, 2005):
        title = "Frigate talks, frigate frigate" if year == 2004 else "Frigate talks"
        EventFactory(published=True, title=title, date_start=dt.date(year, 1, 1))
    # The three newest matches, best first; every match counted.
    rows = client.get("/api/events/", {"q": "frigate"}).json()["results"]
    assert rows[0]["date"]["start"][:4] == "2004"
    assert sorted(row["date"]["start"][:4] for row in rows) == ["2003", "2004", "2005"]
    context = client.get(reverse("timeline"), {"q": "frigate"}).context
    assert context["count"] == 5
    assert len(context["events"]) == 3
    assert not context["next_query"]
    # Sorted by date: every match.
    assert len(client.get("/api/events/", {"q": "frigate", "sort": "date"}).json()["results"]) == 5
    # The page and the API say the ranked list is not every match.
    body = client.get(reverse("timeline"), {"q": "frigate"}).content.decode()
    assert "Ranked, the list holds the best of the newest 3: " in body
    assert ">sort by date</a> to list all 5." in body
    listed = client.get("/api/events/", {"q": "frigate"}).json()
    assert (listed["count"], listed["count_exact"]) == (3, False)
    past = client.get(reverse("timeline"), {"q": "frigate", "page": "2"}).content.decode()
    assert "ranked by relevance, the list has 1 page (the best of the newest 3 of 5" in past
    # "Download these 5 events": an export has every match.
    export = client.get("/api/events/", {"q": "frigate", "format": "csv"})
    csv_rows = b"".join(export.streaming_content).decode()
    assert len(csv_rows.strip().splitlines()) == 1 + 5


def test_the_actor_list_counts_a_new_actor_and_hides_one_left_only_in_drafts(client):
    first = ActorFactory(name="First")
    event = EventFactory(published=True)
    Participation.objects.create(event=event, actor=first)
    assert client.get(reverse("actor-list")).context["count"] == 1
    second = ActorFactory(name="Second")
    Participation.objects.create(event=event, actor=second)
    assert client.get(reverse("actor-list")).context["count"] == 2
    Event.objects.filter(pk=event.pk).update(status=Status.DRAFT)
    assert client.get(reverse("actor-list")).context["count"] == 0


def test_a_sources_corrected_title_shows_at_once_in_cached_cards_and_json(client):
    """Cards and API JSON show the source's title and publisher (cached until a write)."""
    from events.services import cite, locate
    from sources.models import Source
    from sources.services import import_source

    source, _ = import_source("Talks were held in Moscow.", title="Old title", key="s")
    cite(EventFactory(published=True, title="The talks"), locate(source, "Talks were held"))
    assert "Old title" in client.get(reverse("timeline")).content.decode()
    assert "Old title" in json.dumps(client.get("/api/events/").json())

    Source.objects.filter(pk=source.pk).update(title="Corrected title", publisher="Agency")

    page = client.get(reverse("timeline")).content.decode()
    api = json.dumps(client.get("/api/events/").json())
    assert "Corrected title" in page
    assert "Old title" not in page
    assert "Corrected title" in api
    assert "Old title" not in api


def test_names_of_actors_and_titles_change_the_token():
    from events.counts import Counts
    from events.models import Alias, Post, PostAlias

    def token():
        return Counts(Event.objects.all()).token()

    russia = ActorFactory(name="Russia")
    writes = [
        lambda: Alias.objects.create(actor=russia, name="Russian Federation"),
        lambda: Post.objects.create(title="Defence Minister of Russia"),
        lambda: PostAlias.objects.create(post=Post.objects.get(), name="Russian Defence Minister"),
        lambda: Alias.objects.all().delete(),
    ]
    for write in writes:
        before = token()
        write()
        assert token() != before


def test_the_keys_of_one_queryset_compile_its_sql_once_and_name_it_exactly(monkeypatch):
    """A list's page and its count are keyed by the same queryset's SQL: compiled once per
    Counts. The keys are what a fresh Counts makes; another filter's differ, and one that
    matches nothing has none."""
    from django.db.models.sql import Query

    from events.counts import Counts

    EventFactory(published=True)
    visits = Event.objects.published().filter(type="visit")
    compiled = []
    original = Query.sql_with_params
    monkeypatch.setattr(
        Query, "sql_with_params", lambda query: compiled.append(query) or original(query)
    )
    counts = Counts(visits)
    keys = [counts._key("count", visits), counts._key("rows:0:51", visits)]
    assert len(compiled) == 1
    assert keys[0] != keys[1]
    assert Counts(visits)._key("count", visits) == keys[0]
    assert counts._key("count", visits.filter(type="meeting")) != keys[0]
    assert counts._key("count", Event.objects.none()) is None
