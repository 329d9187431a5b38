"""Writing events through /api/events/ with a token: create, change, delete."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import Citation, Event, Participation, Role, Status
from events.services import cite, locate
from tests.factories import ActorFactory, AliasFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

URL = "/api/events/"

NEW_EVENT = {
    "title": "Talks in Naypyidaw",
    "summary": "Defence ministers met.",
    "type": "meeting",
    "status": "draft",
    "location": "Naypyidaw",
    "date": {"start": "2021-03-01", "end": "2021-03-02", "precision": "day", "text": "1-2 March"},
    "actors": [{"name": "shoigu", "role": "visitor"}],
}


@pytest.fixture
def user(analyst):
    return analyst


@pytest.fixture
def api(user) -> APIClient:
    client = APIClient()
    token = Token.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def shoigu(db):
    actor = ActorFactory(name="Sergei Shoigu")
    AliasFactory(actor=actor, name="Shoigu")
    return actor


def test_a_signed_in_user_creates_an_event_and_gets_the_read_shape_back(api, user, shoigu):
    response = api.post(URL, NEW_EVENT, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    event = Event.objects.get(pk=body["id"])
    assert event.author == user
    assert (event.title, event.type, event.status) == ("Talks in Naypyidaw", "meeting", "draft")
    assert str(event.span_start) == "2021-03-01"
    assert str(event.span_end) == "2021-03-02"
    assert body["url"] == f"http://testserver/api/events/{event.pk}/"
    assert body["date"]["text"] == "1-2 March"
    assert body["actors"] == [
        {"id": shoigu.pk, "slug": "sergei-shoigu", "name": "Sergei Shoigu", "role": "visitor"}
    ]
    assert body["citations"] == []


def test_a_new_event_is_a_draft_unless_published(api):
    response = api.post(URL, {"title": "Rumoured visit"}, format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert APIClient().get(f"{URL}{response.json()['id']}/").status_code == 404


def test_anonymous_and_bad_tokens_cannot_write(shoigu):
    event = EventFactory(published=True)
    anonymous = APIClient()
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    response = anonymous.post(URL, NEW_EVENT, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert forged.post(URL, NEW_EVENT, format="json").status_code == 401
    assert anonymous.patch(f"{URL}{event.pk}/", {"title": "x"}, format="json").status_code == 401
    assert anonymous.delete(f"{URL}{event.pk}/").status_code == 401
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "hint"),
    [
        ({"date": {"start": "2021-03-02", "end": "2021-03-01"}}, "date", "swap"),
        ({"date": {"end": "2021-03-01"}}, "date", "needs a start"),
        (
            {"date": {"start": "2021-02-30"}},
            "date",
            "“2021-02-30” is not a real date: February 2021 has 28 days.",
        ),
        ({"date": {"start": "2021-13-01"}}, "date", "there is no month 13"),
        ({"date": {"start": "0000-01-01"}}, "date", "years run from 1 to 9998; 0000 is not one"),
        ({"date": {"start": "June 2021"}}, "date", "“June 2021” is not a date: write it as YYYY"),
        ({"date": {"end": "2021-6-31", "start": "2021-6-1"}}, "date", "June 2021 has 30 days"),
        ({"actors": [{"name": "nobody", "role": "host"}]}, "actors", "/api/actors/"),
        ({"actors": [{"name": "shoigu", "role": "chef"}]}, "actors", "not one of the choices"),
        ({"type": "picnic"}, "type", "not one of the choices"),
        ({"title": 123}, "title", "Send text (a JSON string in quotes), not a number."),
        ({"summary": ["a"]}, "summary", "Send text (a JSON string in quotes), not a list."),
        ({"title": "a\x00b"}, "title", "Remove the NUL character"),
        (
            {
                "actors": [
                    {"name": "shoigu", "role": "host"},
                    {"name": "Sergei Shoigu", "role": "host"},
                ]
            },
            "actors",
            "once",
        ),
    ],
)
def test_invalid_events_are_refused_with_the_field_and_the_fix(api, shoigu, change, field, hint):
    response = api.post(URL, {**NEW_EVENT, **change}, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert field in errors
    assert hint in str(errors[field])
    assert not Event.objects.exists()


def test_patch_changes_only_what_it_names_and_bumps_the_version(api, shoigu):
    event = EventFactory(published=True, title="Old title", summary="Kept.")
    Participation.objects.create(event=event, actor=shoigu, role=Role.HOST)

    response = api.patch(f"{URL}{event.pk}/", {"title": "New title"}, format="json")

    assert response.status_code == 200, response.content
    event.refresh_from_db()
    assert (event.title, event.summary, event.version) == ("New title", "Kept.", 2)
    assert response.json()["actors"][0]["role"] == "host"


def test_put_replaces_the_actors_and_keeps_citations(api, shoigu):
    event = EventFactory(status=Status.PUBLISHED)
    Participation.objects.create(event=event, actor=ActorFactory(), role=Role.HOST)
    citation = cite(event, locate(SourceFactory(), "He met Sergei Shoigu"))

    response = api.put(f"{URL}{event.pk}/", NEW_EVENT, format="json")

    assert response.status_code == 200, response.content
    assert [(p.actor, p.role) for p in event.participations.all()] == [(shoigu, "visitor")]
    assert [c["id"] for c in response.json()["citations"]] == [citation.pk]
    event.refresh_from_db()
    assert str(event.date_start) == "2021-03-01"


def test_signed_in_users_can_edit_drafts(api):
    draft = EventFactory(status=Status.DRAFT)
    cite(draft, locate(SourceFactory(), "He met Sergei Shoigu"))

    response = api.patch(f"{URL}{draft.pk}/", {"status": "published"}, format="json")

    assert response.status_code == 200
    assert APIClient().get(f"{URL}{draft.pk}/").status_code == 200


def test_delete_removes_the_event_and_its_citations(api):
    event = EventFactory(published=True)
    cite(event, locate(SourceFactory(), "He met Sergei Shoigu"))

    assert api.delete(f"{URL}{event.pk}/").status_code == 204
    assert not Event.objects.exists()
    assert not Citation.objects.exists()
