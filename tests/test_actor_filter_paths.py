"""The actor filter's two ways of finding an actor's events give the same lists and counts.

An actor whose participants name few events (``FEW_EVENTS``) has them read by primary key
(``EventQuerySet.among``); a frequent one is found by walking the date order checking each
event's participants. Forcing the walk for every actor must change nothing a user sees.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import filters
from events.models import Actor, Event

URL = "/api/events/"


def answer(client, params: dict) -> tuple[list[int], int, bool]:
    response = client.get(URL, {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    return [event["id"] for event in body["results"]], body["count"], body["count_exact"]


def cases() -> list[dict]:
    actors = list(
        Actor.objects.filter(participations__isnull=False).distinct().values_list("slug", flat=True)
    )
    dates = Event.objects.exclude(date_start=None).values_list("date_start", flat=True)
    years = sorted({d.year for d in dates if d is not None})
    found: list[dict] = []
    for slug in actors:
        found.append({"actor": slug})
        found.append({"actor": slug, "sort": "-date"})
        found.extend({"actor": slug, "year": year} for year in years[::5])
        found.append({"actor": slug, "from": "2015-01", "to": "2021-06"})
    found.append({"actor": actors[:2]})
    found.append({"actor": [actors[0], actors[0]]})
    found.extend({"actor": [actors[0], actors[1], actors[0]], "year": y} for y in years[::5])
    return found


@pytest.mark.parametrize("who", ["anonymous", "analyst"])
def test_few_and_frequent_actors_list_the_same(
    client, published_timeline, analyst, monkeypatch, who
):
    if who == "analyst":
        client.force_login(analyst)
    params = cases()
    assert len(params) > 50
    by_ids = [answer(client, p) for p in params]
    monkeypatch.setattr(filters, "FEW_EVENTS", 0)  # every actor walked in date order
    walked = [answer(client, p) for p in params]
    assert by_ids == walked
    monkeypatch.setattr(filters, "FEW_EVENTS", 2)  # some of each, decided either way
    mixed = [answer(client, p) for p in params]
    assert by_ids == mixed
    assert any(ids for ids, _, _ in by_ids)


def test_an_actors_events_and_their_count(client, published_timeline):
    actor = Actor.objects.get(slug="sergei-shoigu")
    ids, count, exact = answer(client, {"actor": actor.slug})
    assert exact
    assert (
        count
        == len(ids)
        == Event.objects.published().filter(participations__actor=actor).distinct().count()
    )


def test_an_actor_named_again_is_looked_up_in_its_participants_once(client, published_timeline):
    expected = answer(client, {"actor": "sergei-shoigu", "year": 2021})
    with CaptureQueriesContext(connection) as again:
        assert answer(client, {"actor": ["sergei-shoigu"] * 10, "year": 2021}) == expected
    looks = [q["sql"] for q in again.captured_queries if q["sql"].startswith("SELECT CASE WHEN")]
    assert len(looks) == 1
