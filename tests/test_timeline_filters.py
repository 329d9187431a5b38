import datetime as dt
import html

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode

from events.filters import EventFilter
from events.models import Actor, Event, Participation, Status
from events.services import cite, locate
from sources.models import Source
from sources.services import import_source
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline(published_timeline) -> str:
    """These tests only read the curated timeline: the one loaded once per session."""
    return published_timeline


URL = reverse("timeline")


@pytest.fixture
def curated(db) -> None:
    call_command("load_timeline", verbosity=0)


def titles(data: dict | str) -> list[str]:
    """Titles of the events the filter selects (a dict or a query string), in its order."""
    if isinstance(data, dict):
        data = urlencode(data, doseq=True)
    filterset = EventFilter(QueryDict(data), queryset=Event.objects.published().chronological())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs.values_list("title", flat=True))


def errors(query: str) -> dict:
    filterset = EventFilter(QueryDict(query), queryset=Event.objects.all())
    assert not filterset.is_valid()
    return filterset.errors


def test_filter_by_alias_finds_the_same_events_as_by_slug(curated):
    by_alias = titles({"actor": "Tatmado"})
    assert by_alias
    assert by_alias == titles({"actor": "tatmadaw"}) == titles({"actor": "TATMADAW"})


def test_repeated_actor_finds_events_involving_all_of_them(curated):
    both = titles("actor=min-aung-hlaing&actor=sergei-shoigu")
    mah, shoigu = Actor.objects.get(slug="min-aung-hlaing"), Actor.objects.get(slug="sergei-shoigu")
    expected = set(
        Event.objects.published()
        .filter(participations__actor=mah)
        .filter(participations__actor=shoigu)
        .values_list("title", flat=True)
    )
    assert set(both) == expected
    assert len(both) == len(set(both)) >= 3
    assert len(both) < len(titles({"actor": "min-aung-hlaing"}))


def test_an_actor_with_several_roles_in_one_event_is_listed_once(curated):
    found = titles({"actor": "russia"})
    assert len(found) == len(set(found))


def test_repeated_type_finds_events_of_any_of_them(curated):
    visits, parades = titles({"type": "visit"}), titles({"type": "parade"})
    both = titles("type=visit&type=parade")
    assert set(both) == set(visits) | set(parades)
    assert len(both) == len(visits) + len(parades)


def test_year_selects_events_whose_interval_overlaps_it(curated):
    in_2016 = titles({"year": "2016"})
    assert "Min Aung Hlaing visits Russia (2016)" in in_2016
    # The SIPRI total (1999–2018) overlaps 2016, though it starts earlier.
    assert any(
        title.startswith("Myanmar's arms purchases from Russia, 1999-2018") for title in in_2016
    )
    assert not any("coup" in title for title in in_2016)


def test_from_and_to_overlap_at_month_precision(db):
    def event(title, start, precision="day", end=None):
        Event.objects.create(
            title=title,
            status=Status.PUBLISHED,
            date_start=start,
            date_end=end,
            date_precision=precision,
        )

    event("May 31", dt.date(2021, 5, 31))
    event("June as a month", dt.date(2021, 6, 1), "month")
    event("June 30", dt.date(2021, 6, 30))
    event("July 1", dt.date(2021, 7, 1))
    event("The year 2021", dt.date(2021, 1, 1), "year")
    event("May to July", dt.date(2021, 5, 20), end=dt.date(2021, 7, 2))

    june = {"June as a month", "June 30", "The year 2021", "May to July"}
    assert set(titles({"from": "2021-06", "to": "2021-06"})) == june
    assert set(titles({"from": "2021-06-30"})) == june | {"July 1"}
    assert set(titles({"to": "2021-05"})) == {"May 31", "The year 2021", "May to July"}
    assert set(titles({"from": "2021-07-02"})) == {"The year 2021", "May to July"}


def test_source_filter_accepts_a_key_or_an_id(curated):
    key = "pacnet-russia-myanmar-defence"
    source = Source.objects.get(key=key)
    by_key, by_id = titles({"source": key}), titles({"source": str(source.pk)})
    assert by_key == by_id
    assert by_key
    assert all(
        Event.objects.get(title=t).citations.filter(passage__source=source).exists() for t in by_key
    )
    assert len(by_key) == len(set(by_key))


def test_text_search_finds_a_word_only_in_a_citation_quote(db):
    source, _ = import_source(
        "The delegation inspected the frigate Gremyashiy at the jetty.\n", title="s", key="s"
    )
    event = Event.objects.create(
        title="Naval visit",
        summary="A visit.",
        status=Status.PUBLISHED,
        date_start=dt.date(2021, 1, 1),
    )
    cite(event, locate(source, "inspected the frigate Gremyashiy"))
    Event.objects.create(title="Other", status=Status.PUBLISHED, date_start=dt.date(2021, 1, 2))
    assert titles({"q": "frigate"}) == ["Naval visit"]
    assert titles({"q": "visit"}) == ["Naval visit"]
    assert titles({"q": "submarine"}) == []


def test_sort_newest_first_reverses_the_order(curated):
    oldest_first = titles({})
    newest_first = titles({"sort": "-date"})
    assert sorted(oldest_first) == sorted(newest_first)
    assert newest_first[0] != oldest_first[0]
    dates = list(
        EventFilter({"sort": "-date"}, queryset=Event.objects.published()).qs.values_list(
            "date_start", flat=True
        )
    )
    assert dates == sorted(dates, reverse=True)


def test_newest_first_puts_a_years_events_without_a_month_after_its_january(client, db):
    """Of events starting the same day, newest first lists the finer date first (the day,
    its month, its year), as the page groups them: the year's "month not given" last, in
    the API's order too, so a page break cannot split them differently."""
    jan1 = dt.date(2023, 1, 1)
    for title, precision in (("Kyat year", "year"), ("Kyat month", "month"), ("Kyat day", "day")):
        EventFactory(published=True, title=title, date_start=jan1, date_precision=precision)
    EventFactory(published=True, title="Kyat later", date_start=dt.date(2023, 3, 5))
    order = ["Kyat later", "Kyat day", "Kyat month", "Kyat year"]
    assert titles({"sort": "-date"}) == order
    api = client.get("/api/events/", {"sort": "-date"}).json()["results"]
    assert [e["title"] for e in api] == order
    page = client.get("/", {"sort": "-date"}).content.decode()
    listed = page[page.index('<section class="year"') :]  # after the axis's marks
    assert [listed.index(title) for title in order] == sorted(listed.index(t) for t in order)
    assert listed.index("Kyat month") < listed.index("Month not given") < listed.index("Kyat year")


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("actor=nobody-at-all", "actor"),
        ("year=abc", "year"),
        ("from=2021-13", "from"),
        ("to=21/06/2021", "to"),
        ("from=2021-07&to=2021-06", "from"),
        ("type=picnic", "type"),
        ("source=no-such-source", "source"),
        ("sort=title", "sort"),
    ],
)
def test_invalid_values_are_form_errors_naming_the_parameter(db, query, param):
    found = errors(query)
    assert param in found
    assert all(message.startswith(f"{param}:") for message in found[param])


def test_invalid_filter_shows_the_message_on_the_page(client, curated):
    response = client.get(URL, {"year": "abc"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "year: write the year as four digits" in body
    assert "<html" in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"from": "1972", "to": "1996", "year": "2010"},
            "year: 2010 is outside from=1972 to=1996, so no event can match both; remove one.",
        ),
        ({"from": "2022-03", "year": "2021"}, "year: 2021 is outside from=2022-03"),
        ({"to": "2020", "year": "2021"}, "year: 2021 is outside to=2020"),
    ],
)
def test_a_year_outside_from_and_to_is_said_on_the_page_and_in_the_api(client, params, message):
    """It drew the axis as one day with the From and To boxes still saying their years."""
    assert message in client.get(URL, params).content.decode()
    response = client.get("/api/events/", params)
    assert response.status_code == 400
    assert message in response.json()["year"][0]
    # A year inside the window is no conflict.
    assert client.get("/api/events/", {"from": "2021-06", "year": "2021"}).status_code == 200


def test_invalid_filter_is_a_400_fragment_for_htmx(client, curated):
    response = client.get(URL, {"from": "2021-07", "to": "2021-06"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "make from earlier than or equal to to" in body
    assert "<html" not in body


def test_htmx_request_gets_only_the_results_fragment(client, curated):
    full = client.get(URL, {"actor": "tatmadaw"}).content.decode()
    response = client.get(URL, {"actor": "tatmadaw"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "<form" not in fragment
    assert fragment.strip().startswith('<div id="results"')
    assert (
        fragment.count('class="badge"')
        == full.count('class="badge"')
        == len(titles({"actor": "tatmadaw"}))
    )


def test_page_shows_count_facets_and_empty_state(client, curated):
    body = client.get(URL, {"year": "2016"}).content.decode()
    count = len(titles({"year": "2016"}))
    assert f"{count} events" in body
    assert 'class="facet-types"' in body
    # A one-year filter shows the months; a month's bar counts what its link selects.
    january = len(titles({"from": "2016-01", "to": "2016-01"}))
    assert f'aria-label="January 2016: {january} event' in body
    assert 'href="/?from=2016-01&amp;to=2016-01"' in body
    empty = client.get(URL, {"q": "zzzzunfindable"}).content.decode()
    assert "No events match these filters" in empty


def test_filter_form_works_without_javascript(client, curated):
    body = client.get(URL, {"type": "parade", "q": "Naypyi"}).content.decode()
    assert 'method="get"' in body
    assert 'hx-get="/"' in body
    assert 'value="parade" checked' in body


def make_events(n: int) -> None:
    source, _ = import_source("Then talks were held in Moscow.\n", title="A source", key="a-source")
    russia = Actor.objects.create(name="Russia", kind="country")
    for i in range(n):
        event = Event.objects.create(
            title=f"Event {i}",
            type="visit" if i % 2 else "meeting",
            status=Status.PUBLISHED,
            date_start=dt.date(2020 + i % 3, 1 + i % 12, 1),
        )
        cite(event, locate(source, "talks were held in Moscow"))
        Participation.objects.create(event=event, actor=russia, role="host")


@pytest.mark.parametrize("rows", [1, 5, 20])
def test_filtered_timeline_runs_the_same_queries_however_many_events(
    client, django_assert_num_queries, rows
):
    make_events(rows)
    # type counts, year counts, top actors (each one GROUP BY), events, participations,
    # citations, the capped source list, then one lookup each for the actor and the source;
    # the actor's events (few: then read by id, events.filters.ActorFilter); the time axis
    # (extent, marks); the data generation token (events.counts).
    with django_assert_num_queries(13):
        response = client.get(
            URL, {"actor": "russia", "source": "a-source", "type": ["visit", "meeting"]}
        )
    assert response.status_code == 200
    # The same events again: their cards (participations, citations) are cached until the
    # next write (events.counts: Counts.cards).
    with django_assert_num_queries(8):
        response = client.get(URL, {"sort": "-date", "q": "talks"})
    assert response.content.decode().count('class="badge"') == rows
    with django_assert_num_queries(7):
        response = client.get(URL, {"to": "2022"}, headers={"HX-Request": "true"})
    assert response.status_code == 200


# --- q: ranking and the full-text indexes ------------------------------------------------


def make_ranked_events() -> None:
    """Four events that say "frigate" in different places (and one that does not)."""
    source, _ = import_source(
        "The delegation inspected a frigate at the jetty.\n", title="s", key="s"
    )
    day = dt.date(2021, 1, 1)
    in_quote = Event.objects.create(title="Naval visit", status=Status.PUBLISHED, date_start=day)
    cite(in_quote, locate(source, "inspected a frigate"))
    Event.objects.create(
        title="Talks",
        summary="They discussed a frigate, a frigate and another frigate.",
        status=Status.PUBLISHED,
        date_start=day + dt.timedelta(days=1),
    )
    Event.objects.create(
        title="Frigate delivered",
        summary="Russia delivered a frigate.",
        status=Status.PUBLISHED,
        date_start=day + dt.timedelta(days=2),
    )
    Event.objects.create(title="Parade", status=Status.PUBLISHED, date_start=day)


def test_text_search_ranks_best_match_first_without_sort(db):
    make_ranked_events()
    ranked = titles({"q": "frigate"})
    assert ranked[0] == "Frigate delivered"  # in the title and the summary
    assert ranked[-1] == "Naval visit"  # only in a quote
    assert set(ranked) == {"Frigate delivered", "Talks", "Naval visit"}


def test_text_search_with_sort_keeps_the_date_order(db):
    make_ranked_events()
    assert titles({"q": "frigate", "sort": "date"}) == ["Naval visit", "Talks", "Frigate delivered"]
    assert titles({"q": "frigate", "sort": "-date"}) == [
        "Frigate delivered",
        "Talks",
        "Naval visit",
    ]


def test_ranked_page_is_a_flat_list_labelled_with_a_way_back_to_dates(client, db):
    make_ranked_events()
    body = client.get(URL, {"q": "frigate"}).content.decode()
    assert "ranked by relevance, best match first" in body
    assert 'class="events lines ranked"' in body
    assert '<h2 class="year"' not in body
    assert 'href="/?q=frigate&amp;sort=date"' in body
    dated = client.get(URL, {"q": "frigate", "sort": "date"}).content.decode()
    assert "ranked by relevance" not in dated
    assert '<h2 class="year"' in dated


@pytest.mark.postgresql
def test_text_search_uses_the_gin_index_on_postgresql(db):
    from django.db import connection

    make_ranked_events()
    # The match itself, as counted. A ranked list takes the newest RANK_CAP matches first, by
    # the GIN index for a rare word or the date index for a common one (the planner picks from
    # the word's frequency, so a table this small tells nothing about that choice).
    filterset = EventFilter(QueryDict("q=frigate"), queryset=Event.objects.all())
    assert filterset.qs is not None  # filters (and keeps every match apart for counts)
    qs = filterset.matches.order_by()
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "event_search_vector_gin" in plan


@pytest.mark.postgresql
@pytest.mark.parametrize("sort", ["date", "-date"])
def test_either_order_of_the_public_list_is_read_from_an_index_without_sorting(timeline, sort):
    """Newest first keeps the undated last (``DESC NULLS LAST``), which the chronological
    index read backwards does not give: it has an index of its own (migration 0019)."""
    from django.db import connection

    EventFactory(published=True, date_start=None)
    EventFactory(published=True, date_start=dt.date(2020, 1, 1))
    filterset = EventFilter(QueryDict(f"sort={sort}"), queryset=Event.objects.published())
    sql, params = filterset.qs[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Sort" not in plan
    assert "event_published_" in plan


@pytest.mark.parametrize(
    "query",
    [
        "q=a%00b",
        "actor=a%00b",
        "actor=100%25",
        "actor=%25(x)s",
        "source=%C2%B2",  # "²" is a digit to Python, not an id
        "source=99999999999999999999",
        "year=99999999999999",
        "type=%25s",
        "from=2021-%25",
        "page=%C2%B2",
        "page=99999999999999999999",
    ],
)
def test_odd_input_is_a_message_never_a_server_error(client, timeline, query):
    page = client.get(f"/?{query}")
    fragment = client.get(f"/?{query}", headers={"HX-Request": "true"})

    assert page.status_code == 200
    assert fragment.status_code in (200, 400)


def test_every_unknown_actor_is_named_not_the_first_only(client, timeline):
    response = client.get("/api/events/", {"actor": ["foo", "tatmadaw", "Bar", "foo"]})
    assert response.status_code == 400
    assert response.json()["actor"] == [
        "actor: no actor or title is named “foo” or “Bar”; use an actor's name, slug or alias "
        "(for example actor=min-aung-hlaing) or a title such as actor=Russian Defense Minister."
    ]


def test_a_filter_that_matches_nothing_says_which_condition_empties_it(client, timeline):
    # A reviewer's "zzzzqqq" with Shoigu said only "No events match these filters".
    shoigu = client.get(URL, {"actor": "sergei-shoigu"}).context["count"]
    visits = client.get(URL, {"q": "zzzzqqq", "type": "visit"}).context["count"]
    assert shoigu
    assert visits == 0

    body = client.get(URL, {"q": "zzzzqqq", "actor": "sergei-shoigu", "type": "visit"})
    body = body.content.decode()

    assert "No events match these filters" in body
    with_shoigu = client.get(URL, {"actor": "sergei-shoigu", "type": "visit"}).context["count"]
    assert f'without the text “zzzzqqq”: <a href="{URL}?actor=sergei-shoigu&amp;type=visit"' in body
    assert f"{with_shoigu} event{'s' if with_shoigu != 1 else ''}</a>" in body
    assert "without the actor “Sergei Shoigu”: still none" in body
    assert "without the type visit: still none" in body


def test_chips_and_the_conditions_to_leave_out_name_the_actor_and_the_source(client, timeline):
    """The chips, the "leave one out" list and the printed brief call the actor and the
    source by their names, not by the slug, alias or key typed in the address."""
    import html

    source = Source.objects.get(key="mah-moscow-visit-june-2021")
    query = {"actor": ["min-aung-hlaing", "Shoigu"], "source": source.key, "q": "zzzzqqq"}
    body = html.unescape(client.get(URL, query).content.decode())
    # The chip holds the name as typed (the next Filter sends it) and shows the actor's.
    assert '<input type="hidden" name="actor" value="min-aung-hlaing">Min Aung Hlaing <a' in body
    assert 'aria-label="Remove actor Min Aung Hlaing"' in body
    assert '<input type="hidden" name="actor" value="Shoigu">Sergei Shoigu <a' in body
    assert "without the actor “Min Aung Hlaing”:" in body
    assert "without the actor “Sergei Shoigu”:" in body
    assert f"without the source “{source.title}”:" in body
    assert "“min-aung-hlaing”" not in body
    assert f"“{source.key}”" not in body
    assert f"Actors: Min Aung Hlaing and Sergei Shoigu · Source: {source.title}" in body
    # A title is called by its own words; a name nothing has stays as typed.
    body = html.unescape(
        client.get(
            URL, {"actor": ["the Snr. Gen.", "Nobody Here"], "q": "zzzzqqq"}
        ).content.decode()
    )
    assert '<input type="hidden" name="actor" value="Nobody Here">Nobody Here <a' in body
    assert 'value="the Snr. Gen.">Senior General <a' in body
    body = html.unescape(
        client.get(URL, {"actor": "the Snr. Gen.", "q": "zzzzqqq"}).content.decode()
    )
    assert 'value="the Snr. Gen.">Senior General <a' in body
    assert "without the actor “Senior General”:" in body
    body = html.unescape(client.get(URL, {"source": "no-such-source"}).content.decode())
    assert "no source has the id or key “no-such-source”" in body


def test_a_filter_that_matches_nothing_escapes_what_it_repeats(client, timeline):
    body = client.get(URL, {"q": "<script>zz</script>"}).content.decode()
    assert "without the text “&lt;script&gt;zz&lt;/script&gt;”" in body
    assert "<script>zz" not in body


def test_a_search_with_an_invisible_direction_control_is_refused_with_a_message(client):
    # "\u202elive" is shown as "evil": the page repeated it reordered (a reviewer's finding).
    said = "q: Remove the invisible direction control U+202E (RIGHT-TO-LEFT OVERRIDE)"
    page = client.get(URL, {"q": "\u202elive"}).content.decode()
    assert said in page
    api = client.get("/api/events/", {"q": "\u202elive"})
    assert api.status_code == 400
    assert api.json()["q"][0].startswith(said)


def test_an_unknown_actor_name_suggests_the_names_it_is_close_to(client, timeline):
    body = html.unescape(client.get("/", {"actor": "Min Aung Hliang"}).content.decode())
    assert "no actor or title is named “Min Aung Hliang”" in body
    assert "Did you mean “Min Aung Hlaing”?" in body
    response = client.get("/api/events/", {"actor": "Sergei Shoygu"})
    assert response.status_code == 400
    assert "Did you mean “Sergei Shoigu”?" in response.json()["actor"][0]
    # Nothing close: no suggestion.
    body = html.unescape(client.get("/", {"actor": "Zzyzx"}).content.decode())
    assert "Did you mean" not in body


def test_a_suggested_name_is_one_the_reader_may_see(client, db):
    """An actor in drafts only is unknown to a reader: it is not suggested either."""
    from tests.factories import ActorFactory

    hidden = ActorFactory(name="Secret Envoy")
    event = EventFactory(title="Draft talks", status="draft")
    Participation.objects.create(event=event, actor=hidden, role="participant")
    body = html.unescape(client.get("/", {"actor": "Secret Envoi"}).content.decode())
    assert "no actor or title is named “Secret Envoi”" in body
    assert "Secret Envoy" not in body
