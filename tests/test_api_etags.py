"""Lost-update protection: ETag on event responses, If-Match on PUT/PATCH/DELETE."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

URL = "/api/events/"


@pytest.fixture
def api(analyst) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    return client


def test_an_event_carries_its_version_as_etag(client):
    event = EventFactory(published=True)

    response = client.get(f"{URL}{event.pk}/")

    assert response["ETag"] == '"1"'


def test_each_write_answers_with_the_new_etag(api):
    created = api.post(URL, {"title": "Talks"}, format="json")
    assert created["ETag"] == '"1"'
    assert created["Location"] == created.json()["url"]

    changed = api.patch(
        f"{URL}{created.json()['id']}/", {"title": "More talks"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert changed.status_code == 200
    assert changed["ETag"] == '"2"'


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_stale_if_match_is_a_412_and_changes_nothing(api, method):
    event = EventFactory(published=True, title="Theirs")
    Event.objects.filter(pk=event.pk).update(version=2)  # someone else saved in between

    response = getattr(api, method)(
        f"{URL}{event.pk}/", {"title": "Mine"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 412
    assert "GET it again" in response.json()["detail"]
    event.refresh_from_db()
    assert (event.title, event.version) == ("Theirs", 2)


def test_a_stale_if_match_cannot_delete(api):
    event = EventFactory(published=True)

    response = api.delete(f"{URL}{event.pk}/", HTTP_IF_MATCH='"7"')

    assert response.status_code == 412
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_current_etag_or_a_star_lets_the_write_through(api):
    event = EventFactory(published=True)

    first = api.patch(f"{URL}{event.pk}/", {"summary": "a"}, format="json", HTTP_IF_MATCH='"1"')
    second = api.patch(f"{URL}{event.pk}/", {"summary": "b"}, format="json", HTTP_IF_MATCH="*")

    assert (first.status_code, second.status_code) == (200, 200)
    assert api.delete(f"{URL}{event.pk}/", HTTP_IF_MATCH='"3"').status_code == 204


def test_without_if_match_the_write_goes_through_and_bumps_the_version_once(api):
    event = EventFactory(published=True)

    response = api.put(f"{URL}{event.pk}/", {"title": "Replaced", "summary": "s"}, format="json")

    assert response.status_code == 200
    event.refresh_from_db()
    assert event.version == 2


def test_two_writers_with_the_same_etag_one_wins_the_other_gets_412(api):
    event = EventFactory(published=True)
    etag = api.get(f"{URL}{event.pk}/")["ETag"]

    first = api.patch(f"{URL}{event.pk}/", {"title": "A"}, format="json", HTTP_IF_MATCH=etag)
    second = api.patch(f"{URL}{event.pk}/", {"title": "B"}, format="json", HTTP_IF_MATCH=etag)

    assert (first.status_code, second.status_code) == (200, 412)
    event.refresh_from_db()
    assert event.title == "A"


@pytest.mark.parametrize("header", ["garbage", "3", "W/3", '"'])
@pytest.mark.parametrize("method", ["patch", "delete"])
def test_an_if_match_holding_no_entity_tag_is_a_400_saying_how_to_write_one(api, method, header):
    event = EventFactory(published=True, title="Theirs")
    body = {"data": {"title": "Mine"}, "format": "json"} if method == "patch" else {}

    response = getattr(api, method)(f"{URL}{event.pk}/", HTTP_IF_MATCH=header, **body)

    assert response.status_code == 400, response.content
    [message] = response.json()["If-Match"]
    assert "is no entity tag: send the ETag a GET of the event answered" in message
    event.refresh_from_db()
    assert (event.title, event.version) == ("Theirs", 1)


def test_a_weak_if_match_matches_no_version(api):
    """If-Match compares strongly (RFC 9110): W/"1" is no match for version 1."""
    event = EventFactory(published=True, title="Theirs")

    response = api.patch(
        f"{URL}{event.pk}/", {"title": "Mine"}, format="json", HTTP_IF_MATCH='W/"1"'
    )

    assert response.status_code == 412
    event.refresh_from_db()
    assert event.title == "Theirs"
