"""Deep pages and date filters at scale list exactly what a plain filter lists, in order.

The API's ``?page=`` and the timeline's pages read deep pages by id first (a deferred join),
and the date filters bound their walk of the date order by the longest event interval: both
are checked here against a plain filter of every event in Python (long intervals, undated
events, drafts, shared dates and titles), on SQLite and PostgreSQL.
"""

import datetime as dt
import random

import pytest
from django.core.cache import cache
from django.http import QueryDict

from events.api import pagination
from events.filters import EventFilter, PartialDateField
from events.models import Event, EventType, Participation, Role, Status
from events.views.timeline import PAGE_SIZE
from lib.dates import Precision
from tests.factories import ActorFactory, EventFactory

pytestmark = pytest.mark.django_db

URL = "/api/events/"
D = dt.date
LENGTHS = [0, 0, 0, 3, 40, 200, 800, 365 * 12, 365 * 40]


def make_archive(n: int = 150, seed: int = 7) -> dict[int, set[str]]:
    """Varied events: every precision, ranges up to forty years, undated ones, drafts, a few
    titles shared on shared dates. Returns each event's actor slugs."""
    rng = random.Random(seed)
    actors = [ActorFactory.create(name=f"Actor {i}", slug=f"actor-{i}") for i in range(4)]
    involved: dict[int, set[str]] = {}
    for i in range(n):
        start = None
        if i % 13:
            start = D(rng.randint(1985, 2022), rng.randint(1, 12), rng.choice([1, 1, 15, 28]))
        length = rng.choice(LENGTHS)
        end = start + dt.timedelta(days=length) if start and length else None
        event = EventFactory.create(
            title=f"Event {rng.randint(0, 4)}",
            status=Status.PUBLISHED if rng.random() < 0.8 else Status.DRAFT,
            type=rng.choice([EventType.VISIT, EventType.MEETING, EventType.AGGREGATE]),
            date_start=start,
            date_end=end,
            date_precision=rng.choice(list(Precision)),
        )
        chosen = rng.sample(actors, rng.choice([0, 1, 1, 2, 3]))
        for actor in chosen:
            Participation.objects.create(event=event, actor=actor, role=Role.PARTICIPANT)
        involved[event.pk] = {actor.slug for actor in chosen}
    return involved


def day_range(value: str) -> tuple[dt.date, dt.date]:
    days = PartialDateField(param="from").clean(value)
    assert days is not None
    return days


def plain(params: dict, involved: dict[int, set[str]], drafts: bool) -> list[int]:
    """The ids a filter lists, chosen in Python from every event, in the list's order."""
    firsts, lasts = [], []
    if "year" in params:
        firsts.append(D(params["year"], 1, 1))
        lasts.append(D(params["year"], 12, 31))
    if "from" in params:
        firsts.append(day_range(params["from"])[0])
    if "to" in params:
        lasts.append(day_range(params["to"])[1])
    ids = []
    for event in Event.objects.all():
        if not drafts and event.status != Status.PUBLISHED:
            continue
        if "type" in params and event.type != params["type"]:
            continue
        if firsts and not (event.span_end and event.span_end >= max(firsts)):
            continue
        if lasts and not (event.span_start and event.span_start <= min(lasts)):
            continue
        if "actor" in params and params["actor"] not in involved[event.pk]:
            continue
        ids.append(event.pk)
    order = QueryDict(mutable=True)
    if "sort" in params:
        order["sort"] = params["sort"]
    ordered = EventFilter(order, queryset=Event.objects.filter(pk__in=ids).chronological()).qs
    return list(ordered.values_list("pk", flat=True))


QUERIES: list[dict[str, object]] = [
    {},
    {"sort": "-date"},
    {"year": 2015},
    {"year": 1990},
    {"from": "2019-03"},
    {"to": "1988"},
    {"from": "2000-02-29", "to": "2000-03"},
    {"type": "visit", "from": "2010-01", "to": "2012-12"},
    {"type": "aggregate", "from": "2005", "sort": "-date"},
    {"actor": "actor-0", "year": 2015},
    {"actor": "actor-1", "from": "1995", "to": "2001-06"},
    {"actor": "actor-2", "year": 2003, "type": "meeting"},
    {"actor": "actor-3"},
]


@pytest.fixture
def archive(db):
    return make_archive()


@pytest.mark.parametrize("drafts", [False, True], ids=["public", "analyst"])
@pytest.mark.parametrize(
    "params", QUERIES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all"
)
def test_every_page_lists_what_a_plain_filter_lists_in_order(
    client, analyst, archive, params, drafts
):
    if drafts:
        client.force_login(analyst)
    expected = plain(params, archive, drafts)
    paged, number = [], 1
    while True:
        response = client.get(URL, {**params, "page": number, "page_size": 7})
        if response.status_code == 404 and number > 1:
            break
        assert response.status_code == 200, response.content
        body = response.json()
        paged += [row["id"] for row in body["results"]]
        assert body["count"] == len(expected)
        if not body["next"]:
            break
        number += 1
    assert paged == expected


@pytest.mark.parametrize(
    "params", QUERIES[:10], ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all"
)
def test_a_window_of_the_filtered_list_is_that_slice_of_the_plain_filter(archive, params):
    expected = plain(params, archive, drafts=False)
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = str(value)
    events = EventFilter(
        query, queryset=Event.objects.published().with_evidence().chronological()
    ).qs
    for start, stop in [(0, 5), (1, 9), (10, 17), (len(expected) - 3, len(expected) + 2)]:
        start = max(start, 0)
        assert [event.pk for event in events.rows(start, stop)] == expected[start:stop]


ONE_PAGE = {"actor": "actor-1", "to": "2015"}


@pytest.mark.parametrize("params", [{}, {"from": "2000"}, ONE_PAGE])
def test_the_timeline_pages_follow_the_plain_order(client, archive, params):
    expected = plain(params, archive, drafts=False)
    assert len(expected) > (PAGE_SIZE if params != ONE_PAGE else 0)
    shown, page = [], 1
    while len(shown) < len(expected):
        response = client.get("/", {**params, "page": page})
        assert response.status_code == 200
        assert response.context["events"]
        shown += [event.pk for event in response.context["events"]]
        page += 1
    assert shown == expected


@pytest.mark.parametrize("rows", [20, 60])
def test_a_deep_page_runs_the_queries_of_the_first(client, django_assert_num_queries, rows):
    for i in range(rows):
        EventFactory.create(
            title=f"Event {i % 3}", status=Status.PUBLISHED, date_start=D(2000 + i % 9, 1, 1)
        )
    with django_assert_num_queries(5) as first:
        client.get(URL, {"page_size": 5})
    cache.clear()  # the count and the first page's ids are cached until the next write
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(URL, {"page_size": 5, "page": 3}).status_code == 200


@pytest.mark.parametrize("params", [{"year": 2015}, {"actor": "actor-0", "from": "1990"}])
def test_a_dated_count_is_exact_up_to_the_cap_then_capped(client, archive, monkeypatch, params):
    expected = plain(params, archive, drafts=False)
    assert len(expected) > 3
    monkeypatch.setattr(pagination, "COUNT_CAP", len(expected))
    body = client.get(URL, params).json()
    assert (body["count"], body["count_exact"]) == (len(expected), True)
    monkeypatch.setattr(pagination, "COUNT_CAP", len(expected) - 1)
    body = client.get(URL, params).json()
    assert (body["count"], body["count_exact"]) == (len(expected) - 1, False)


@pytest.mark.parametrize(
    "params", QUERIES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all"
)
def test_an_export_lists_what_a_plain_filter_lists_in_order(client, archive, params):
    """The exports read a window's events through ``within_window`` (PostgreSQL)."""
    expected = plain(params, archive, drafts=False)
    response = client.get(URL, {**params, "format": "csv"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()[1:]
    assert [int(line.split(",", 1)[0]) for line in lines] == expected


@pytest.mark.parametrize("params", [p for p in QUERIES if {"year", "from", "to"} & set(p)])
def test_within_window_keeps_the_same_events(archive, params):
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = str(value)
    queryset = EventFilter(query, queryset=Event.objects.all()).qs
    assert set(queryset.within_window().values_list("pk", flat=True)) == set(
        queryset.values_list("pk", flat=True)
    )
