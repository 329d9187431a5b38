"""/api/actors/, /api/sources/, /api/citations/, the schema and the docs page."""

import datetime as dt
import json
import re

import pytest

from events.models import Actor, Citation, Event, Status
from events.services import cite, locate
from sources.models import Source
from tests.factories import ActorFactory, AliasFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline(published_timeline) -> str:
    """These tests only read the curated timeline: the one loaded once per session."""
    return published_timeline


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [actor["name"] for actor in response.json()["results"]]


def test_actors_are_listed_with_their_aliases(client):
    actor = ActorFactory(name="Sergei Shoigu")
    AliasFactory(actor=actor, name="Shoigu")

    [body] = client.get("/api/actors/").json()["results"]

    assert body == {
        "id": actor.pk,
        "url": "http://testserver/api/actors/sergei-shoigu/",
        "slug": "sergei-shoigu",
        "name": "Sergei Shoigu",
        "kind": "person",
        "description": "",
        "aliases": ["Shoigu"],
        "positions": [],
    }


def test_actor_search_matches_names_and_aliases_ignoring_case(client, timeline):
    assert names(client.get("/api/actors/", {"q": "SHOIGU"})) == ["Sergei Shoigu"]
    assert names(client.get("/api/actors/", {"q": "general min"})) == ["Min Aung Hlaing"]
    assert "Min Aung Hlaing" in names(client.get("/api/actors/", {"q": "hlaing"}))
    assert names(client.get("/api/actors/", {"q": "no such person"})) == []


def test_an_actor_is_found_by_slug(client, timeline):
    body = client.get("/api/actors/min-aung-hlaing/").json()

    assert body["name"] == "Min Aung Hlaing"
    assert sorted(body["aliases"]) == ["General Min", "Hlaing"]
    assert client.get("/api/actors/nobody/").status_code == 404


def test_actors_can_be_filtered_by_kind(client, timeline):
    countries = names(client.get("/api/actors/", {"kind": "country", "page_size": 500}))

    assert countries == list(Actor.objects.filter(kind="country").values_list("name", flat=True))


def test_an_unknown_kind_of_actor_is_a_400_naming_the_parameter_and_the_kinds(client, timeline):
    response = client.get("/api/actors/", {"kind": "bogus"})

    assert response.status_code == 400
    assert response.json() == {
        "kind": [
            "kind: unknown kind of actor “bogus”; use one of person, organization, country, place."
        ]
    }


def test_sources_are_listed_without_their_text(client, timeline):
    body = client.get("/api/sources/").json()

    assert body["count"] == Source.objects.count()
    first = body["results"][0]
    assert set(first) == {
        "id",
        "api_url",
        "key",
        "title",
        "publisher",
        "author",
        "url",
        "published",
        "reference_date",
        "sha256",
    }


def test_a_source_lists_its_passages(client):
    source = SourceFactory(key="moscow-report")

    body = client.get(f"/api/sources/{source.pk}/").json()

    assert body["key"] == "moscow-report"
    assert body["published"] is None
    passages = list(source.passages.all())
    assert body["passages"] == [
        {"index": p.index, "start": p.start, "end": p.end, "text": p.text} for p in passages
    ]
    for passage in body["passages"]:
        assert source.text[passage["start"] : passage["end"]] == passage["text"]


def test_citations_of_drafts_are_hidden_from_anonymous_users(client, analyst):
    source = SourceFactory(key="moscow-report")
    shown = cite(EventFactory(status=Status.PUBLISHED), locate(source, "He met Sergei Shoigu"))
    hidden = cite(EventFactory(status=Status.DRAFT), locate(source, "arms deliveries"))

    body = client.get("/api/citations/").json()
    assert [c["id"] for c in body["results"]] == [shown.pk]
    assert client.get(f"/api/citations/{hidden.pk}/").status_code == 404

    client.force_login(analyst)
    assert client.get("/api/citations/").json()["count"] == 2


def test_a_citation_names_its_event_source_and_passage(client):
    source = SourceFactory(key="moscow-report", title="Moscow report")
    citation = cite(EventFactory(published=True), locate(source, "He met Sergei Shoigu"))

    body = client.get(f"/api/citations/{citation.pk}/").json()

    assert body["event"] == citation.event_id
    assert body["source"] == {"id": source.pk, "key": "moscow-report", "title": "Moscow report"}
    assert body["passage"] == citation.passage.index
    assert body["quote"] == "He met Sergei Shoigu"
    assert (body["start"], body["end"]) == (citation.start, citation.end)


def test_citations_can_be_filtered_by_source_and_event(client, timeline):
    key = "mah-moscow-visit-june-2021"
    by_source = client.get("/api/citations/", {"source": key, "page_size": 500}).json()
    assert by_source["count"] == Citation.objects.filter(passage__source__key=key).count()
    assert {c["source"]["key"] for c in by_source["results"]} == {key}

    event_id = by_source["results"][0]["event"]
    by_event = client.get("/api/citations/", {"event": event_id}).json()
    assert {c["event"] for c in by_event["results"]} == {event_id}
    source_id = Source.objects.get(key=key).pk
    by_id = client.get("/api/citations/", {"source": source_id, "page_size": 500}).json()
    assert by_id["count"] == by_source["count"]


@pytest.mark.parametrize("path", ["/api/citations/", "/api/events/"])
def test_a_source_no_source_has_is_a_400_saying_so_on_either_list(client, timeline, path):
    # The citations' list answered an empty 200, which reads as "no citations of it".
    response = client.get(path, {"source": "zzz"})
    assert response.status_code == 400
    assert response.json() == {
        "source": [
            "source: no source has the id or key “zzz”; use a source's key "
            "(for example source=mah-moscow-visit-june-2021) or its id."
        ]
    }


def test_the_schema_is_openapi_3_and_lists_every_endpoint(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in ("/api/events/", "/api/events/{id}/", "/api/actors/{slug}/", "/api/sources/"):
        assert path in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/events/"]["get"]["parameters"]}
    assert {"actor", "role", "type", "year", "from", "to", "source", "q", "sort"} <= parameters
    assert {"precision", "page", "page_size", "format"} <= parameters


def test_the_docs_page_loads_without_any_cdn(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode().lower()
    assert "swagger-ui" in page
    # Every script and stylesheet from this site (a random CSRF token may spell "cdn").
    for address in re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', page):
        assert not address.startswith(("http:", "https:", "//")), address
    for host in ("cdn.", "unpkg.com", "jsdelivr.net"):
        assert host not in page


@pytest.mark.parametrize("rows", [1, 10, 60])
def test_actor_source_and_citation_lists_cost_the_same_queries_whatever_their_size(
    client, django_assert_num_queries, rows
):
    event = EventFactory(status=Status.PUBLISHED)
    for n in range(rows):
        actor = ActorFactory()
        AliasFactory(actor=actor, name=f"Alias {n}")
        AliasFactory(actor=actor, name=f"Other alias {n}")
        cite(event, locate(SourceFactory(), "He met Sergei Shoigu"))

    # the data generation, count, actors, their aliases, their positions; the count cached
    # until the next write
    with django_assert_num_queries(5):
        actors = client.get("/api/actors/", {"page_size": 500}).json()
    with django_assert_num_queries(4):
        assert client.get("/api/actors/", {"page_size": 500}).json() == actors
    # count, sources
    with django_assert_num_queries(2):
        sources = client.get("/api/sources/", {"page_size": 500}).json()
    # count, citations with their passages and sources
    with django_assert_num_queries(2):
        citations = client.get("/api/citations/", {"page_size": 500}).json()

    assert (actors["count"], sources["count"], citations["count"]) == (rows, rows, rows)


def test_the_actor_lists_count_is_that_of_the_last_write(client):
    """Cached until the next write: an actor added, or one whose only event becomes a draft
    (hidden from readers), changes the count at once."""
    event = EventFactory(status=Status.PUBLISHED)
    event.participations.create(actor=ActorFactory())
    assert client.get("/api/actors/").json()["count"] == 1
    ActorFactory()
    assert client.get("/api/actors/").json()["count"] == 2
    Event.objects.filter(pk=event.pk).update(status=Status.DRAFT)
    assert client.get("/api/actors/").json()["count"] == 1


@pytest.mark.parametrize("rows", [7, 30])
def test_a_deep_page_of_actors_sources_or_citations_is_the_page_of_the_list(
    client, django_assert_num_queries, rows
):
    """Past the first page the page's ids are read first, then their rows: the same rows in
    the same order, in a constant number of queries."""
    event = EventFactory(status=Status.PUBLISHED)
    for n in range(rows):
        actor = ActorFactory()
        AliasFactory(actor=actor, name=f"Alias {n}")
        event.participations.create(actor=actor)
        cite(event, locate(SourceFactory(), "He met Sergei Shoigu"))
    first = {
        path: [row["id"] for row in client.get(path, {"page_size": 500}).json()["results"]]
        for path in ("/api/actors/", "/api/sources/", "/api/citations/")
    }
    for path, ids in first.items():
        body = client.get(path, {"page_size": 2, "page": 3}).json()
        assert [row["id"] for row in body["results"]] == ids[4:6], path
    # the data generation, the page's ids, the actors, their aliases, their positions (the
    # count cached); the page's ids and the sources; those and the citations
    for path, expected in (("/api/actors/", 5), ("/api/sources/", 3), ("/api/citations/", 3)):
        with django_assert_num_queries(expected):
            assert client.get(path, {"page_size": 2, "page": 3}).status_code == 200


def test_walking_the_citations_by_cursor_returns_each_once(client):
    """Citations are listed by event id: a cursor compares event ids, so the order must be
    the ids' too (ordering by ``event`` followed the events' dates, and a walk repeated some
    citations and skipped others)."""
    source = SourceFactory()
    for year in (2021, 2001, 2011, 1991, 2015):  # ids and dates in different orders
        event = EventFactory(status=Status.PUBLISHED, date_start=dt.date(year, 1, 1))
        cite(event, locate(source, "He met Sergei Shoigu"))
        cite(event, locate(SourceFactory(), "Min Aung Hlaing"))
    seen, url = [], "/api/citations/?cursor=&page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(Citation.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == 10


@pytest.mark.parametrize("path", ["/api/citations/", "/api/events/"])
def test_a_source_key_in_other_case_filters_as_its_key(client, timeline, path):
    key = "mah-moscow-visit-june-2021"
    as_written = client.get(path, {"source": key}).json()["count"]
    assert as_written
    assert client.get(path, {"source": key.upper()}).json()["count"] == as_written
