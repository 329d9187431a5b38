"""A list page's events, written from plain rows (``events.api.serializers.rows``), are exactly
``EventSerializer``'s shape: the JSON each event has on its own page, byte for byte."""

import json

import pytest
from django.test import RequestFactory

from events.api.serializers import EventSerializer
from events.models import Event
from tests.test_export_fast_path import archive  # noqa: F401  (a fixture: awkward events)

URL = "/api/events/"


def listed(client, **params) -> list[dict]:
    response = client.get(URL, {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def own_page(client, event: dict) -> dict:
    response = client.get(event["url"])
    assert response.status_code == 200, response.content
    return response.json()


def test_the_fields_are_the_serializers(client, archive):  # noqa: F811
    for event in listed(client):
        assert list(event) == list(EventSerializer.Meta.fields)


@pytest.mark.parametrize("who", ["anonymous", "analyst"])
def test_every_listed_event_is_its_own_pages_json(client, archive, analyst, who):  # noqa: F811
    if who == "analyst":
        client.force_login(analyst)
    events = listed(client)
    assert len(events) == Event.objects.count() - (0 if who == "analyst" else 2)
    for event in events:
        assert event == own_page(client, event)
        # Key order too: clients may print or hash the JSON as it comes.
        assert json.dumps(event) == json.dumps(own_page(client, event))


def test_the_serializer_agrees_on_every_field(client, archive, analyst):  # noqa: F811
    client.force_login(analyst)
    request = RequestFactory().get(URL)
    for event in listed(client):
        instance = Event.objects.with_evidence().get(pk=event["id"])
        expected = json.loads(
            json.dumps(EventSerializer(instance, context={"request": request}).data)
        )
        assert event == expected


def test_the_curated_timeline_lists_as_each_event_shows(client, published_timeline):
    events = listed(client)
    assert len(events) >= 60
    with_several = [e for e in events if len(e["actors"]) > 1 and len(e["citations"]) > 1]
    assert with_several, "the curated timeline has events with several actors and citations"
    for event in events:
        assert event == own_page(client, event)
