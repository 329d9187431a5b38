"""The inputs that gave a 500 (issue 13): each now gets a message, never a server error.

A year "0000" wherever a date is read, a NUL character in the actor suggestions and the cite
search, superscript digits ("²", which ``str.isdigit()`` accepts and ``int()`` refuses) in
``passage``, ``start``, ``end``, ``reference``, ``version`` and ``shown``, deeply nested JSON,
an uploaded .txt with a NUL byte, and percent-encoded bytes that are not UTF-8.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from events.models import Citation, Event
from lib.inputs import MAX_PAGE, has_nul, page_number, whole_number
from sources.models import Source
from tests.event_form_data import form_data
from tests.factories import EventFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_client(analyst) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(analyst)
    return client


@pytest.fixture
def token(analyst) -> str:
    return f"Token {Token.objects.create(user=analyst).key}"


@pytest.fixture
def passage():
    return SourceFactory().passages.get(index=1)


def test_whole_number_takes_ascii_digits_only():
    assert whole_number("12") == 12
    assert whole_number(" 7 ") == 7
    for value in ("²", "1²", "١٢", "-1", "1.5", "1e3", "", None, "99999999999"):
        assert whole_number(value) is None
    assert has_nul("a\x00b")
    assert not has_nul("ab")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/events/parse-date/?date_text=0000", "years run from 1 to 9998"),
        ("/events/parse-date/?date_text=0000s", "years run from 1 to 9998"),
        ("/events/parse-date/?date_text=between+0000+and+2000", "years run from 1 to 9998"),
        ("/events/parse-date/?date_text=June+2021&reference=%C2%B2", "June 2021"),
        ("/events/new/?date_text=0000", "years run from 1 to 9998"),
        ("/events/new/?passage=%C2%B2", "passage=²: no such passage"),
    ],
)
def test_odd_dates_and_ids_in_pages_are_messages(analyst_client, url, message):
    response = analyst_client.get(url)

    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize("name", ["start", "end"])
def test_superscript_offsets_in_the_prefill_are_listed_as_unusable(analyst_client, passage, name):
    offsets = {"start": "0", "end": "10", name: "²"}

    response = analyst_client.get("/events/new/", {"passage": passage.pk, **offsets})

    assert response.status_code == 200
    assert f"{name}=²: write a whole number of characters" in response.content.decode()


def test_a_year_0000_in_the_cite_search_finds_by_title_only(analyst_client, passage):
    url = f"/events/cite-search/?q=0000&passage={passage.pk}&start=0&end=10"

    assert analyst_client.get(url).status_code == 200


def test_a_nul_in_the_cite_search_is_a_message(analyst_client, passage):
    url = f"/events/cite-search/?q=a%00b&passage={passage.pk}&start=0&end=10"

    response = analyst_client.get(url)

    assert response.status_code == 400
    assert "q: remove the NUL character (\\x00) from the text." in response.content.decode()
    assert "q: q:" not in response.content.decode()  # the template names the field once


@pytest.mark.parametrize("name", ["q", "source", "actor"])
def test_a_nul_in_a_timeline_filter_is_a_message_naming_it(client, name):
    response = client.get(f"/?{name}=a%00b")

    assert response.status_code == 200
    body = response.content.decode()
    if name != "actor":  # an unknown actor's message names the name
        assert f"{name}: remove the NUL character (\\x00) from the text." in body
    # Echoed as the replacement character a browser shows: no NUL in the HTML. An actor
    # gets no chip (it would hold a name nobody wrote for the next Filter to send).
    assert "\x00" not in body
    if name == "actor":
        assert (
            "actor: a name cannot contain a NUL character (\\x00), so it is left out of the "
            "form; press Filter to search without it." in body
        )
        assert 'name="actor" value="a' not in body
    else:
        assert "a\ufffdb" in body


def test_a_nul_in_the_actor_suggestions_says_so(client):
    response = client.get("/actors/suggest/?q=Shoigu%00")

    assert response.status_code == 400
    assert "q: remove the NUL character (\\x00) from the text." in response.content.decode()
    assert b"<button" not in response.content


def test_a_nul_in_a_prefill_value_is_left_out_and_said(analyst_client):
    response = analyst_client.get("/events/new/?title=a%00b&type=visit")

    assert response.status_code == 200
    body = response.content.decode()
    assert "title: remove the NUL character (\\x00) from the text." in body
    assert "\x00" not in body
    assert '<option value="visit" selected>' in body  # the other values still fill the form
    assert 'name="title" maxlength="300" required id="id_title">' in body  # title left empty


def test_a_nul_in_a_date_to_preview_is_a_message(analyst_client):
    response = analyst_client.get("/events/parse-date/?date_text=June%0022")

    body = response.content.decode()
    assert "date_text: remove the NUL character (\\x00) from the text." in body
    assert "\x00" not in body


def test_a_year_0000_in_the_event_form_is_a_message_at_the_field(analyst_client):
    response = analyst_client.post("/events/new/", form_data(date_text="0000"))

    assert response.status_code == 400
    assert "years run from 1 to 9998" in response.content.decode()
    assert not Event.objects.exists()


def test_a_superscript_reference_in_the_event_form_is_ignored(analyst_client):
    data = form_data(date_text="June 2021", reference="²")
    data["citations-TOTAL_FORMS"], data["citations-0-source"] = "1", "²"

    response = analyst_client.post("/events/new/", data)

    assert response.status_code in (302, 400)


def test_superscript_shown_citations_in_a_conflict_are_ignored(analyst_client):
    event = EventFactory(version=3)

    response = analyst_client.post(
        f"/events/{event.pk}/edit/", form_data(version=2, shown="²", title="Mine")
    )

    assert response.status_code == 409
    assert Event.objects.get().title == event.title


def test_a_superscript_version_in_restore_is_not_a_server_error(analyst_client):
    event = EventFactory(status="draft")
    record = event.history.first()

    response = analyst_client.post(
        f"/events/{event.pk}/history/{record.history_id}/restore/", {"version": "²"}, follow=True
    )

    assert response.status_code == 200


def test_a_year_0000_as_publication_date_is_a_message(analyst_client):
    response = analyst_client.post("/sources/new/", {"text": "Text.", "published": "0000"})

    assert response.status_code == 400
    assert "years run from 1 to 9998" in response.content.decode()
    assert not Source.objects.exists()


def test_an_uploaded_text_with_a_nul_byte_is_refused_with_a_message(analyst_client):
    upload = SimpleUploadedFile("article.txt", b"First line.\nSecond\x00 line.\n")

    response = analyst_client.post("/sources/new/", {"file": upload})

    assert response.status_code == 400
    assert "holds a NUL character (character 18)" in response.content.decode()
    assert not Source.objects.exists()


@pytest.mark.parametrize("view", ["add", "dismiss"])
def test_superscript_offsets_in_the_suggestion_queue_are_messages(analyst_client, view):
    source = SourceFactory()
    data = {"passage": "²", "start": "0", "end": "1", "event": "²"}

    response = analyst_client.post(f"/sources/{source.pk}/suggestions/{view}/", data, follow=True)

    assert response.status_code == 200
    assert "passage: expected a whole number" in response.content.decode()


def test_a_year_0000_in_an_api_date_is_a_400_naming_the_field(client, token):
    body = {"title": "T", "type": "visit", "date": {"text": "0000"}}

    response = client.post(
        "/api/events/", body, content_type="application/json", headers={"Authorization": token}
    )

    assert response.status_code == 400
    assert "date" in response.json()
    assert not Event.objects.exists()


@pytest.mark.parametrize("depth", [33, 100_000])
def test_deeply_nested_json_is_a_400(client, token, depth):
    body = "[" * depth + "]" * depth

    response = client.post(
        "/api/events/", body, content_type="application/json", headers={"Authorization": token}
    )

    assert response.status_code == 400
    assert "nested deeper than 32 levels" in response.json()["detail"]


def test_json_nested_within_the_limit_is_read(client, token):
    body = '{"title": "T", "summary": ' + "[" * 30 + "]" * 30 + "}"

    response = client.post(
        "/api/events/", body, content_type="application/json", headers={"Authorization": token}
    )

    assert response.status_code == 400
    assert "summary" in response.json()  # an ordinary field error, not a depth error


def test_no_citation_is_written_by_a_refused_request(analyst_client, passage):
    event = EventFactory()

    response = analyst_client.post(
        f"/events/{event.pk}/cite/", {"passage": passage.pk, "start": "²", "end": "5"}
    )

    assert response.status_code == 400
    assert not Citation.objects.exists()


def test_superscript_digits_in_the_prefills_date_at_are_listed_as_unusable(analyst_client, passage):
    params = {"passage": passage.pk, "start": "0", "end": "10", "date_at": "²:1:2"}

    response = analyst_client.get("/events/new/", params)

    assert response.status_code == 200
    assert "date_at=²:1:2: write the passage index and offsets" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["type=%00", "page=%00", "from=%00", "to=2020%00", "year=%00", "status=%00"]
)
def test_a_nul_in_any_timeline_parameter_is_the_one_message_naming_it(client, query):
    name = query.split("=")[0]

    response = client.get(f"/?{query}")

    body = response.content.decode()
    assert f"{name}: remove the NUL character (\\x00) from the text." in body
    assert "\x00" not in body
    assert "Null characters are not allowed" not in body
    assert "Type: 1 chosen" not in body  # an unknown type is not counted as chosen


@pytest.mark.parametrize("path", ["/actors/", "/sources/"])
def test_a_nul_in_a_list_page_number_is_the_one_message(client, path):
    body = client.get(f"{path}?page=1%00").content.decode()

    assert "page: remove the NUL character (\\x00) from the text." in body
    assert "\x00" not in body


def test_a_nul_in_the_event_form_names_the_field_and_is_not_echoed(analyst_client):
    response = analyst_client.post("/events/new/", form_data(title="Talks\x00", summary="a\x00b"))

    assert response.status_code == 400
    body = response.content.decode()
    assert "title: remove the NUL character (\\x00) from the text." in body
    assert "summary: remove the NUL character (\\x00) from the text." in body
    assert "Null characters are not allowed" not in body
    assert "\x00" not in body
    assert 'value="Talks\ufffd"' in body  # shown again as the replacement character
    assert not Event.objects.exists()


def test_a_nul_in_the_source_form_names_the_field_and_is_not_echoed(analyst_client):
    response = analyst_client.post("/sources/new/", {"text": "Text.", "title": "A\x00"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "title: remove the NUL character (\\x00) from the text." in body
    assert "\x00" not in body
    assert not Source.objects.exists()


@pytest.mark.parametrize("path", ["/", "/actors/", "/sources/"])
def test_a_page_number_too_large_for_any_list_is_a_page_past_the_end(client, path):
    EventFactory(status="published")

    body = client.get(f"{path}?page=99999999999999999999").content.decode()

    assert "is not a page number" not in body
    assert "only 1 page" in body


def test_a_page_number_too_large_for_any_list_is_past_the_end_in_the_api(client):
    response = client.get("/api/events/?page=99999999999999999999")

    assert response.status_code == 404
    assert response.json()["detail"].startswith(
        "Invalid page: page 99999999999999999999 is past the last page of this list"
    )


def test_page_numbers_are_ascii_digits_from_one_capped_past_any_list():
    assert page_number("2") == 2
    assert page_number(" 007 ") == 7
    assert page_number("9" * 5000) == MAX_PAGE  # no int() of 5,000 digits (a ValueError)
    for value in ("0", "000", "-1", "1.5", "²", "", None, "1e3"):
        assert page_number(value) is None


def test_a_nul_in_a_hidden_field_of_the_event_form_is_named_once(analyst_client):
    response = analyst_client.post("/events/new/", form_data(version="1\x00"))

    assert response.status_code == 400
    body = response.content.decode()
    assert "Version: remove the NUL character (\\x00) from the text." in body
    assert "Version: version:" not in body


def test_page_zero_on_the_timeline_says_where_pages_start(client):
    body = client.get("/?page=0").content.decode()

    assert (
        "page: “0” is not a page number; pages are numbered from 1 (page=2 is the second); "
        "leave it out for the first." in body
    )


def test_a_nul_in_a_hand_cited_source_is_a_message_not_a_500(analyst_client):
    """PostgreSQL cannot compare a NUL: the source it names was looked up for the date's
    reference before the form said what was wrong (found by the property test in CI)."""
    data = form_data(date_text="June 2021", reference="")
    data["citations-TOTAL_FORMS"], data["citations-0-source"] = "1", "\x00"
    data["citations-0-quote"] = "Some words"

    response = analyst_client.post("/events/new/", data)

    assert response.status_code == 400
    assert not Event.objects.exists()
    preview = analyst_client.get(
        "/events/parse-date/",
        {"date_text": "June 22", "citations-0-source": "\x00", "citations-0-quote": "x"},
    )
    assert preview.status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=%D9%A2%D9%A0%D9%A2%D9%A1", "year: write the year as four digits"),  # ٢٠٢١
        ("year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%91", "year: write the year as four digits"),
        ("from=%D9%A2%D9%A0%D9%A2%D9%A1-06", "from:"),
    ],
)
def test_non_ascii_digits_in_a_year_or_date_filter_are_refused_everywhere(client, query, message):
    """Arabic-Indic and full-width "2021" were read as 2021 by the year and date filters
    (int() and \\d take any script's digits) where page numbers refuse them: the README says
    ASCII digits."""
    page = client.get(f"/?{query}")
    assert message in page.content.decode()
    api = client.get(f"/api/events/?{query}")
    assert api.status_code == 400
    assert message in api.content.decode()
