"""The streamed exports (plain rows, relations aggregated by the database) against the renderers.

The reference is what the exports printed before they were read as plain rows: the API's
event shape (the paginated JSON list, through the serializers) rendered by the renderers'
``render``. Both must give the same bytes for every format, filter and reader.
"""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import RequestFactory

from events.api import exports
from events.api.renderers import CSVRenderer, ICSRenderer, TimelineJSRenderer, ics_fold
from events.models import Event, EventType, Participation, Role, Status
from events.services import cite, locate
from lib.dates import Precision
from tests.factories import ActorFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

URL = "/api/events/"
RENDERERS = {"csv": CSVRenderer, "ics": ICSRenderer, "timelinejs": TimelineJSRenderer}
TEXT_A = (
    "Report with awkward text.\n"
    "\n"
    'He said, "We agree", and left.\n'
    "Then a second line; with a semicolon.\n"
    "\n"
    "=SUM(1) looks like a formula, and “curly quotes” too.\n"
    "\n"
    "Вторая часть: по-русски, запятые.\n"
)
TEXT_B = "Another report.\n\nShoigu met Min Aung Hlaing in Naypyitaw, again.\n"


def read(response) -> bytes:
    assert response.status_code == 200, getattr(response, "content", b"")
    assert response.streaming
    return b"".join(response.streaming_content)


@pytest.fixture
def archive(db) -> dict:
    """Events with what makes a file hard to write: punctuation, newlines, several actors
    and citations, drafts, every precision, no date, no actors, formula-like text."""
    a = SourceFactory(key="report-a", title='Report "A", part 1; annex', text=TEXT_A)
    b = SourceFactory(key="report-b", title="Report B, Naypyitaw", text=TEXT_B)
    mah = ActorFactory(name="Min Aung Hlaing", slug="min-aung-hlaing")
    shoigu = ActorFactory(name='Sergei "the minister" Shoigu, Jr.', slug="shoigu")
    russia = ActorFactory(name="Russia", slug="russia")

    def event(citations, actors=(), **fields):
        made = EventFactory(**fields)
        for actor, role in actors:
            Participation.objects.create(event=made, actor=actor, role=role)
        for source, quote in citations:
            cite(made, locate(source, quote))
        return made

    visit = event(
        [
            (a, 'He said, "We agree", and left.'),
            (b, "Shoigu met Min Aung Hlaing in Naypyitaw, again."),
            (a, "Then a second line; with a semicolon."),
            (a, "=SUM(1) looks like a formula, and “curly quotes” too."),
        ],
        [(mah, Role.VISITOR), (shoigu, Role.HOST), (mah, Role.SPEAKER), (russia, Role.HOST)],
        status=Status.PUBLISHED,
        title='Visit, talks; "arms"',
        summary='Line one, with a comma.\nLine two "quoted"; <b>tags</b> \\ backslash.',
        location="Moscow, Russia",
        attribution="=according to TASS",
        date_start=dt.date(2021, 6, 22),
        date_end=dt.date(2021, 6, 24),
        date_text="June 22-24",
        date_approximate=True,
    )
    draft = event(
        [(b, "Shoigu met Min Aung Hlaing")],
        [(shoigu, Role.VISITOR)],
        title="Secret draft, not for readers",
        date_start=dt.date(2021, 7, 1),
    )
    event(
        [(a, "Вторая часть: по-русски, запятые.")],
        status=Status.PUBLISHED,
        title="-minus looks like a formula",
        type=EventType.STATEMENT,
        date_start=dt.date(2015, 3, 1),
        date_precision=Precision.MONTH,
    )
    event(
        [(b, "Another report.")],
        [(russia, Role.SUPPLIER)],
        status=Status.PUBLISHED,
        title="Undated delivery",
        type=EventType.ARMS_DEAL,
        date_start=None,
    )
    event(
        [(a, "Report with awkward text.")],
        [(russia, Role.PARTICIPANT), (mah, Role.PARTICIPANT)],
        status=Status.PUBLISHED,
        title="Years of training",
        type=EventType.AGGREGATE,
        date_start=dt.date(1999, 1, 1),
        date_end=dt.date(2018, 1, 1),
        date_precision=Precision.YEAR,
    )
    event([], title="Bare draft", date_start=dt.date(2015, 5, 5))
    event(
        [(a, "He said")],
        [(mah, Role.VISITOR)],
        status=Status.PUBLISHED,
        title="@mention, tab\tand a very long title " + "that goes on and on " * 6,
        summary="Ein langer Text über Länder " * 12,
        date_start=dt.date(2021, 6, 22),
        date_text="22 June",
    )
    return {"visit": visit, "draft": draft, "mah": mah}


def reference(client, fmt: str, params: dict) -> bytes:
    """The file the renderers make from the API's event shape (serializers, paginated JSON)."""
    listed = client.get(URL, {**params, "format": "json", "page_size": 500})
    assert listed.status_code == 200
    events = listed.json()["results"]
    request = RequestFactory().get(URL)
    rendered = RENDERERS[fmt]().render(events, renderer_context={"request": request})
    assert isinstance(rendered, bytes)
    return rendered


FILTERS = [
    {},
    {"year": "2021"},
    {"actor": "min-aung-hlaing"},
    {"type": ["visit", "aggregate"]},
    {"sort": "-date"},
    {"source": "report-b"},
    {"from": "2015-01", "to": "2021-06-22"},
]


@pytest.mark.parametrize("fmt", ["csv", "ics", "timelinejs"])
@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(p) or "all")
@pytest.mark.parametrize("who", ["anonymous", "analyst"])
def test_the_export_is_the_renderers_file_of_the_api_shape(
    client, archive, analyst, fmt, params, who
):
    if who == "analyst":
        client.force_login(analyst)

    exported = read(client.get(URL, {**params, "format": fmt}))

    assert exported == reference(client, fmt, params)


def test_drafts_are_exported_to_analysts_only(client, archive, analyst):
    anonymous = read(client.get(URL, {"format": "csv"})).decode()
    client.force_login(analyst)
    analysts = read(client.get(URL, {"format": "csv"})).decode()

    assert "Secret draft" not in anonymous
    assert "Secret draft" in analysts
    assert "Bare draft" in analysts


def test_a_csv_row_keeps_its_actors_citations_and_quoting(client, archive):
    visit = archive["visit"]
    body = read(client.get(URL, {"format": "csv", "year": "2021"})).decode()

    assert (
        f'"Visit, talks; ""arms"""'
        f",visit,"
        f'"Min Aung Hlaing (visitor); Sergei ""the minister"" Shoigu, Jr. (host); '
        f'Min Aung Hlaing (speaker); Russia (host)",'
        f"report-a; report-b,"
        f"http://testserver/api/events/{visit.pk}/,"
    ) in body
    assert "'=according to TASS" in body
    assert (
        '“He said, ""We agree"", and left.” (report-a ¶1)\n'
        "“Shoigu met Min Aung Hlaing in Naypyitaw, again.” (report-b ¶1)\n"
        "“Then a second line; with a semicolon.” (report-a ¶2)\n"
    ) in body


@pytest.mark.parametrize("rows", [1, 12])
@pytest.mark.parametrize("fmt", ["csv", "ics", "timelinejs"])
def test_the_export_query_count_does_not_grow_with_the_events_on_postgresql(
    client, django_assert_num_queries, monkeypatch, rows, fmt
):
    """PostgreSQL: SET LOCAL (jit, statement_timeout) and one query read through a
    server-side cursor, however many events. Elsewhere: one query for the events and, per
    chunk of CHUNK events, one for their actors (CSV only) and one for their citations."""
    monkeypatch.setattr(exports, "CHUNK", 5)
    source = SourceFactory()
    for _ in range(rows):
        event = EventFactory(status=Status.PUBLISHED)
        cite(event, locate(source, "He met"))
        Participation.objects.create(event=event, actor=ActorFactory(), role="host")
    chunks = -(-rows // 5)
    per_chunk = 2 if fmt == "csv" else 1
    expected = 2 if connection.vendor == "postgresql" else 1 + per_chunk * chunks

    with django_assert_num_queries(expected):
        body = read(client.get(URL, {"format": fmt}))

    assert body.decode().count("He met") == rows


def test_an_empty_search_exports_an_empty_file(client, archive):
    body = read(client.get(URL, {"format": "csv", "year": "1800"})).decode()

    assert body.splitlines() == [",".join(exports.CSV_COLUMNS)]
    assert read(client.get(URL, {"format": "timelinejs", "year": "1800"})) == b'{"events": []}'


def _fold_one_char_at_a_time(line: str) -> str:
    """ics_fold as first written: the reference for the byte-slicing version."""
    parts, current, size = [], "", 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


@pytest.mark.parametrize(
    "line",
    [
        "",
        "x" * 75,
        "x" * 76,
        "x" * 149,
        "x" * 150,
        "DESCRIPTION:" + "Длинный текст " * 20,
        "SUMMARY:" + "a" * 73 + "é" + "€" * 30 + "𝄞" * 40,
        "€" * 25 + "x",
    ],
)
def test_ics_fold_cuts_between_characters_as_the_one_char_loop_did(line):
    assert ics_fold(line) == _fold_one_char_at_a_time(line)
    assert all(len(part.encode()) <= 75 for part in ics_fold(line).split("\r\n"))


def test_every_export_format_has_its_columns():
    assert set(exports.COLUMNS) == set(RENDERERS) == set(exports.RENDERERS)
    assert Event._meta.get_field("updated")  # the calendar's DTSTAMP


def test_an_export_abandoned_midway_stops_reading_and_leaves_the_connection_usable(
    client, monkeypatch
):
    monkeypatch.setattr(exports, "CHUNK", 2)
    source = SourceFactory()
    for _ in range(9):
        cite(EventFactory(status=Status.PUBLISHED), locate(source, "He met"))
    events = Event.objects.published().chronological()
    pieces = exports.export_pieces(events, "csv", RequestFactory().get(URL))

    assert next(pieces).startswith("id,start,end")
    pieces.close()  # what the response does when the server closes it (the client has gone)

    assert not [t for t in threading.enumerate() if t.name == "export-read-ahead"]
    assert Event.objects.published().count() == 9  # the connection still answers
    assert read(client.get(URL, {"format": "csv"})).count(b"He met") == 9
