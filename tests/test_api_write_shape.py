"""The shape of a write body: the browsable API (a browser's ``Accept: text/html``) renders
every list and detail page for analysts, its event PUT form holds a body the API takes back,
and a key the API neither takes nor gives back is a 400 naming it (a misspelt field was
dropped without a word)."""

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


def put_back(client: Client, event: Event, body: dict):
    """PUT ``body`` to the event, with the ETag it has now."""
    return client.put(
        f"/api/events/{event.pk}/",
        json.dumps(body),
        content_type="application/json",
        headers={"If-Match": client.get(f"/api/events/{event.pk}/")["ETag"]},
    )


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
    response = put_back(analyst_client, event, shape)

    assert response.status_code == 200, response.content
    assert response.json()["citations"] == body["citations"]
    assert Event.objects.get(pk=event.pk).version == event.version  # nothing changed


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        ({"title": "T", "sumary": "S"}, ["sumary"], "did you mean “summary”?"),
        ({"title": "T", "date": {"txt": "June 2021"}}, ["date", "txt"], "did you mean “text”?"),
        (
            {"title": "T", "actors": [{"name": "Shoigu", "rol": "host"}]},
            ["actors", "0", "rol"],
            "did you mean “role”?",
        ),
        (
            {"title": "T", "citations": [{"source": "x", "quote": "q", "nte": "n"}]},
            ["citations", "0", "nte"],
            "did you mean “note”?",
        ),
        ({"title": "T", "colour": "red"}, ["colour"], "the fields are "),
    ],
)
def test_a_misspelt_field_is_a_400_naming_it_not_dropped(analyst_client, body, where, message):
    response = analyst_client.post("/api/events/", body, content_type="application/json")

    assert response.status_code == 400
    error = response.json()
    for key in where:
        error = error[key]
    assert error[0].startswith("Not a field here (it would be ignored): ")
    assert message in error[0]
    assert not Event.objects.exists()


def test_the_read_shapes_own_keys_are_let_through_when_sent_back(analyst_client, cited_event):
    event, _ = cited_event
    shape = EventWriteSerializer(event).data
    shape.update(id=event.pk, url="x", created="x", updated="x")
    shape["actors"][0].update(id=1, slug="x")
    shape["citations"][0]["id"] = 1

    response = put_back(analyst_client, event, shape)

    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("body", "where", "said"),
    [
        ({"title": "T", "summary": "s" * 5001}, ["summary"], "no more than 5000 characters"),
        (
            {"title": "T", "citations": [{"source": "x", "quote": "q", "note": "n" * 5001}]},
            ["citations", "0", "note"],
            "no more than 5000 characters",
        ),
    ],
)
def test_a_summary_or_note_longer_than_a_paragraph_is_refused(analyst_client, body, where, said):
    # A reviewer's 1 MB summary was a 201: every list holding it sent twice its 500 KB.
    response = analyst_client.post("/api/events/", body, content_type="application/json")

    assert response.status_code == 400
    error = response.json()
    for key in where:
        error = error[key]
    assert said in error[0]
    assert not Event.objects.exists()


def test_a_summary_of_the_limit_is_taken(analyst_client):
    body = {"title": "T", "summary": "s" * 5000}
    response = analyst_client.post("/api/events/", body, content_type="application/json")
    assert response.status_code == 201
    assert len(Event.objects.get().summary) == 5000


@pytest.mark.parametrize(
    ("body", "where", "said"),
    [
        ({"title": "T", "status": True}, ["status"], "“true” is not one of the choices: draft,"),
        ({"title": "T", "type": "visitt"}, ["type"], "“visitt” is not one of the choices: "),
        ({"title": "T", "type": 3}, ["type"], "“3” is not one of the choices: "),
    ],
)
def test_a_value_that_is_no_choice_is_named_as_sent_with_the_choices(
    analyst_client, body, where, said
):
    # "status": true was said as "True" (Python's spelling) without the choices.
    response = analyst_client.post("/api/events/", body, content_type="application/json")

    assert response.status_code == 400
    error = response.json()
    for key in where:
        error = error[key]
    assert error[0].startswith(said)
