"""The tallies the database keeps current (events.tally, migration 0018): after any write,
through any path, they equal the counts of the events and participants themselves."""

import datetime as dt
import io
import json
from collections import Counter

import pytest
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.urls import reverse

from bench.generate import write_archive
from events import tally
from events.interchange import load_file
from events.models import (
    ActorTally,
    Event,
    EventQuerySet,
    Participation,
    Status,
    TypeTally,
)
from events.services import ActorChoice, save_event
from tests.factories import ActorFactory, EventFactory

pytestmark = pytest.mark.django_db


def counted() -> tuple[Counter, Counter]:
    """The tallies as the events and participants themselves count them."""
    types = Counter(
        {
            (status, kind, first or 0, last or 0): n
            for status, kind, first, last, n in Event.objects.order_by()
            .values_list("status", "type", ExtractYear("span_start"), ExtractYear("span_end"))
            .annotate(n=Count("pk"))
        }
    )
    actors = Counter(
        {
            (actor_id, status): n
            for actor_id, status, n in Participation.objects.order_by()
            .values_list("actor_id", "event__status")
            .annotate(n=Count("event_id", distinct=True))
        }
    )
    return types, actors


def kept() -> tuple[Counter, Counter]:
    """The tallies as the triggers kept them (rows counting nothing left out)."""
    types = Counter(
        {(t.status, t.type, t.first_year, t.last_year): t.n for t in TypeTally.objects.exclude(n=0)}
    )
    actors = Counter({(t.actor_id, t.status): t.n for t in ActorTally.objects.exclude(n=0)})
    return types, actors


def assert_true() -> None:
    assert kept() == counted()


def test_the_writer_the_orm_and_raw_updates_keep_both_tallies_true(db):
    russia, myanmar, shoigu = (ActorFactory(name=n) for n in ("Russia", "Myanmar", "Shoigu"))
    event = Event(title="Talks", type="meeting", date_start=dt.date(2021, 6, 22))
    save_event(event, actors=[ActorChoice("host", russia), ActorChoice("guest", myanmar)])
    assert_true()
    # The same actor in a second role counts once.
    Participation.objects.create(event=event, actor=russia, role="signatory")
    assert_true()
    assert tally.actor_event_counts(None, [russia.pk]) == {russia.pk: 1}
    # Published, retyped, redated: every count moves.
    Event.objects.filter(pk=event.pk).update(status=Status.PUBLISHED)
    assert_true()
    event.refresh_from_db()
    event.type, event.date_start, event.date_precision = "visit", dt.date(2019, 1, 1), "year"
    event.save()
    assert_true()
    # A participant changes actor (an UPDATE), another is removed, one comes back.
    Participation.objects.filter(event=event, actor=myanmar).update(actor=shoigu)
    assert_true()
    Participation.objects.filter(event=event, actor=russia, role="host").delete()
    assert_true()
    Participation.objects.filter(event=event, actor=russia).delete()
    assert_true()
    event.status = Status.DRAFT  # (a published event needs a citation)
    save_event(event, actors=[ActorChoice("host", russia)], base_version=None)
    assert_true()
    # Undated, then gone with its participants.
    undated = EventFactory(date_start=None, date_text="")
    undated.participations.create(actor=russia)
    assert_true()
    event.delete()
    undated.delete()
    assert_true()
    assert kept() == (Counter(), Counter())


def test_many_rows_in_one_statement_keep_both_tallies_true(db):
    actors = [ActorFactory() for _ in range(5)]
    events = [
        EventFactory(date_start=dt.date(2000 + i % 7, 1 + i % 12, 1), type=t)
        for i, t in enumerate(["visit", "meeting", "award"] * 4)
    ]
    Participation.objects.bulk_create(
        Participation(event=e, actor=actors[(i + k) % 5], role=role)
        for i, e in enumerate(events)
        for k, role in enumerate(["host", "guest", "participant"])
    )
    assert_true()
    Event.objects.filter(type="visit").update(status=Status.PUBLISHED, type="agreement")
    assert_true()
    Participation.objects.filter(role="guest").update(actor=actors[0])
    assert_true()
    Participation.objects.filter(role="host").delete()
    assert_true()


@pytest.mark.parametrize("rebuild", [False, True], ids=["load", "rebuilding-load"])
def test_a_bulk_load_and_a_reload_that_changes_events_keep_both_tallies_true(tmp_path, rebuild):
    out = io.StringIO()
    write_archive(150, 3, out)
    data = json.loads(out.getvalue())
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    load_file(path, rebuild=rebuild)
    assert_true()
    for event in data["events"][:10]:
        event["actors"] = event["actors"][:1]
        event["status"] = "draft" if event.get("status") == "published" else "published"
    path.write_text(json.dumps(data), encoding="utf-8")
    load_file(path)
    assert_true()


def test_a_rebuilding_load_over_counted_events_adds_its_own(tmp_path):
    """A load that sets the indexes aside counts its new events from its staging tables,
    onto the tallies of the events already there (the same actors and types: both tables'
    rows are added to, not replaced)."""
    for n, name in ((60, "first.json"), (150, "second.json")):
        out = io.StringIO()
        write_archive(n, 3, out)
        path = tmp_path / name
        path.write_text(out.getvalue(), encoding="utf-8")
        assert load_file(path, rebuild=True)["created"]
        assert_true()
    assert ActorTally.objects.filter(n__gt=1).exists()


def test_recount_gives_what_the_triggers_kept(db):
    for i in range(6):
        e = EventFactory(date_start=dt.date(2010 + i, 1, 1), published=i % 2 == 0)
        e.participations.create(actor=ActorFactory())
    before = kept()
    tally.recount()
    assert kept() == before == counted()


def test_the_unfiltered_timeline_shows_the_facets_a_filter_would_count(client, analyst):
    """The whole timeline's facets come from the tallies; a filter matching every event
    counts the same numbers itself."""
    shared = ActorFactory(name="Common")
    for i in range(12):
        e = EventFactory(
            date_start=dt.date(2015 + i % 4, 1 + i, 1) if i < 11 else None,
            date_text="" if i == 11 else "2015",
            type=["visit", "meeting", "award"][i % 3],
            published=i % 4 != 0,
        )
        e.participations.create(actor=shared)
        e.participations.create(actor=ActorFactory(name=f"Actor {i:02d}"))
    for user in (None, analyst):
        if user:
            client.force_login(user)
        whole = client.get(reverse("timeline")).context
        # from=0001 matches every dated event: add the undated by hand.
        visible = Event.objects.all() if user else Event.objects.published()
        plain: EventQuerySet = visible
        assert {r["label"]: r["n"] for r in whole["type_counts"]} == {
            dict(whole["type_choices"])[k]: n for k, n in plain.type_counts().items()
        }
        assert whole["count"] == plain.count()
        assert [(b["year"], b["count"]) for b in whole["bars"] if b["count"]] == sorted(
            (str(y), n) for y, n in plain.year_counts()[0].items()
        )
        assert whole["undated"] == plain.year_counts()[1]
        top = [(r["actor__name"], r["n"]) for r in whole["top_actors"]]
        assert top == [(r["actor__name"], r["n"]) for r in plain.actor_counts(len(top) or 10)]
        assert top[0] == ("Common", plain.count())


def test_a_rolled_back_write_leaves_the_tallies_as_they_were(db):
    """The tallies are rows written in the writer's transaction."""
    from django.db import transaction

    EventFactory()
    before = kept()

    def write_then_fail() -> None:
        with transaction.atomic():
            EventFactory(type="award")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert kept() == before


def test_the_whole_timelines_axis_from_the_tallies_is_the_counted_one(
    db, django_assert_num_queries
):
    """Over decades the axis counts events per year by type: the tallies give the same axis
    without reading the events."""
    from events import axis
    from tests.test_axis_page import bulk_events

    made = bulk_events(axis.MAX_MARKS + 80, start=dt.date(1950, 3, 5), every=97)
    Event.objects.filter(pk__in=[e.pk for e in made[::7]]).update(status=Status.DRAFT)
    EventFactory(date_start=None, date_text="", published=True)  # undated
    for statuses, events in ((("published",), Event.objects.published()), (None, Event.objects)):
        counted = axis.load_axis(events.all())
        rows = tally.type_year_rows(statuses)
        with django_assert_num_queries(0):  # (the timeline reads the rows once a request)
            tallied = axis.load_axis(events.all(), tallies=rows)
        assert tallied is not None
        assert tallied.aggregated
        assert tallied == counted
    # A short span or few events: counted as before (the tallies cannot say where in a year).
    assert axis._tallied([("visit", 2020, 2021, 500)]) is None
    assert axis._tallied([("visit", 1950, 2020, 10)]) is None
