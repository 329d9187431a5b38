"""Odd input found by Schemathesis: always a JSON 4xx naming what to fix, never a 500."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(analyst) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/api/events/1.5/",
        "/api/events/99999999999999999999/",
        "/api/citations/abc/",
        "/api/sources/3%0Aw/",
        "/api/nothing-here/",
    ],
)
def test_unknown_api_addresses_are_a_json_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/events/?page_size=0", "page_size"),
        ("/api/actors/?page_size=lots", "page_size"),
        ("/api/sources/?page_size=1&page_size=2", "page_size"),
        ("/api/events/?from=100%25", "from"),
        ("/api/events/?source=%C2%B2", "source"),
        ("/api/events/?source=99999999999999999999999", "source"),
        ("/api/citations/?source=%C2%B2", "source"),
        ("/api/citations/?event=1e400", "event"),
        ("/api/citations/?event=99999999999", "event"),
        ("/api/events/?actor=Shoigu%00", "actor"),
        ("/api/actors/?q=%00", "q"),
        ("/api/events/?format=csv&page_size=0", "page_size"),
    ],
)
def test_bad_list_parameters_are_a_400_naming_them(client, url, field):
    response = client.get(url)

    assert response.status_code == 400
    assert field in response.json()


def test_a_nul_in_a_list_parameter_is_named_as_the_pages_name_it(client):
    response = client.get("/api/events/?q=a%00b")

    assert response.status_code == 400
    assert response.json() == {"q": ["q: remove the NUL character (\\x00) from the text."]}


def test_an_export_checks_the_page_it_does_not_need(client):
    assert client.get("/api/events/?format=timelinejs&page=%C2%9A").status_code == 400
    assert client.get("/api/events/?format=timelinejs&page=1").status_code == 200


def test_empty_filters_mean_no_filter_as_on_the_page(client):
    EventFactory(published=True)

    response = client.get("/api/events/?year=&actor=&from=&page=")

    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": 12}, "title"),
        ({"title": "T", "type": 1}, "type"),
        ({"title": "T", "date": {"start": "2021-01-01", "approximate": 0}}, "date"),
        ({"title": "T", "actors": [{"name": "x", "create": "yes"}]}, "actors"),
        ({"title": "T", "citations": [{"source": True, "quote": "x"}]}, "citations"),
        ({"title": "T", "citations": [{"source": "key\x00", "quote": "x"}]}, "citations"),
        ({"title": "T", "citations": [{"source": "s", "quote": "x", "passage": "1"}]}, "citations"),
    ],
)
def test_json_types_are_checked_strictly(api, body, field):
    response = api.post("/api/events/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Event.objects.exists()


def test_a_lone_surrogate_in_json_text_is_a_400_not_a_database_error(api):
    body = b'{"title": "Visit \\ud800", "actors": [{"name": "\\udc00"}]}'

    response = api.post("/api/events/", body, content_type="application/json")

    assert response.status_code == 400
    assert {"title", "actors"} <= response.json().keys()
    assert not Event.objects.exists()


def test_a_patch_still_needs_whole_actors_and_citations(api):
    event = EventFactory(published=True)

    response = api.patch(
        f"/api/events/{event.pk}/",
        {"actors": [{"role": "host"}], "citations": [{"quote": "x"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "required" in response.json()["actors"]["0"]["name"][0]
    assert "required" in response.json()["citations"]["0"]["source"][0]


def test_writes_take_json_only(api):
    response = api.post("/api/events/", {"title": "Form"})  # multipart

    assert response.status_code == 415
    assert not Event.objects.exists()


def test_options_and_errors_answer_json_even_when_an_export_format_is_asked(api):
    event = EventFactory(published=True)

    options = api.options("/api/events/?format=csv")
    error = api.patch(f"/api/events/{event.pk}/?format=ics", {"title": ""}, format="json")

    assert options.status_code == 200
    assert options["Content-Type"] == "application/json"
    assert error.status_code == 400
    assert "title" in error.json()
