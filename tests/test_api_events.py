"""/api/events/: the event shape, visibility, every filter, pagination and errors."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import filters
from events.models import Event, EventType, Participation, Role, Status
from events.services import cite, locate
from lib.dates import Precision
from tests.factories import ActorFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline(published_timeline) -> str:
    """These tests only read the curated timeline: the one loaded once per session."""
    return published_timeline


URL = "/api/events/"


def all_results(client, **params) -> list[dict]:
    response = client.get(URL, {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None
    return body["results"]


def ids(results: list[dict]) -> set[int]:
    return {event["id"] for event in results}


def published_ids(queryset) -> set[int]:
    return set(queryset.published().values_list("pk", flat=True).distinct())


def test_an_event_is_the_interchange_shape_with_ids_and_links(client):
    source = SourceFactory(key="moscow-report", title="Moscow report")
    actor = ActorFactory(name="Min Aung Hlaing")
    event = EventFactory(
        status=Status.PUBLISHED,
        title="Visit to Moscow",
        date_start=dt.date(2021, 6, 22),
        date_end=dt.date(2021, 6, 24),
    )
    Participation.objects.create(event=event, actor=actor, role=Role.VISITOR)
    citation = cite(event, locate(source, "He met Sergei Shoigu"), date_text="June 22")

    body = client.get(f"{URL}{event.pk}/").json()

    assert body["id"] == event.pk
    assert body["url"] == f"http://testserver/api/events/{event.pk}/"
    assert {"created", "updated"} <= body.keys()
    assert body["date"] == {
        "start": "2021-06-22",
        "end": "2021-06-24",
        "precision": "day",
        "text": "",
        "approximate": False,
    }
    assert body["actors"] == [
        {"id": actor.pk, "slug": "min-aung-hlaing", "name": "Min Aung Hlaing", "role": "visitor"}
    ]
    assert body["citations"] == [
        {
            "id": citation.pk,
            "source": {"id": source.pk, "key": "moscow-report", "title": "Moscow report"},
            "passage": citation.passage.index,
            "quote": "He met Sergei Shoigu",
            "start": citation.start,
            "end": citation.end,
            "date_text": "June 22",
            "note": "",
        }
    ]


def test_anonymous_users_see_no_drafts(client):
    published = EventFactory(published=True)
    draft = EventFactory(status=Status.DRAFT)

    assert ids(all_results(client)) == {published.pk}
    assert client.get(f"{URL}{draft.pk}/").status_code == 404


def test_analysts_see_drafts(client, analyst):
    draft = EventFactory(status=Status.DRAFT)
    client.force_login(analyst)

    assert draft.pk in ids(all_results(client))
    assert client.get(f"{URL}{draft.pk}/").json()["status"] == "draft"


def test_anonymous_users_cannot_write(client):
    event = EventFactory(published=True)

    assert client.post(URL, {"title": "New"}).status_code == 401
    assert client.delete(f"{URL}{event.pk}/").status_code == 401


@pytest.mark.parametrize("rows", [1, 10, 60])
def test_a_page_costs_the_same_queries_whatever_its_size(client, django_assert_num_queries, rows):
    source = SourceFactory()
    located = locate(source, "He met Sergei Shoigu")
    actors = [ActorFactory(), ActorFactory()]
    for _ in range(rows):
        event = EventFactory(published=True)
        for actor in actors:
            Participation.objects.create(event=event, actor=actor)
        cite(event, located)
        cite(event, locate(source, "arms deliveries"))

    # count, events, participations with actors, citations with passages and sources; the data
    # generation token (each event's JSON is cached until the next write: events.counts)
    with django_assert_num_queries(5):
        response = client.get(URL, {"page_size": 500})

    assert len(response.json()["results"]) == rows
    # The token and the events by id: the page's ids, its count and JSON from the cache.
    with django_assert_num_queries(2):
        assert client.get(URL, {"page_size": 500}).json() == response.json()


@pytest.mark.parametrize("few", [True, False], ids=["few-events", "frequent-actor"])
@pytest.mark.parametrize("rows", [1, 10, 60])
def test_an_actors_page_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, monkeypatch, rows, few
):
    source = SourceFactory()
    actor = ActorFactory()
    for day in range(rows):
        event = EventFactory(published=True, date_start=dt.date(2015, 1, 1 + day % 28))
        Participation.objects.create(event=event, actor=actor)
        Participation.objects.create(event=event, actor=ActorFactory())
        cite(event, locate(source, "He met Sergei Shoigu"))
    if not few:  # as for an actor in more than FEW_EVENTS events: walked in date order
        monkeypatch.setattr(filters, "FEW_EVENTS", 0)
    params = {"actor": actor.slug, "year": 2015, "page_size": 500}
    # the actor, its events (the participants' ids, up to FEW_EVENTS), the token, the
    # events, the count, participations with actors, citations with passages and sources
    with django_assert_num_queries(7):
        response = client.get(URL, params)
    body = response.json()
    assert len(body["results"]) == body["count"] == rows
    assert all(actor.slug in [a["slug"] for a in e["actors"]] for e in body["results"])


def test_a_page_asked_again_after_a_write_shows_the_write(client):
    """A page's ids and count are cached (events.counts) until the next write, not longer."""
    source = SourceFactory()
    for day in (10, 20):
        cite(
            EventFactory(published=True, date_start=dt.date(2020, 1, day)),
            locate(source, "He met Sergei Shoigu"),
        )
    first = client.get(URL, {"year": 2020}).json()
    assert first["count"] == 2

    newest = EventFactory(published=True, date_start=dt.date(2020, 1, 1), title="Earliest")
    cite(newest, locate(source, "He met Sergei Shoigu"))
    again = client.get(URL, {"year": 2020}).json()

    assert again["count"] == 3
    assert again["results"][0]["title"] == "Earliest"
    assert client.get(URL, {"year": 2020, "page_size": 1, "page": 3}).json()["count"] == 3


def test_results_come_a_page_at_a_time(client):
    Event.objects.bulk_create(
        Event(title=f"Event {n}", status=Status.PUBLISHED, date_start=dt.date(2020, 1, 1))
        for n in range(120)
    )

    first = client.get(URL).json()
    assert {"count", "next", "previous", "results"} <= set(first)
    assert first["count"] == 120
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert "page=2" in first["next"]

    last = client.get(URL, {"page": 3}).json()
    assert len(last["results"]) == 20
    assert last["next"] is None

    assert len(client.get(URL, {"page_size": 7}).json()["results"]) == 7


def test_page_size_is_capped_at_500(client):
    Event.objects.bulk_create(
        Event(title=f"Event {n}", status=Status.PUBLISHED, date_start=dt.date(2020, 1, 1))
        for n in range(501)
    )

    body = client.get(URL, {"page_size": 10_000}).json()

    assert body["count"] == 501
    assert len(body["results"]) == 500


# Filters, on the curated timeline ------------------------------------------------


def test_actor_filter_accepts_slugs_names_and_aliases(client, timeline):
    expected = published_ids(Event.objects.filter(participations__actor__slug="sergei-shoigu"))

    assert expected
    for name in ("sergei-shoigu", "Sergei Shoigu", "shoigu"):
        assert ids(all_results(client, actor=name)) == expected


def test_actor_and_role_filter_events_where_the_actor_has_the_role(client, timeline):
    expected = published_ids(
        Event.objects.filter(
            participations__actor__slug="min-aung-hlaing", participations__role=Role.VISITOR
        )
    )
    results = all_results(client, actor="min-aung-hlaing", role="visitor")

    assert expected
    assert ids(results) == expected
    assert ids(results) < ids(all_results(client, actor="min-aung-hlaing"))
    for event in results:
        assert {"slug": "min-aung-hlaing", "role": "visitor"} in [
            {"slug": a["slug"], "role": a["role"]} for a in event["actors"]
        ]


def test_role_alone_filters_events_where_anyone_has_it(client, timeline):
    expected = published_ids(Event.objects.filter(participations__role=Role.SUPPLIER))

    assert expected
    assert ids(all_results(client, role="supplier")) == expected


def test_type_filter_is_repeatable(client, timeline):
    results = all_results(client, type=["visit", "meeting"])

    assert ids(results) == published_ids(
        Event.objects.filter(type__in=[EventType.VISIT, EventType.MEETING])
    )
    assert {event["type"] for event in results} == {"visit", "meeting"}


def test_year_filter_keeps_events_overlapping_the_year(client, timeline):
    results = all_results(client, year=2021)

    assert ids(results) == published_ids(Event.objects.in_year(2021))
    assert results


def test_from_and_to_filter_by_interval_overlap(client, timeline):
    results = all_results(client, **{"from": "2021-06", "to": "2021-06"})

    assert ids(results) == published_ids(
        Event.objects.overlapping(dt.date(2021, 6, 1), dt.date(2021, 6, 30))
    )
    assert results


def test_source_filter_takes_a_key_or_an_id(client, timeline):
    key = "mah-moscow-visit-june-2021"
    results = all_results(client, source=key)

    assert results
    for event in results:
        assert key in {c["source"]["key"] for c in event["citations"]}
    source_id = results[0]["citations"][0]["source"]["id"]
    by_id = all_results(client, source=str(source_id))
    assert ids(by_id) == ids(all_results(client, source=by_id[0]["citations"][0]["source"]["key"]))


def test_precision_filter(client, timeline):
    results = all_results(client, precision="year")

    assert ids(results) == published_ids(Event.objects.filter(date_precision=Precision.YEAR))
    assert {event["date"]["precision"] for event in results} == {"year"}


def test_text_filter_matches_titles(client):
    wanted = EventFactory(published=True, title="Arms talks in Naypyidaw")
    EventFactory(published=True, title="Parade in Moscow")

    assert ids(all_results(client, q="Naypyidaw")) == {wanted.pk}


def test_events_are_chronological_and_sort_reverses_them(client, timeline):
    oldest_first = [e["date"]["start"] for e in all_results(client)]
    newest_first = [e["date"]["start"] for e in all_results(client, sort="-date")]

    assert oldest_first == sorted(oldest_first)
    assert newest_first == sorted(newest_first, reverse=True)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "twenty"}, "year"),
        ({"from": "June 2021"}, "from"),
        ({"to": "2021-13"}, "to"),
        ({"actor": "nobody-at-all"}, "actor"),
        ({"source": "no-such-source"}, "source"),
        ({"type": "picnic"}, "type"),
        ({"role": "chef"}, "role"),
        ({"precision": "hour"}, "precision"),
        ({"sort": "sideways"}, "sort"),
        ({"year": "twenty", "format": "csv"}, "year"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_field_and_the_fix(client, params, field):
    EventFactory(published=True)

    response = client.get(URL, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()
    assert field in errors
    message = " ".join(errors[field])
    assert field in message
    assert "use" in message or "write" in message


def test_a_page_past_the_end_keeps_its_count_and_ids_cached(client):
    for _ in range(3):
        EventFactory(published=True)
    with CaptureQueriesContext(connection) as first:
        assert client.get(URL, {"page": 9}).status_code == 404
    with CaptureQueriesContext(connection) as again:
        assert client.get(URL, {"page": 9}).status_code == 404
    assert len(again.captured_queries) < len(first.captured_queries)
