"""Every API error is JSON, including those Django answers outside DRF's views, and the
schema documents them."""

import json
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token

from config import views as config_views
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

SCHEMA = yaml.safe_load((Path(settings.BASE_DIR) / "events" / "api" / "schema.yml").read_text())


@pytest.fixture
def quiet_client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.urls("tests.fault_urls")
def test_a_server_error_in_the_api_is_json_with_the_request_id(quiet_client):
    response = quiet_client.get("/api/boom/", headers={"X-Request-ID": "trace-42"})

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Server error: it is logged with this request's id; try again later.",
        "request_id": "trace-42",
    }


@pytest.mark.urls("tests.fault_urls")
def test_a_server_error_on_a_page_is_the_html_page(quiet_client):
    response = quiet_client.get("/boom/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_a_method_the_address_does_not_offer_is_a_json_405(client, analyst):
    token = Token.objects.create(user=analyst).key

    response = client.put("/api/citations/1/", {}, headers={"Authorization": f"Token {token}"})

    assert response.status_code == 405
    assert "detail" in response.json()


def test_too_many_fields_is_a_json_400(client):
    query = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = client.get(f"/api/events/?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_django_level_errors_under_api_are_json():
    request = RequestFactory().get("/api/somewhere/")

    for response in (
        config_views.page_not_found(request, Exception()),
        config_views.bad_request(request, Exception()),
        config_views.permission_denied(request, Exception()),
        config_views.server_error(request),
    ):
        assert response["Content-Type"] == "application/json"
        assert "detail" in json.loads(response.content)


def test_django_level_errors_elsewhere_are_pages():
    request = RequestFactory().get("/events/1/")

    response = config_views.page_not_found(request, Exception())

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_stale_if_match_and_a_wrong_body_type_are_json(client, analyst):
    event = EventFactory()
    auth = {"Authorization": f"Token {Token.objects.create(user=analyst).key}"}

    stale = client.patch(
        f"/api/events/{event.pk}/",
        {"title": "New"},
        content_type="application/json",
        headers=auth | {"If-Match": '"99"'},
    )
    form = client.post("/api/events/", {"title": "Form"}, headers=auth)

    assert stale.status_code == 412
    assert "detail" in stale.json()
    assert form.status_code == 415
    assert "detail" in form.json()


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/api/events/", "get", {"400", "401", "404", "500", "503"}),
        ("/api/events/", "post", {"400", "401", "403", "413", "415", "500", "503"}),
        ("/api/events/{id}/", "patch", {"400", "401", "403", "404", "412", "413", "415"}),
        ("/api/events/{id}/", "delete", {"401", "403", "404", "412", "500", "503"}),
        ("/api/citations/", "post", {"400", "413", "415", "500", "503"}),
        ("/api/actors/", "get", {"400", "500", "503"}),
    ],
)
def test_the_schema_documents_the_error_codes_as_json(path, method, codes):
    responses = SCHEMA["paths"][path][method]["responses"]

    assert codes <= set(responses)
    for code in codes:
        assert "application/json" in responses[code]["content"]


def test_the_schema_states_the_parameter_limits():
    parameters = {p["name"]: p for p in SCHEMA["paths"]["/api/events/"]["get"]["parameters"]}

    assert parameters["q"]["schema"]["anyOf"][0]["maxLength"] == settings.MAX_Q_LENGTH
    assert parameters["actor"]["schema"]["maxItems"] == settings.MAX_PARAMETER_REPEATS
    assert "405" in SCHEMA["info"]["description"]


def test_a_missing_page_has_the_site_header_and_says_what_is_missing(client):
    response = client.get("/actors/no-such-actor/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "No actor is named “no-such-actor”." in page
    assert "Back to the timeline" in page


def test_an_address_that_matches_nothing_is_a_site_page_without_the_url_patterns(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "The requested resource was not found" in page
    assert "Back to the timeline" in page
    assert "tried" not in page


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "²"])
@pytest.mark.parametrize("format", ["json", "csv", "ics"])
def test_a_page_that_is_no_page_number_is_a_400_naming_page(client, page, format):
    # As page_size: the request is wrong, not the page missing (it was a 404, and the
    # exports' said only "Invalid page.").
    response = client.get("/api/events/", {"page": page, "format": format})

    assert response.status_code == 400
    assert response.json() == {
        "page": [
            f"page: “{page}” is not a page number; give a whole number from 1 (for example page=2)."
        ]
    }


def test_a_page_past_the_end_is_a_404_saying_so(client):
    response = client.get("/api/events/", {"page": 99})

    assert response.status_code == 404
    assert "past the last page" in response.json()["detail"]


@pytest.mark.parametrize(("path", "rows"), [("/api/events/", "events"), ("/api/actors/", "actors")])
def test_a_page_past_the_end_names_what_the_list_holds(client, path, rows):
    response = client.get(path, {"page": 99})
    assert response.status_code == 404
    assert f": 0 {rows}, 50 a page, end at page=1." in response.json()["detail"]


def test_a_page_past_the_end_of_a_long_list_says_to_read_it_by_cursor(client, monkeypatch):
    """Past COUNT_CAP the count is capped: the message names no last page it cannot know."""
    from events.api import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    for _ in range(3):
        EventFactory(published=True)
    detail = client.get("/api/events/", {"page": 9, "page_size": 1}).json()["detail"]
    assert "which holds more than 2 events: read it with cursor=" in detail
    detail = client.get("/api/events/", {"page": 9, "page_size": 2}).json()["detail"]
    assert "which holds more than 2 events" in detail
    monkeypatch.setattr(pagination, "COUNT_CAP", 500)
    detail = client.get("/api/events/", {"page": 9, "page_size": 2}).json()["detail"]
    assert detail.endswith(": 3 events, 2 a page, end at page=2.")


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/api/events/999999/", "No event has the id 999999."),
        ("/api/actors/no-such-actor/", "No actor has the slug “no-such-actor”."),
        ("/api/sources/999999/", "No source has the id 999999."),
        ("/api/citations/999999/", "No citation has the id 999999."),
    ],
)
def test_a_missing_object_says_what_is_missing(client, path, said):
    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": said}


def test_a_draft_is_missing_to_a_reader_in_the_same_words(client):
    draft = EventFactory(status="draft")

    response = client.get(f"/api/events/{draft.pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": f"No event has the id {draft.pk}."}


def test_an_api_address_without_its_final_slash_is_redirected_to_it_or_named(client):
    """``/api/events`` (as Django's APPEND_SLASH does for the pages): GET and HEAD are sent
    to ``/api/events/`` with the query kept; other methods (a redirect would lose their
    body) are told the address. Addresses that match nothing with the slash either keep the
    plain 404, for every method (OPTIONS too)."""
    event = EventFactory(status="published")
    for path, to in [
        ("/api/events", "/api/events/"),
        ("/api/events?actor=x&year=2020", "/api/events/?actor=x&year=2020"),
        (f"/api/events/{event.pk}", f"/api/events/{event.pk}/"),
        ("/api/actors", "/api/actors/"),
    ]:
        response = client.get(path)
        assert response.status_code == 301
        assert response["Location"] == to
        assert client.head(path).status_code == 301
    assert client.get("/api/events", follow=True).json()["count"] == 1

    response = client.post("/api/events", {}, content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "No API address /api/events; write /api/events/ (with the final slash)."
    }
    for method in (client.get, client.options, client.delete):
        response = method("/api/nothing-here")
        assert response.status_code == 404
        assert "see /api/docs/" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/api/events/2147483648/", "No event has the id 2147483648."),
        ("/api/sources/99999999999999999999/", "No source has the id 99999999999999999999."),
        ("/api/citations/12345678901/", "No citation has the id 12345678901."),
        ("/api/events/9999999999/history/", "No event has the id 9999999999."),
    ],
)
def test_an_id_too_long_for_any_row_is_said_to_be_missing_like_any_other(client, path, detail):
    """Ids in routes have at most nine digits (no lookup overflows the database's integers);
    a longer one gets the detail view's own words, not "no such address"."""
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": detail}


def test_the_browsable_api_names_no_missing_address_in_its_breadcrumbs(client):
    """The catch-all 404 answers the prefixes of every address (``/api/events``): it is no
    DRF view, so the breadcrumbs do not list it ("Api Root / Not Found / Event List")."""
    event = EventFactory(status="published")
    body = client.get(f"/api/events/{event.pk}/", HTTP_ACCEPT="text/html").content.decode()
    assert "Event Instance" in body
    assert "Not Found" not in body


def test_the_browsable_api_is_laid_out_at_a_phones_width(client):
    """Without a viewport the browsable API was a 980 px page shrunk to tiny text on a phone."""
    body = client.get("/api/", HTTP_ACCEPT="text/html").content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
    assert body.count('<meta http-equiv="Content-Type"') == 1  # DRF's own meta kept


@pytest.mark.parametrize(
    ("url", "offered"),
    [
        ("/api/events/?format=xyz", "json, api, csv, ics, timelinejs"),
        ("/api/events.xml", "json, api, csv, ics, timelinejs"),
        ("/api/actors/?format=csv", "json, api"),
    ],
)
def test_an_unknown_format_is_a_404_naming_it_and_the_formats_offered(client, url, offered):
    response = client.get(url)

    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail.startswith("format: this address has no format “")
    assert f"use one of {offered}, or leave it out." in detail


def test_an_id_with_a_dot_is_read_as_a_format_and_said_so(client):
    response = client.get("/api/events/1.5/")

    assert response.status_code == 404
    assert "“.5” at the end of the address" in response.json()["detail"]


def test_an_event_id_too_large_in_the_citation_filter_says_why(client):
    response = client.get("/api/citations/?event=99999999999999999999")

    assert response.status_code == 400
    assert response.json()["event"] == [
        "event: ids go up to 2147483647, so no event has this one; give the event's id "
        "(for example event=12)."
    ]


@pytest.mark.parametrize(
    ("path", "name", "said"),
    [
        ("/api/events/?actr=shoigu", "actr", "did you mean “actor”?"),
        ("/api/events/?format=csv&Year=2021", "Year", "did you mean “year”?"),
        ("/api/actors/?knd=person", "knd", "did you mean “kind”?"),
        ("/api/citations/?evnt=1", "evnt", "did you mean “event”?"),
        ("/api/sources/?page_sise=1", "page_sise", "did you mean “page_size”?"),
        ("/api/events/?zzz=1", "zzz", "the parameters are actor, cursor, format, from, page,"),
    ],
)
def test_a_parameter_no_list_takes_is_a_400_naming_it_not_ignored(client, path, name, said):
    # A reviewer's misspelt "actr=shoigu" listed (and would have exported) every event.
    EventFactory(published=True)

    response = client.get(path)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert said in response.json()[name][0]


@pytest.mark.parametrize(
    "path", ["/api/events/", "/api/actors/", "/api/citations/", "/api/sources/"]
)
def test_every_parameter_the_schema_documents_for_a_list_is_taken(client, path):
    names = [parameter["name"] for parameter in SCHEMA["paths"][path]["get"]["parameters"]]
    assert names
    for name in names:
        response = client.get(path, {name: ""})
        assert b"Not a parameter" not in response.content, name
