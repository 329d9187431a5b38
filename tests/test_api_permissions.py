"""Who may read and write through the API: anonymous, reader, analyst (token or session)."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import Citation, Event, Status
from events.services import cite, locate
from tests.factories import EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

URL = "/api/events/"
QUOTE = "He met Sergei Shoigu in Moscow."


@pytest.fixture
def events(db):
    source = SourceFactory(key="report")
    published = EventFactory(title="Published", published=True)
    draft = EventFactory(title="Draft", status=Status.DRAFT)
    cite(draft, locate(source, QUOTE))
    return published, draft


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def titles(client: APIClient) -> list[str]:
    response = client.get(URL)
    assert response.status_code == 200
    return sorted(e["title"] for e in response.json()["results"])


def writes(client: APIClient, event: Event, cited: Event) -> list[int]:
    return [
        client.post(URL, {"title": "New"}, format="json").status_code,
        client.patch(f"{URL}{event.pk}/", {"title": "Changed"}, format="json").status_code,
        client.put(f"{URL}{event.pk}/", {"title": "Changed"}, format="json").status_code,
        client.delete(f"{URL}{event.pk}/").status_code,
        client.post(
            "/api/citations/",
            {"event": cited.pk, "source": "report", "quote": "arms deliveries"},
            format="json",
        ).status_code,
        client.delete(
            f"/api/citations/{Citation.objects.values_list('pk', flat=True).first()}/"
        ).status_code,
    ]


def assert_unchanged(published: Event) -> None:
    published.refresh_from_db()
    assert (published.title, published.version) == ("Published", 1)
    assert Event.objects.count() == 2
    assert Citation.objects.count() == 2  # the published event's and the draft's


def test_anonymous_users_read_published_events_only_and_cannot_write(events):
    published, draft = events
    anonymous = APIClient()

    assert titles(anonymous) == ["Published"]
    assert anonymous.get(f"{URL}{draft.pk}/").status_code == 404
    assert anonymous.get("/api/citations/").json()["count"] == 1  # the published one's
    assert writes(anonymous, published, draft) == [401] * 6
    assert_unchanged(published)


def test_signed_in_readers_see_no_drafts_and_cannot_write(events, reader):
    published, draft = events

    session = APIClient()
    session.force_login(reader)
    for client in (token_client(reader), session):
        assert titles(client) == ["Published"]
        assert client.get(f"{URL}{draft.pk}/").status_code == 404
        assert writes(client, published, draft) == [403] * 6
    assert "analyst" in token_client(reader).post(URL, {}, format="json").json()["detail"]
    assert_unchanged(published)


def test_a_bad_token_is_a_401_even_for_reading(events):
    published, draft = events
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert forged.get(URL).status_code == 401
    assert writes(forged, published, draft) == [401] * 6
    assert_unchanged(published)


def test_analysts_with_a_token_see_drafts_and_write(events, analyst):
    published, draft = events
    api = token_client(analyst)

    assert titles(api) == ["Draft", "Published"]
    assert api.get(f"{URL}{draft.pk}/").status_code == 200
    assert writes(api, published, draft) == [201, 200, 200, 204, 201, 204]


def test_analysts_in_a_browser_session_need_the_csrf_token(events, analyst):
    published, _draft = events
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(analyst)

    refused = browser.patch(f"{URL}{published.pk}/", {"title": "No CSRF"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    browser.get("/api/docs/")  # any page that sets the CSRF cookie
    csrf = browser.cookies.get("csrftoken")
    assert csrf is not None
    accepted = browser.patch(
        f"{URL}{published.pk}/", {"title": "With CSRF"}, format="json", HTTP_X_CSRFTOKEN=csrf.value
    )
    assert accepted.status_code == 200, accepted.content
    published.refresh_from_db()
    assert published.title == "With CSRF"
