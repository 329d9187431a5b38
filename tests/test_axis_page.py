"""The time axis on the timeline and actor pages: what is drawn, its links, its queries."""

import datetime as dt
import itertools
import re

import pytest
from django.urls import reverse

from events import axis
from events.models import Actor, Event, EventType, Participation, Status
from lib.dates import Precision, interval
from tests.factories import ActorFactory, EventFactory

pytestmark = pytest.mark.django_db


def bulk_events(n: int, start=dt.date(2021, 1, 1), every: int = 1, **fields) -> list[Event]:
    """``n`` published day-precision events, one every ``every`` days from ``start`` (bulk,
    spans filled)."""
    events = []
    for i in range(n):
        day = start + dt.timedelta(days=(i * every) % 300_000)
        span = interval(day, None, Precision.DAY)
        events.append(
            Event(
                title=f"Bulk {i}",
                type=EventType.VISIT if i % 2 else EventType.MEETING,
                status=Status.PUBLISHED,
                date_start=day,
                span_start=span[0],
                span_end=span[1],
                **fields,
            )
        )
    return Event.objects.bulk_create(events)


def svg(body: str) -> str:
    return body[body.index('<svg class="axis-svg"') : body.index("</svg>")]


@pytest.mark.parametrize("rows", [1, 30, axis.MAX_MARKS + 50])
def test_timeline_axis_runs_the_same_queries_however_many_events(
    client, django_assert_num_queries, rows
):
    bulk_events(rows)
    # source list, the type and year tallies (type facet, density strip), events,
    # participations, citations, top actors; the axis: extent and marks (or counts per
    # period; from the tallies over decades); the data generation token (the counts and
    # axis are cached until the next write: events.counts); the density strip's months
    # (these events all lie in 2021: the tallies know years, not months)
    with django_assert_num_queries(10):
        response = client.get(reverse("timeline"))
    assert '<svg class="axis-svg"' in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30, axis.MAX_MARKS + 50])
def test_actor_lanes_run_the_same_queries_however_many_events(
    client, django_assert_num_queries, rows
):
    actor = ActorFactory(name="Russia")
    events = bulk_events(rows)
    Participation.objects.bulk_create(Participation(event=e, actor=actor) for e in events)
    # (+ the data generation token, events.counts; + the density strip's months, as above)
    with django_assert_num_queries(12 if rows > axis.MAX_MARKS else 11):
        response = client.get(reverse("timeline"), {"lanes": "actor"})
    assert ">Russia</text>" in svg(response.content.decode())


def test_each_event_is_a_mark_linking_to_it_with_a_text_alternative(client):
    day = EventFactory(published=True, title="Talks in Moscow", date_start=dt.date(2021, 6, 22))
    month = EventFactory(
        published=True,
        title="Deliveries",
        date_start=dt.date(2021, 6, 1),
        date_precision=Precision.MONTH,
    )
    body = svg(client.get(reverse("timeline"), {"from": "2021", "to": "2021"}).content.decode())
    for event in (day, month):
        assert f'href="/events/{event.pk}/"' in body
    assert "<title>22 June 2021: Talks in Moscow (visit)</title>" in body
    assert "<title>June 2021: Deliveries (visit; known to the month)</title>" in body


def mark_width(body: str, pk: int) -> float:
    found = re.search(rf'href="/events/{pk}/"[^>]*>.*?<rect [^>]*width="([0-9.]+)"', body)
    assert found is not None, f"no mark of event {pk}"
    return float(found.group(1))


def test_a_month_precision_event_is_drawn_wider_than_a_day(client):
    day = EventFactory(published=True, date_start=dt.date(2021, 6, 22))
    month = EventFactory(
        published=True, date_start=dt.date(2021, 6, 1), date_precision=Precision.MONTH
    )
    body = svg(client.get(reverse("timeline"), {"year": "2021"}).content.decode())
    assert mark_width(body, month.pk) > 5 * mark_width(body, day.pk)


def test_zoom_links_keep_the_filters_and_replace_the_dates(client):
    EventFactory(published=True, date_start=dt.date(2021, 6, 22))
    EventFactory(published=True, date_start=dt.date(2016, 3, 1), type=EventType.MEETING)
    body = client.get(reverse("timeline"), {"type": "visit", "year": "2021"}).content.decode()
    assert 'href="/?type=visit&amp;from=2021-06&amp;to=2021-06"' in body  # the June tick
    assert 'hx-get="/?type=visit&amp;from=2021-06&amp;to=2021-06"' in body
    zoomed = client.get("/?type=visit&from=2021-06&to=2021-06").content.decode()
    assert "22 Jun" in svg(zoomed)


def test_one_event_in_year_9999_draws_a_bounded_picture(client):
    EventFactory(published=True, date_start=dt.date(2021, 6, 22))
    EventFactory(published=True, title="Far future", date_start=dt.date(9999, 12, 31))
    EventFactory(
        published=True, title="Year one", date_start=dt.date(1, 1, 1), date_precision=Precision.YEAR
    )
    response = client.get(reverse("timeline"))
    assert response.status_code == 200
    body = svg(response.content.decode())
    assert body.count("<text") < 40
    assert len(body) < 40_000
    assert "Far future" in body
    assert "Year one" in body


@pytest.mark.parametrize("every", [1, 4, 60])  # counted per day, per month, per year
def test_too_many_events_become_counts_per_period(client, every):
    bulk_events(axis.MAX_MARKS + 50, start=dt.date(1900, 1, 1), every=every)
    body = svg(client.get(reverse("timeline")).content.decode())
    assert 'class="mark' not in body
    count = r'class="cluster".*?text-anchor="middle"(?: class="long")?>(\d+)<'
    counts = [int(n) for n in re.findall(count, body)]
    assert sum(counts) == axis.MAX_MARKS + 50


def test_counts_of_neighbouring_periods_are_drawn_apart_and_fit_their_pills(client):
    """At a million events every cell of a lane holds a count: side by side they read as one
    number ("928153164") unless each pill stands apart, and three digits are set smaller."""
    bulk_events(axis.MAX_MARKS * 3, start=dt.date(1950, 1, 1), every=9)
    body = svg(client.get(reverse("timeline")).content.decode())
    pills = re.findall(
        r'class="cluster".*?<rect x="([\d.]+)" y="(\d+)" width="([\d.]+)".*?<text[^>]*?'
        r'(class="long")?>(\w+)<',
        body,
    )
    assert len(pills) > 10
    for *_, long, text in pills:
        assert bool(long) == (len(text) > 2), text
    # In document order, a lane's pills of one row run left to right (each lane starts again).
    boxes = [(y, float(x), float(x) + float(width)) for x, y, width, _, _ in pills]
    neighbours = [(a, b) for a, b in itertools.pairwise(boxes) if a[0] == b[0] and b[1] > a[1]]
    assert len(neighbours) > 10
    assert all(b[1] - a[2] >= 2 for a, b in neighbours)


def test_the_axis_follows_an_htmx_request_and_works_without_one(client):
    EventFactory(published=True, date_start=dt.date(2021, 6, 22))
    fragment = client.get("/?from=2021&to=2021", headers={"HX-Request": "true"})
    assert '<svg class="axis-svg"' in fragment.content.decode()
    assert fragment["HX-Push-Url"] == "/?from=2021&to=2021"


def test_drafts_are_not_drawn_for_readers(client):
    EventFactory(title="Secret draft", status=Status.DRAFT, date_start=dt.date(2021, 6, 22))
    EventFactory(published=True, title="Public", date_start=dt.date(2021, 6, 23))
    body = client.get(reverse("timeline")).content.decode()
    assert "Secret draft" not in body
    assert "Public" in svg(body)


def test_a_crowded_single_day_links_to_its_list_not_to_itself(client):
    """At one day no zoom spreads the marks out: the count leads to the events listed below."""
    for n in range(axis.MAX_ROWS + 3):
        EventFactory(published=True, title=f"Same day {n}", date_start=dt.date(2021, 6, 22))
    body = client.get(reverse("timeline"), {"from": "2021-06-22", "to": "2021-06-22"})
    svg_body = svg(body.content.decode())
    assert 'class="cluster"' in svg_body
    assert "listed below" in svg_body
    assert "#results" in svg_body


@pytest.mark.parametrize("lanes", ["", "actor"])
def test_a_window_without_events_keeps_its_axis_and_the_way_on(client, lanes):
    bulk_events(3, start=dt.date(2021, 12, 1))

    body = client.get("/", {"from": "2022-01", "to": "2022-03", "lanes": lanes}).content.decode()

    assert "0 events" in body
    assert "0 dated events," in body
    assert "No dated event in this window" in body
    for control in ("← Earlier", "Later →", ">All dates</a>", 'title="Zoom out"'):
        assert control in body
    earlier = re.search(r'href="/\?([^"]*)"[^>]*>← Earlier', body)
    assert earlier is not None
    assert "from=2021-12&amp;to=2022-02" in earlier.group(1)  # half a window back: the events
    assert 'class="mark' not in svg(body)


def test_no_axis_without_a_window_when_nothing_is_dated(client):
    EventFactory(status="published", date_start=None, date_text="")

    body = client.get("/").content.decode()

    assert 'class="axis"' not in body


# --- The default window on where the events are, and calendar cells ---------------------


def tatmadaw() -> tuple[Actor, Event, list[Event]]:
    """An actor with one event "since the 1950s" (c. 1950–2021) and twelve of 2010–2021."""
    actor = ActorFactory.create(name="Tatmadaw")
    old = EventFactory.create(
        published=True,
        title="Holds power since the 1950s",
        date_start=dt.date(1950, 1, 1),
        date_end=dt.date(2021, 1, 1),
        date_precision=Precision.YEAR,
        date_approximate=True,
    )
    recent = [
        EventFactory.create(published=True, title=f"Recent {year}", date_start=dt.date(year, 3, 27))
        for year in range(2010, 2022)
    ]
    Participation.objects.bulk_create(Participation(event=e, actor=actor) for e in [old, *recent])
    return actor, old, recent


def tick_labels(body: str) -> list[str]:
    return re.findall(r'text-anchor="(?:start|end)">([^<]+)</text></a>', svg(body))


def test_an_actors_axis_spans_its_dense_years_and_names_the_earlier_event(client):
    actor, old, _recent = tatmadaw()
    url = reverse("actor-detail", args=[actor.slug])

    body = client.get(url).content.decode()

    labels = tick_labels(body)
    assert labels[0] == "2010"
    assert "2021" in labels
    assert not any(label.startswith("19") for label in labels)
    assert "12 dated events, 1 January 2010–31 December 2021" in body
    link = re.search(r'<a class="outside-earlier" href="([^"]+)"[^>]*>([^<]+)</a>', body)
    assert link is not None
    assert link.group(2) == "← 1 event begins earlier (1950): show all years"
    assert "axis=all" in link.group(1)
    # Not hidden: it reaches into the window, drawn there with an arrow, and it is listed.
    assert f'href="/events/{old.pk}/"' in svg(body)
    assert "continues beyond this view" in svg(body)
    assert "Holds power since the 1950s" in body[body.index("</svg>") :]

    widened = client.get(link.group(1).replace("&amp;", "&")).content.decode()

    assert "1950s" in tick_labels(widened)
    assert "13 dated events, 1 January 1950–31 December 2021" in widened
    assert "outside-earlier" not in widened
    back = re.search(r'<a class="outside-dense" href="([^"]+)"[^>]*>([^<]+)</a>', widened)
    assert back is not None
    assert back.group(2) == "Show only the years where most events are"
    assert "axis=all" not in back.group(1)


def test_without_a_long_gap_the_axis_spans_every_event_and_says_nothing_more(client):
    for year in range(1950, 2030, 10):
        EventFactory(published=True, date_start=dt.date(year, 6, 1))
    body = client.get(reverse("timeline")).content.decode()
    assert "1950s" in tick_labels(body)
    assert "axis-outside" not in body


def test_a_chosen_window_is_drawn_as_asked_whatever_lies_outside(client):
    _actor, _old, _recent = tatmadaw()
    body = client.get(reverse("timeline"), {"from": "1940", "to": "2021"}).content.decode()
    assert "1950s" in tick_labels(body)
    assert "axis-outside" not in body


@pytest.mark.parametrize("rows", [axis.MAX_MARKS + 50, axis.MAX_MARKS * 4])
def test_an_outlier_changes_neither_the_queries_nor_the_counts(
    client, django_assert_num_queries, rows
):
    # 2000 to 2028 or 2098: counts per year, read from the tallies (no axis query at all)
    bulk_events(rows, start=dt.date(2000, 1, 1), every=30)
    EventFactory(published=True, title="Far back", date_start=dt.date(1900, 6, 1))
    with django_assert_num_queries(7):
        response = client.get(reverse("timeline"))
    body = response.content.decode()
    assert "1 event begins earlier (1900): show all years" in body
    drawn = svg(body)
    assert "Far back" not in drawn
    counts = [int(n) for n in re.findall(r'text-anchor="middle"(?: class="long")?>(\d+)<', drawn)]
    marks = drawn.count('class="mark')
    assert sum(counts) + marks == rows  # every event of the window, none from 1950
    assert "Far back" in body  # and it is listed


def test_a_count_is_one_calendar_year_and_its_link_lists_exactly_its_events(client):
    bulk_events(axis.MAX_MARKS * 2, start=dt.date(2000, 1, 1), every=17)  # 2000 to 2027
    body = svg(client.get(reverse("timeline")).content.decode())
    pills = re.findall(
        r'<a class="cluster" href="/\?from=(\d{4})&amp;to=(\d{4})".*?text-anchor="middle"'
        r'(?: class="long")?>(\d+)<',
        body,
    )
    assert len(pills) > 20
    per_year: dict[str, int] = {}
    for first, last, n in pills:
        assert first == last  # one year, not a run of days across two
        per_year[first] = per_year.get(first, 0) + int(n)
    for year in ("2000", "2013", "2021"):
        listed = client.get(reverse("timeline"), {"from": year, "to": year}).content.decode()
        assert f'<strong class="count">{per_year[year]} events</strong>' in listed
