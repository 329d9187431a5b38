"""Exports of /api/events/: every matching event, read back by a real parser."""

import csv
import datetime as dt
import io
import json

import icalendar
import pytest

from events.models import Event, EventType, Participation, Role, Status
from events.services import cite, locate
from lib.dates import Precision
from tests.factories import ActorFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline(published_timeline) -> str:
    """These tests only read the curated timeline: the one loaded once per session."""
    return published_timeline


URL = "/api/events/"


class Downloaded:
    """A streamed export read to the end: its headers, bytes and (for JSON) parsed data."""

    def __init__(self, response) -> None:
        assert response.streaming, "exports are streamed"
        self.response = response
        self.content = b"".join(response.streaming_content)

    def __getitem__(self, header: str) -> str:
        return self.response[header]

    def json(self):
        return json.loads(self.content)


def export(client, fmt: str, **params) -> Downloaded:
    response = client.get(URL, {"format": fmt, **params})
    assert response.status_code == 200, getattr(response, "content", b"")
    return Downloaded(response)


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def calendar_events(response) -> list:
    calendar = icalendar.Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


@pytest.fixture
def visit(db) -> Event:
    """A three-day visit with an actor, a draft beside it, and a citation with punctuation."""
    source = SourceFactory.create(key="moscow-report", title="Moscow report, part 1; annex")
    event = EventFactory.create(
        status=Status.PUBLISHED,
        title="Visit to Moscow, talks; arms",
        summary="Line one.\nLine two with a backslash \\ and <b>tags</b>. " + "Длинный текст " * 8,
        location="Moscow",
        date_start=dt.date(2021, 6, 22),
        date_end=dt.date(2021, 6, 24),
        date_text="June 22-24",
    )
    Participation.objects.create(
        event=event, actor=ActorFactory.create(name="Min Aung Hlaing"), role=Role.VISITOR
    )
    cite(event, locate(source, "He met Sergei Shoigu"))
    EventFactory.create(title="Secret draft", status=Status.DRAFT)
    return event


def test_csv_has_one_row_per_event_with_the_documented_columns(client, visit):
    response = export(client, "csv")

    assert response["Content-Type"].startswith("text/csv")
    assert "timeline.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows == [
        {
            "id": str(visit.pk),
            "start": "2021-06-22",
            "end": "2021-06-24",
            "precision": "day",
            "date_text": "June 22-24",
            "title": "Visit to Moscow, talks; arms",
            "type": "visit",
            "actors": "Min Aung Hlaing (visitor)",
            "sources": "moscow-report",
            "url": f"http://testserver/api/events/{visit.pk}/",
            "summary": visit.summary,
            "location": "Moscow",
            "attribution": "",
            "quotes": "“He met Sergei Shoigu” (moscow-report ¶1)",
            "event_url": f"http://testserver/events/{visit.pk}/",
            "status": "published",
        }
    ]


def test_exports_hold_every_matching_event_not_one_page(client, timeline):
    published = Event.objects.published()
    assert published.count() > 50

    assert len(csv_rows(export(client, "csv"))) == published.count()
    dated = published.filter(date_start__isnull=False).count()
    assert len(calendar_events(export(client, "ics"))) == dated
    assert len(export(client, "timelinejs").json()["events"]) == dated


def test_exports_honour_the_filters(client, timeline):
    visits = Event.objects.published().filter(type=EventType.VISIT)

    rows = csv_rows(export(client, "csv", type="visit", sort="-date"))
    assert {int(row["id"]) for row in rows} == set(visits.values_list("pk", flat=True))
    assert [row["start"] for row in rows] == sorted((row["start"] for row in rows), reverse=True)
    assert len(calendar_events(export(client, "ics", type="visit"))) == visits.count()
    timelinejs = export(client, "timelinejs", type="visit").json()
    assert {item["group"] for item in timelinejs["events"]} == {"visit"}


def test_ics_has_an_all_day_event_spanning_the_whole_interval(client, visit):
    response = export(client, "ics")

    assert response["Content-Type"].startswith("text/calendar")
    [vevent] = calendar_events(response)
    assert vevent.decoded("DTSTART") == dt.date(2021, 6, 22)
    assert vevent.decoded("DTEND") == dt.date(2021, 6, 25)  # exclusive
    assert str(vevent["SUMMARY"]) == "Visit to Moscow, talks; arms"
    assert str(vevent["LOCATION"]) == "Moscow"
    description = str(vevent["DESCRIPTION"])
    assert visit.summary in description
    assert "“He met Sergei Shoigu” — Moscow report, part 1; annex (moscow-report ¶" in description


def test_ics_lines_are_folded_to_75_octets(client, visit):
    lines = export(client, "ics").content.split(b"\r\n")

    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)
    assert lines[-1] == b""  # every line ends with CRLF


@pytest.mark.parametrize(
    ("precision", "start", "end", "dtstart", "dtend"),
    [
        (Precision.MONTH, dt.date(2020, 2, 1), None, dt.date(2020, 2, 1), dt.date(2020, 3, 1)),
        (
            Precision.YEAR,
            dt.date(1999, 1, 1),
            dt.date(2018, 1, 1),
            dt.date(1999, 1, 1),
            dt.date(2019, 1, 1),
        ),
        (Precision.DAY, dt.date(2021, 12, 31), None, dt.date(2021, 12, 31), dt.date(2022, 1, 1)),
    ],
)
def test_ics_widens_dates_to_their_precision(client, precision, start, end, dtstart, dtend):
    EventFactory(published=True, date_start=start, date_end=end, date_precision=precision)

    [vevent] = calendar_events(export(client, "ics"))

    assert (vevent.decoded("DTSTART"), vevent.decoded("DTEND")) == (dtstart, dtend)
    # A calendar draws the whole month or years: the description says the day is not known.
    unstated = f"(dated to the {precision}: the day is not stated)"
    assert (unstated in str(vevent.decoded("DESCRIPTION"))) == (precision != "day")


def test_undated_events_are_left_out_of_calendars_and_timelines(client):
    EventFactory(published=True, date_start=None)

    assert calendar_events(export(client, "ics")) == []
    assert export(client, "timelinejs").json() == {"events": []}
    assert len(csv_rows(export(client, "csv"))) == 1


def test_an_undated_event_states_no_precision_in_the_api_and_the_csv(client):
    """Undated, an event's stored precision is only the field's default ("day"): the API
    says null and the CSV leaves the cell empty, where both said "day"."""
    undated = EventFactory(published=True, date_start=None, title="Undated talks")
    dated = EventFactory(
        published=True, date_start=dt.date(2021, 6, 1), date_precision=Precision.MONTH
    )
    assert undated.date_precision == Precision.DAY  # (what is stored)

    listed = {e["id"]: e["date"] for e in client.get(URL).json()["results"]}
    assert listed[undated.pk] == {
        "start": None,
        "end": None,
        "precision": None,
        "text": undated.date_text,
        "approximate": False,
    }
    assert listed[dated.pk]["precision"] == "month"
    assert client.get(f"{URL}{undated.pk}/").json()["date"]["precision"] is None
    rows = {int(row["id"]): row for row in csv_rows(export(client, "csv"))}
    assert rows[undated.pk]["precision"] == ""
    assert rows[undated.pk]["start"] == ""
    assert rows[dated.pk]["precision"] == "month"
    # And the precision filter, which finds events dated so, leaves it out.
    day = EventFactory(published=True, date_start=dt.date(2021, 6, 2))
    by_day = client.get(URL, {"precision": "day"}).json()["results"]
    assert [e["id"] for e in by_day] == [day.pk]


@pytest.mark.parametrize(
    ("precision", "start", "end", "start_date", "end_date"),
    [
        (
            Precision.DAY,
            dt.date(2021, 6, 22),
            dt.date(2021, 6, 24),
            {"year": 2021, "month": 6, "day": 22},
            {"year": 2021, "month": 6, "day": 24},
        ),
        (Precision.MONTH, dt.date(2020, 2, 1), None, {"year": 2020, "month": 2}, None),
        (Precision.YEAR, dt.date(1999, 1, 1), dt.date(2018, 1, 1), {"year": 1999}, {"year": 2018}),
    ],
)
def test_timelinejs_dates_carry_only_the_known_parts(
    client, precision, start, end, start_date, end_date
):
    EventFactory(published=True, date_start=start, date_end=end, date_precision=precision)

    [item] = export(client, "timelinejs").json()["events"]

    assert item["start_date"] == start_date
    assert item.get("end_date") == end_date


def test_timelinejs_escapes_text_and_lists_the_citations(client, visit):
    response = export(client, "timelinejs")

    assert response["Content-Type"].startswith("application/json")
    [item] = json.loads(response.content)["events"]
    assert item["group"] == "visit"
    assert item["display_date"] == "22–24 June 2021"
    assert item["text"]["headline"] == "Visit to Moscow, talks; arms"
    assert "&lt;b&gt;tags&lt;/b&gt;" in item["text"]["text"]
    assert "<b>" not in item["text"]["text"]
    assert "<li>“He met Sergei Shoigu” — Moscow report" in item["text"]["text"]


def test_json_stays_paginated(client, timeline):
    body = client.get(URL, {"format": "json"}).json()

    assert {"count", "next", "previous", "results"} <= set(body)
    assert len(body["results"]) == 50


def test_one_event_can_be_exported_too(client, visit):
    response = client.get(f"{URL}{visit.pk}/", {"format": "ics"})

    assert len(calendar_events(response)) == 1


@pytest.mark.parametrize("path", ["list", "detail"])
def test_a_calendar_event_links_to_the_event_page_a_reader_opens(client, visit, path):
    """Both the streamed list and one event's calendar give the page, not the API's JSON."""
    if path == "list":
        response = export(client, "ics")
    else:
        response = client.get(f"{URL}{visit.pk}/", {"format": "ics"})
    [vevent] = calendar_events(response)

    page = str(vevent["URL"])
    assert page == f"http://testserver/events/{visit.pk}/"
    opened = client.get(page)
    assert opened.status_code == 200
    assert visit.title in opened.content.decode()


def test_exports_honour_the_role_as_the_list_does(client, timeline):
    """``role`` (API-only) filters the downloads as it filters the JSON list, alone, with an
    actor and with a title (a review found every download listing the actor's every event)."""
    for params in (
        {"role": "host"},
        {"role": "host", "actor": "sergei-shoigu"},
        {"role": "visitor", "actor": "Russian Defense Minister"},
        {"role": "visitor", "q": "visit"},
    ):
        listed = client.get(URL, {**params, "page_size": 500}).json()
        ids = {event["id"] for event in listed["results"]}
        assert listed["count"] == len(ids)
        assert ids  # the curated timeline has such events
        assert {int(row["id"]) for row in csv_rows(export(client, "csv", **params))} == ids
        dated = Event.objects.filter(pk__in=ids, date_start__isnull=False).count()
        assert len(calendar_events(export(client, "ics", **params))) == dated
        assert len(export(client, "timelinejs", **params).json()["events"]) == dated


def test_an_analysts_exports_mark_drafts_and_every_format_tells_a_claim(client, analyst, visit):
    """Drafts are in an analyst's exports: marked. A claim is told as one in every format."""
    visit.attribution = "according to Myanmar state media"
    visit.save()
    client.force_login(analyst)

    rows = {row["title"]: row for row in csv_rows(export(client, "csv"))}
    assert rows["Secret draft"]["status"] == "draft"
    assert rows["Visit to Moscow, talks; arms"]["status"] == "published"
    assert rows["Visit to Moscow, talks; arms"]["attribution"] == (
        "according to Myanmar state media"
    )

    events = {str(e["SUMMARY"]): e for e in calendar_events(export(client, "ics"))}
    assert str(events["Draft: Secret draft"]["STATUS"]) == "TENTATIVE"
    visit_event = events["Visit to Moscow, talks; arms"]
    assert "STATUS" not in visit_event
    assert "Claim, not stated as fact: according to Myanmar state media" in str(
        visit_event["DESCRIPTION"]
    )

    items = {
        item["text"]["headline"]: item for item in export(client, "timelinejs").json()["events"]
    }
    assert "Draft: Secret draft" in items
    assert (
        "<p><em>Claim, not stated as fact: according to Myanmar state media</em></p>"
        in items["Visit to Moscow, talks; arms"]["text"]["text"]
    )
