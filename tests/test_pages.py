import datetime as dt
import html
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from events.models import Actor, Event, Status
from events.services import cite, locate
from sources.services import import_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline(published_timeline) -> str:
    """These tests only read the curated timeline: the one loaded once per session."""
    return published_timeline


TEXT = "First paragraph about the visit.\n\nSecond paragraph: talks were held in Moscow.\n"


def make_events(n: int) -> None:
    source, _ = import_source(TEXT, title="A source", key="a-source")
    for i in range(n):
        event = Event.objects.create(
            title=f"Event {i}",
            type="visit",
            status=Status.PUBLISHED,
            date_start=dt.date(2021, 1 + i % 12, 1),
        )
        cite(event, locate(source, "talks were held in Moscow"))


@pytest.mark.parametrize("rows", [1, 5, 20])
def test_timeline_runs_the_same_queries_however_many_events(
    client, django_assert_num_queries, rows
):
    make_events(rows)
    # the whole timeline's type and year tallies (its type facet and density strip), top
    # actors (events.tally), events, participations, citations, the filter's capped source
    # list; the time axis (extent, marks); the data generation token (counts are cached
    # until the next write: events.counts); and, as these events all lie in 2021, the
    # strip's twelve months (one GROUP BY: the tallies know years, not months; a timeline
    # over several years draws years from the tallies alone, one query fewer).
    with django_assert_num_queries(10):
        response = client.get(reverse("timeline"))
    assert response.status_code == 200
    assert response.content.decode().count('class="badge"') == rows


@pytest.mark.parametrize("rows", [1, 5, 20])
def test_source_reader_runs_the_same_queries_however_many_citations(
    client, django_assert_num_queries, rows
):
    make_events(rows)
    source_pk = Event.objects.first().citations.first().passage.source_id
    # source, passages, citations per span (GROUP BY), the first citations of each span; the
    # data generation token (the last two are cached until the next write: events.counts)
    with django_assert_num_queries(5):
        response = client.get(reverse("source-detail", args=[source_pk]))
    assert response.content.decode().count("<mark") == 1
    with django_assert_num_queries(3):
        assert client.get(reverse("source-detail", args=[source_pk])).content == response.content


def test_drafts_are_hidden_from_anonymous_readers(client):
    Event.objects.create(title="Secret draft", status=Status.DRAFT)
    assert "Secret draft" not in client.get(reverse("timeline")).content.decode()
    assert client.get(reverse("event-detail", args=[Event.objects.get().pk])).status_code == 404


def test_source_text_is_escaped_in_the_reader(client):
    source, _ = import_source("<script>alert(1)</script> said the source.", title="x", key="x")
    body = client.get(reverse("source-detail", args=[source.pk])).content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_overlapping_citations_each_get_one_anchor_in_the_reader(client):
    source, _ = import_source("Talks were held in Moscow on June 22.", title="y", key="y")
    event = Event.objects.create(title="Talks", status=Status.PUBLISHED)
    wide = cite(event, locate(source, "Talks were held in Moscow"))
    narrow = cite(event, locate(source, "held in Moscow on June 22"))
    body = client.get(reverse("source-detail", args=[source.pk])).content.decode()
    assert body.count(f'id="c-{wide.pk}"') == 1
    assert body.count(f'id="c-{narrow.pk}"') == 1


# --- The timeline page: htmx, density strip, paging, downloads, disagreements -----------

HTMX = {"HX-Request": "true"}


def make_dated_events(n: int, *, year: int = 2021) -> list[Event]:
    """``n`` published events, one a day from 1 January of ``year`` (no citations)."""
    return [
        Event.objects.create(
            title=f"Day {i:03}",
            type="meeting",
            status=Status.PUBLISHED,
            date_start=dt.date(year, 1, 1) + dt.timedelta(days=i),
        )
        for i in range(n)
    ]


def test_repeating_the_filter_already_shown_pushes_no_new_history_entry(client, timeline):
    shown = "http://testserver/?actor=Tatmadaw&year=2021"
    same = client.get("/?actor=Tatmadaw&year=2021&q=", headers={**HTMX, "HX-Current-URL": shown})
    other = client.get("/?actor=Tatmadaw&year=2016", headers={**HTMX, "HX-Current-URL": shown})

    assert same["HX-Push-Url"] == "false"
    assert other["HX-Push-Url"] == "/?actor=Tatmadaw&year=2016"


def test_htmx_filter_returns_the_fragment_and_pushes_the_clean_url(client, timeline):
    query = "q=&actor=Tatmadaw&year=2021&from=&type=visit&type=meeting&sort="
    response = client.get(f"/?{query}", headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body
    assert "<form" not in body
    assert response["HX-Push-Url"] == "/?actor=Tatmadaw&type=visit&type=meeting&year=2021"
    # The chosen actors are swapped out of band, so the filter bar shows them.
    assert '<span id="chosen-actors" class="chips" hx-swap-oob="true">' in body
    assert 'name="actor" value="Tatmadaw"' in body
    # Screen readers hear the new count from a status region outside the swapped list.
    assert (
        '<p id="results-status" class="visually-hidden" role="status" hx-swap-oob="true">' in body
    )
    assert "HX-Request" in response["Vary"]


def test_without_htmx_the_same_url_renders_the_whole_page(client, timeline):
    response = client.get("/", {"actor": "Tatmadaw", "year": "2021"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert '<form id="filters"' in body
    assert '<div id="results"' in body
    assert "HX-Push-Url" not in response
    assert '<span id="chosen-actors" class="chips">' in body


def test_history_restore_request_gets_the_whole_page(client, timeline):
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    body = client.get("/", {"year": "2021"}, headers=headers).content.decode()
    assert "<html" in body


def test_density_strip_has_one_labelled_link_per_year_replacing_the_year(client, db):
    make_dated_events(3, year=2019)
    make_dated_events(1, year=2021)
    body = client.get("/", {"type": "meeting", "year": "2019"}).content.decode()
    # Only 2019 events match, so the strip shows the months of 2019.
    assert 'aria-label="2021:' not in body
    assert 'aria-label="January 2019: 3 events"' in body
    assert 'href="/?type=meeting&amp;from=2019-01&amp;to=2019-01"' in body
    # Every month of the year, the empty ones too (one bar alone read as the whole year).
    months = body[body.index('<nav class="density"') :]
    assert months[: months.index("</nav>")].count("<li>") == 12
    assert 'aria-label="December 2019: 0 events"' in body
    body = client.get("/", {"type": "meeting"}).content.decode()
    start = body.index('<nav class="density"')
    strip = body[start : body.index("</nav>", start)]
    assert strip.count("<li>") == 3  # 2019, an empty 2020, 2021
    assert 'aria-label="2020: 0 events"' in strip
    assert 'href="/?type=meeting&amp;year=2021"' in strip
    assert 'hx-get="/?type=meeting&amp;year=2021"' in strip
    assert 'hx-target="#results"' in strip
    assert 'hx-push-url="true"' in strip
    assert 'class="bar h-100"' in strip
    assert 'class="bar h-33"' in strip
    assert '<span class="yr major" aria-hidden="true">2019</span>' in strip  # a short span:
    assert '<span class="yr major" aria-hidden="true">2020</span>' in strip  # every year
    assert '<span class="yr major" aria-hidden="true">2021</span>' in strip


def strip_of(body: str) -> list[str]:
    """The density strip's bars, by their labels ("March 2021: 2 events", "2021: 3 events")."""
    start = body.index('<nav class="density"')
    return re.findall(
        r'aria-label="([^"]*: \d+ events?)"', body[start : body.index("</nav>", start)]
    )


def months_of(year: int, counts: dict[int, int]) -> list[str]:
    return [
        f"{dt.date(year, m, 1):%B} {year}: {n} event{'' if n == 1 else 's'}"
        for m in range(1, 13)
        for n in [counts.get(m, 0)]
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2021-03"},  # from alone, its matches all in 2021: was one "2021" bar
        {"to": "2021-12"},  # to alone, the same
        {"from": "2021-03", "to": "2021-11"},  # both in one year
        {"from": "2020", "to": "2022"},  # a longer window holding one year's events
        {"type": "meeting"},  # no window at all
        {},  # the whole timeline (its years from the tallies)
    ],
)
def test_the_density_strip_shows_months_when_the_matches_lie_in_one_year(client, db, query):
    """The strip's unit follows the span of what matches, whatever the filter says of it:
    the twelve months of the one year every matching event lies in, years otherwise."""
    for month, day in ((3, 2), (3, 20), (7, 1)):
        Event.objects.create(
            title=f"Talks {month}/{day}",
            type="meeting",
            status=Status.PUBLISHED,
            date_start=dt.date(2021, month, day),
        )
    body = client.get("/", query).content.decode()
    assert strip_of(body) == months_of(2021, {3: 2, 7: 1})
    assert "Events per month" in body
    assert '<h2 class="facet">Months</h2>' in body  # the counts' panel says so too
    march = re.search(r'<a href="/\?([^"]*)"[^>]*aria-label="March 2021: 2 events"', body)
    assert march
    linked = html.unescape(march.group(1))
    assert "from=2021-03&to=2021-03" in linked
    assert '<strong class="count">2 events' in client.get(f"/?{linked}").content.decode()
    # One event beyond the year: years again, for every one of these filters.
    Event.objects.create(
        title="Later talks", type="meeting", status=Status.PUBLISHED, date_start=dt.date(2022, 2, 1)
    )
    wide = dict(query, to="2022") if "to" in query else query
    body = client.get("/", wide).content.decode()
    assert strip_of(body) == ["2021: 3 events", "2022: 1 event"]
    assert '<h2 class="facet">Years</h2>' in body
    assert "Events per year" in body


def test_a_long_density_strip_labels_round_years_fewer_on_a_phone(client, timeline):
    body = client.get("/").content.decode()  # the curated timeline spans 1947 to 2021
    labels = dict(
        (int(year), kind)
        for kind, year in re.findall(r'<span class="yr ?(\w*)" aria-hidden="true">(\d*)<', body)
        if year
    )
    assert labels == {
        1947: "major",
        1950: "minor",
        1955: "minor",
        1960: "major",
        1965: "minor",
        1970: "major",
        1975: "minor",
        1980: "major",
        1985: "minor",
        1990: "major",
        1995: "minor",
        2000: "major",
        2005: "minor",
        2010: "major",
        2015: "minor",
        2021: "major",
    }


def test_a_round_year_near_the_last_is_not_printed_over_it_on_a_phone():
    """1950–2026 (a million events): "2020" six bars before "2026" would print over it on a
    390 px screen, so it is a wide screen's label; the decades further in stay on phones."""
    from events.views.timeline import _year_label

    major = [y for y in range(1950, 2027) if _year_label(y, 1950, 2026) == "major"]
    assert major == [1950, 1960, 1970, 1980, 1990, 2000, 2010, 2026]
    assert _year_label(2020, 1950, 2026) == "minor"
    assert _year_label(2020, 2010, 2026) == "major"  # a short span prints every decade


def test_density_bar_count_is_what_its_year_filter_shows(client, timeline):
    import re

    body = client.get("/").content.decode()
    for year, n in re.findall(r'aria-label="(\d{4}): (\d+) events?"', body):
        shown = client.get("/", {"year": year}).content.decode()
        assert f'<strong class="count">{n} event' in shown, year


def test_long_lists_show_fifty_events_and_a_load_more_link(client, db):
    make_dated_events(120)
    body = client.get("/", {"type": "meeting"}).content.decode()
    assert body.count('class="badge"') == 50
    assert "showing 1–50" in body
    assert 'href="/?type=meeting&amp;page=2"' in body
    assert 'id="load-more"' in body
    assert '<strong class="count">120 events</strong>' in body


def test_load_more_through_htmx_appends_the_next_events_only(client, db):
    make_dated_events(120)
    response = client.get(
        "/", {"type": "meeting", "page": "2"}, headers={**HTMX, "HX-Trigger": "load-more"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="results"' not in body
    assert "<html" not in body
    assert "HX-Push-Url" not in response
    assert body.count('class="badge"') == 50
    assert "Day 050" in body
    assert "Day 049" not in body
    assert "Day 100" not in body
    # Appended under the previous page, it goes on in the year (and month) that page ended
    # in without heading them again (a reviewer read "2021 (continued)" mid-list as a break).
    assert "(continued)" not in body
    assert 'class="year continued"' in body
    assert 'href="/?type=meeting&amp;page=3"' in body
    # As a whole page (no JavaScript) it says where it starts.
    assert "(continued)" in client.get("/", {"type": "meeting", "page": "2"}).content.decode()


def test_next_page_without_javascript_is_a_whole_page_with_the_filters(client, db):
    make_dated_events(120)
    body = client.get("/", {"type": "meeting", "page": "3"}).content.decode()
    assert "<html" in body
    assert body.count('class="badge"') == 20
    assert "showing 101–120" in body
    assert 'id="load-more"' not in body
    assert 'href="/?type=meeting&amp;page=2"' in body  # back one page
    assert 'value="meeting" checked' in body


@pytest.mark.parametrize("page", ["abc", "0", "-1", "9", "²", "99999999999999999999"])
def test_a_bad_page_is_a_clear_message_and_a_400_for_htmx(client, db, page):
    make_dated_events(3)
    response = client.get("/", {"page": page})
    assert response.status_code == 200
    assert "page: " in response.content.decode()
    assert client.get("/", {"page": page}, headers=HTMX).status_code == 400


@pytest.mark.parametrize("rows", [1, 20, 120])
def test_paged_timeline_runs_the_same_queries_however_many_events(
    client, django_assert_num_queries, rows
):
    make_dated_events(rows)
    # the source list, the type and year tallies, top actors, events, participations,
    # citations; the time axis (extent, marks); the data generation token (events.counts);
    # the density strip's months (these events are all 2021's; the tallies know years only)
    with django_assert_num_queries(10):
        client.get("/", {"page": "1"})
    if rows > 50:
        # The same filter, no write since: its counts and axis come from the cache.
        with django_assert_num_queries(5):
            client.get("/", {"page": "2"})


def test_downloads_link_the_api_exports_of_the_current_filter(client, timeline):
    body = client.get("/", {"actor": "Tatmadaw", "year": "2021", "q": ""}).content.decode()
    for fmt in ("csv", "json", "ics", "timelinejs"):
        assert f'href="/api/events/?actor=Tatmadaw&amp;year=2021&amp;format={fmt}"' in body
    api = client.get("/api/events/", {"actor": "Tatmadaw", "year": "2021", "format": "csv"})
    assert api.status_code == 200


@pytest.mark.parametrize("view", ["lanes=actor", "lanes=type&sort=-date"])
def test_every_link_from_the_timeline_to_the_api_is_taken_whatever_the_view(client, timeline, view):
    # The page's own parameters ("lanes") went into the downloads, which the API refuses.
    body = client.get(f"/?year=2021&{view}").content.decode()
    links = set(re.findall(r'href="(/api/events/\?[^"]*)"', body))
    assert len(links) == 4
    for link in links:
        assert "lanes" not in link
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, (link, response.content[:200])


def test_top_actor_facets_count_matching_events_and_add_the_actor(client, timeline):
    body = client.get("/", {"actor": "min-aung-hlaing"}).content.decode()
    facets = body[body.index('class="facet-actors"') :]
    facets = facets[: facets.index("</ul>")]
    assert "Min Aung Hlaing" not in facets  # already chosen
    russia = Actor.objects.get(name="Russia")
    both = Event.objects.published().filter(participations__actor=russia)
    both = both.filter(participations__actor__slug="min-aung-hlaing").distinct().count()
    assert 'href="/?actor=min-aung-hlaing&amp;actor=russia"' in facets
    assert f">Russia</a>: {both}<" in facets


def test_no_match_is_a_clear_empty_state_with_the_count(client, timeline):
    body = client.get("/", {"q": "zzzzunfindable"}).content.decode()
    assert '<strong class="count">0 events</strong>' in body
    assert "No events match these filters" in body


def test_sources_disagreeing_on_the_date_are_shown_with_each_wording(client, timeline):
    army_day = Event.objects.get(title__startswith="76th Armed Forces Day")
    body = client.get(reverse("event-detail", args=[army_day.pk])).content.decode()
    assert "Sources disagree</strong> on the date" in body
    assert 'dates it <q class="date-text">March 26</q>' in body
    assert 'dates it <q class="date-text">March 27</q>' in body
    # Each wording names its source.
    assert (
        "Why does Russia support Myanmar&#x27;s military government?</a></cite>: dates it" in body
    )


def test_the_june_2021_visit_that_began_june_20_contains_june_22_24(client, timeline):
    """The chronology's "June 20: … embarks on a week-long visit to Russia" is the first day
    of the visit whose Moscow days another source gives as "June 22-24": no disagreement on
    the date. The curated summary still records the one on what the visit followed."""
    body = client.get("/", {"actor": "min-aung-hlaing", "from": "2021-06", "to": "2021-06"})
    body = body.content.decode()
    visit = body[body.index(">Min Aung Hlaing visits Moscow<") :]
    visit = visit[: visit.index("</article>")]
    assert "on the date" not in visit
    assert "Sources disagree</strong>, as the summary records" in visit
    assert "which contains those days" in visit
    event = Event.objects.get(title="Min Aung Hlaing visits Moscow")
    page = client.get(reverse("event-detail", args=[event.pk])).content.decode()
    assert "do not overlap" not in page
    assert "Sources disagree</strong>, as the summary records" in page


def test_consistent_dates_are_no_disagreement(client, timeline):
    coup = Event.objects.get(title="Myanmar military coup")  # "February 1", "February", …
    body = client.get(reverse("event-detail", args=[coup.pk])).content.decode()
    assert "Sources disagree" not in body


def test_disagreement_rule_needs_two_sources_with_disjoint_dates(client, db):
    one, _ = import_source("Talks began on March 26 in Moscow.\n", title="One", key="one")
    two, _ = import_source("Talks began on March 27 in Moscow.\n", title="Two", key="two")
    for source in (one, two):
        source.reference_date = dt.date(2021, 6, 1)
        source.save()
    disputed = Event.objects.create(title="Disputed", status=Status.PUBLISHED)
    cite(disputed, locate(one, "Talks began on March 26"), date_text="March 26")
    cite(disputed, locate(two, "Talks began on March 27"), date_text="March 27")
    agreed = Event.objects.create(title="Agreed", status=Status.PUBLISHED)
    cite(agreed, locate(one, "Talks began on March 26"), date_text="March 26")
    cite(agreed, locate(two, "Talks began"), date_text="in March")
    body = client.get("/").content.decode()
    disputed_entry = body[body.index(f'id="e-{disputed.pk}"') :]
    agreed_entry = body[body.index(f'id="e-{agreed.pk}"') :]
    assert "sources disagree" in disputed_entry[: disputed_entry.index("</article>")]
    assert "sources disagree" not in agreed_entry[: agreed_entry.index("</article>")]


def test_timeline_groups_by_year_then_month_with_year_only_events_apart(client, db):
    from lib.dates import Precision

    Event.objects.create(
        title="Sometime in 2020",
        status=Status.PUBLISHED,
        date_start=dt.date(2020, 1, 1),
        date_precision=Precision.YEAR,
    )
    Event.objects.create(title="March", status=Status.PUBLISHED, date_start=dt.date(2020, 3, 5))
    Event.objects.create(title="Undated", status=Status.PUBLISHED)
    body = client.get("/").content.decode()
    assert '<h2 class="year" id="y-2020-1"><time datetime="2020">2020</time></h2>' in body
    assert body.index("Month not given") < body.index(">Sometime in 2020<")
    assert '<h3 class="month"><time datetime="2020-03">March 2020</time></h3>' in body
    assert (
        body.index(">Sometime in 2020<") < body.index("March 2020</time>") < body.index(">March<")
    )
    assert body.index(">March<") < body.index(">Undated</h2>") < body.index(">Undated</a>")
    assert '<time class="date" datetime="2020-03-05">5 March 2020</time>' in body
    assert '<time class="date" datetime="2020">2020</time>' in body
    newest = client.get("/", {"sort": "-date"}).content.decode()
    assert newest.index(">March<") < newest.index("Month not given")


@pytest.mark.parametrize("rows", [1, 5, 20])
def test_event_page_runs_the_same_queries_however_many_citations(
    client, django_assert_num_queries, rows
):
    event = Event.objects.create(title="Talks", status=Status.PUBLISHED)
    for i in range(rows):  # a span is cited once per event: one source each
        source, _ = import_source(f"{TEXT}\n{i}", title=f"A source {i}", key=f"a-source-{i}")
        cite(event, locate(source, "talks were held in Moscow"), date_text="in Moscow")
    # event, participations, citations with passages and sources
    with django_assert_num_queries(3):
        response = client.get(reverse("event-detail", args=[event.pk]))
    assert response.content.decode().count('class="citation"') == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_source_list_links_each_source_to_its_events_in_four_queries(
    client, django_assert_num_queries, rows
):
    for i in range(rows):
        import_source(f"Source text {i}.\n", title=f"Source {i}", key=f"source-{i}")
    make_events(1)
    # the count, the page's sources by key, the data generation, those sources with their
    # citation counts (cached until the next write: a reload reads them from the cache)
    with django_assert_num_queries(4):
        body = client.get(reverse("source-list")).content.decode()
    assert body.count("<h2 class=") == rows + 1
    with django_assert_num_queries(3):
        assert client.get(reverse("source-list")).content.decode() == body
    assert 'href="/?source=a-source">its events on the timeline</a>' in body


def test_source_list_counts_are_those_of_the_last_write(client):
    """The page's counts are cached until the next write: a new citation, or a published event
    set back to draft, shows at once."""
    make_events(1)
    assert "1 citation ·" in client.get(reverse("source-list")).content.decode()
    make_events(1)
    assert "2 citations ·" in client.get(reverse("source-list")).content.decode()
    Event.objects.filter(title="Event 0").update(status=Status.DRAFT)
    assert "0 citations" in client.get(reverse("source-list")).content.decode()


def test_density_strip_stays_short_when_an_event_is_dated_9999(client, db):
    make_dated_events(2, year=2019)
    Event.objects.create(
        title="Far future", status=Status.PUBLISHED, date_start=dt.date(9999, 1, 1)
    )
    body = client.get("/").content.decode()
    start = body.index('<nav class="density"')
    strip = body[start : body.index("</nav>", start)]
    assert strip.count("<li>") <= 120
    assert "an event lasting several years counts once in each" in body


@pytest.mark.parametrize("path", ["/", "/actors/", "/sources/", "/embed/", "/healthz"])
def test_pages_answer_head_like_get(client, path):
    """Monitors, load balancers and link checkers ask with HEAD."""
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""


def test_large_counts_are_written_with_thousands_separators(client):
    Event.objects.bulk_create(
        Event(
            title=f"Event {i}",
            status=Status.PUBLISHED,
            date_start=dt.date(2020, 1, 1),
            span_start=dt.date(2020, 1, 1),  # save() sets the interval; bulk_create does not
            span_end=dt.date(2020, 1, 1),
        )
        for i in range(1234)
    )
    body = client.get(reverse("timeline")).content.decode()
    assert "1,234 events" in body
    assert "1,234 dated events" in body  # the time axis's caption
    assert "showing 1–50" in body
    page = client.get(reverse("timeline"), {"page": 99}).content.decode()
    assert "there are only 25 pages of 1,234 events" in page


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/events/987654/", "No event has the id 987654."),
        ("/sources/987654/", "No source has the id 987654."),
    ],
)
def test_a_missing_event_or_source_says_so_in_plain_words(client, db, path, message):
    response = client.get(path)
    assert response.status_code == 404
    assert message in response.content.decode()


def chips(body: str) -> dict[str, str]:
    """The filter bar's chosen actors: each chip's name -> the query its remove link keeps."""
    return {
        html.unescape(name): html.unescape(query)
        for query, name in re.findall(
            r'<a href="/\??([^"]*)" hx-get="[^"]*"[^>]*aria-label="Remove actor ([^"]*)"', body
        )
    }


def test_an_actor_named_several_ways_is_one_chip_that_removes_them_all(client, timeline):
    """The filter counts an actor once however it is named (slug, name, alias, twice): the
    filter bar shows one chip for it, and removing it drops every name of it."""
    names = ["tatmadaw", "Tatmadaw", "Myanmar military", "sergei-shoigu", "Tatmadaw"]
    body = client.get("/", {"actor": names}).content.decode()
    # Each chip is labelled with the actor's name (its remove link's aria-label too).
    assert chips(body) == {
        "Tatmadaw": "actor=sergei-shoigu",
        "Sergei Shoigu": "actor=tatmadaw&actor=Tatmadaw&actor=Myanmar+military&actor=Tatmadaw",
    }
    # Names not all known (the form names each unknown one): one chip per exact text, a
    # known one still called by its name.
    names = ["Nobody Here", "nobody here", "Nobody Here", "tatmadaw"]
    body = client.get("/", {"actor": names}).content.decode()
    assert chips(body) == {
        "Nobody Here": "actor=nobody+here&actor=tatmadaw",
        "nobody here": "actor=Nobody+Here&actor=Nobody+Here&actor=tatmadaw",
        "Tatmadaw": "actor=Nobody+Here&actor=nobody+here&actor=Nobody+Here",
    }
    assert "no actor or title is named “Nobody Here” or “nobody here”" in html.unescape(body)


def test_the_site_has_an_icon_that_favicon_ico_leads_to(client):
    page = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert icon
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == icon.group(1)
    found = finders.find("favicon.svg")
    assert found
    with open(found, encoding="utf-8") as file:
        assert file.read().startswith("<svg xmlns=")


def test_a_form_without_its_csrf_token_gets_the_sites_page_saying_what_to_do(analyst):
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)

    response = client.post("/sources/new/", {"text": "A line."})

    assert response.status_code == 403
    body = response.content.decode()
    assert "Copy anything you typed, reload the page and send the form again." in body
    assert '<link rel="icon"' in body


def test_the_admin_has_the_sites_icon(admin_client):
    body = admin_client.get("/admin/").content.decode()

    assert re.search(r'<link rel="icon" href="[^"]*favicon[^"]*\.svg" type="image/svg\+xml">', body)


def test_opening_a_forms_target_is_a_page_saying_so(client, analyst):
    actor = Actor.objects.create(name="Sergei Shoigu", kind="person")
    client.force_login(analyst)

    response = client.get(f"/actors/{actor.slug}/positions/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    body = html.unescape(response.content.decode())
    assert "This address takes only POST: it is the target of a form's button" in body
    assert '<link rel="icon"' in body


def test_a_405_from_the_api_stays_json(client, analyst):
    client.force_login(analyst)

    response = client.delete("/api/events/")

    assert response.status_code == 405
    assert response.json()["detail"]
