"""The browsable API (a browser's ``Accept: text/html``) for analysts: every list and detail
page renders, and the event's PUT form is prefilled with a body the API takes back."""

import json

import pytest
from django.test import Client

from events.api.serializers.write import EventWriteSerializer
from events.models import Event
from events.services import cite, locate
from tests.factories import ActorFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

HTML = {"Accept": "text/html"}


@pytest.fixture
def cited_event():
    source = SourceFactory()
    event = EventFactory(status="published", attribution="according to state media")
    passage = source.passages.get(index=1)
    citation = cite(event, locate(source, passage.text[:20]))
    event.participations.create(actor=ActorFactory(name="Sergei Shoigu"), role="visitor")
    return event, citation


@pytest.fixture
def analyst_client(analyst) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(analyst)
    return client


def test_every_resource_renders_in_the_browsable_api_for_an_analyst(analyst_client, cited_event):
    event, citation = cited_event
    actor = event.participations.get().actor
    source = citation.passage.source
    for path in [
        "/api/events/",
        f"/api/events/{event.pk}/",
        "/api/actors/",
        f"/api/actors/{actor.slug}/",
        "/api/sources/",
        f"/api/sources/{source.pk}/",
        "/api/citations/",
        f"/api/citations/{citation.pk}/",
    ]:
        response = analyst_client.get(path, headers=HTML)

        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html"), path


def test_the_event_put_form_holds_a_body_that_puts_back_unchanged(analyst_client, cited_event):
    event, citation = cited_event
    html = analyst_client.get(f"/api/events/{event.pk}/", headers=HTML).content.decode()
    assert "Sergei Shoigu" in html
    assert "according to state media" in html

    body = analyst_client.get(f"/api/events/{event.pk}/").json()
    shape = EventWriteSerializer(event).data  # what the PUT form holds
    assert shape["citations"][0]["source"] == citation.passage.source.key
    response = analyst_client.put(
        f"/api/events/{event.pk}/",
        json.dumps(shape),
        content_type="application/json",
        headers={"If-Match": analyst_client.get(f"/api/events/{event.pk}/")["ETag"]},
    )

    assert response.status_code == 200, response.content
    assert response.json()["citations"] == body["citations"]
    assert Event.objects.get(pk=event.pk).version == event.version  # nothing changed
