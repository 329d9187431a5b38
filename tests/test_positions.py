"""Titles and roles as actor mentions: positions held over time (events/positions.py)."""

import datetime as dt
import json

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from events.models import Actor, Event, Participation, Position, Post, PostAlias, Role
from events.positions import (
    PositionLoadError,
    holders,
    load_positions,
    load_title_book,
    title_key,
)
from tests.factories import ActorFactory, EventFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def defense_ministers():
    """Shoigu until 12 May 2024, Belousov from 14 May 2024, as the public record has it."""
    shoigu = ActorFactory(name="Sergei Shoigu")
    belousov = ActorFactory(name="Andrei Belousov")
    post = Post.objects.create(title="Russian Defense Minister")
    PostAlias.objects.create(post=post, name="Russia’s Defence Minister")
    Position.objects.create(holder=shoigu, post=post, start=D(2012, 11, 6), end=D(2024, 5, 12))
    Position.objects.create(holder=belousov, post=post, start=D(2024, 5, 14))
    return shoigu, belousov


# Resolution at a date --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2012, 11, 5), []),
        (D(2012, 11, 6), ["Sergei Shoigu"]),
        (D(2021, 6, 22), ["Sergei Shoigu"]),
        (D(2024, 5, 12), ["Sergei Shoigu"]),
        (D(2024, 5, 13), []),
        (D(2024, 5, 14), ["Andrei Belousov"]),
        (D(2025, 1, 1), ["Andrei Belousov"]),
    ],
)
def test_the_defense_minister_is_the_holder_on_that_day(defense_ministers, day, expected):
    assert [a.name for a in holders("Russian Defense Minister", day)] == expected


def test_an_interval_spanning_the_handover_names_both_holders(defense_ministers):
    may = holders("Russian Defense Minister", D(2024, 5, 1), D(2024, 5, 31))
    assert [a.name for a in may] == ["Andrei Belousov", "Sergei Shoigu"]


@pytest.mark.parametrize(
    "spelling",
    [
        "Russian Defense Minister",
        "the Russian Defense Minister",
        "russian   defense minister",
        "Russia's Defence Minister",
        "Russia’s Defence Minister",
    ],
)
def test_a_title_is_read_ignoring_case_spaces_the_and_apostrophes(defense_ministers, spelling):
    assert [a.name for a in holders(spelling, D(2021, 6, 22))] == ["Sergei Shoigu"]


def test_an_unknown_title_resolves_to_nobody(defense_ministers):
    assert holders("Russian Foreign Minister", D(2021, 6, 22)) == []


def test_a_month_precise_start_counts_the_whole_month():
    general = ActorFactory(name="Min Aung Hlaing")
    rank = Post.objects.create(title="Senior General")
    Position.objects.create(holder=general, post=rank, start=D(2013, 3, 1), start_precision="month")
    assert holders("Senior General", D(2013, 2, 28)) == []
    assert holders("Senior General", D(2013, 3, 31)) == [general]


def test_an_unknown_start_and_end_are_open():
    fomin = ActorFactory(name="Alexander Fomin")
    post = Post.objects.create(title="Russian Deputy Defense Minister")
    position = Position.objects.create(holder=fomin, post=post)
    assert holders("Russian Deputy Defense Minister", D(2021, 3, 26)) == [fomin]
    assert position.held_display() == "? – …"


def test_the_database_refuses_an_end_before_the_start():
    from django.db import IntegrityError

    post = Post.objects.create(title="Chief")
    with pytest.raises(IntegrityError):
        Position.objects.create(
            holder=ActorFactory(), post=post, start=D(2021, 2, 1), end=D(2020, 1, 1)
        )


def test_a_title_and_an_alias_cannot_name_two_posts():
    from django.db import IntegrityError

    Post.objects.create(title="Coup leader")
    with pytest.raises(IntegrityError):
        Post.objects.create(title="the coup leader")


def test_title_key_is_the_compared_form():
    assert title_key("  The  Myanmar’s Military Chief ") == "myanmar's military chief"


# The extractor's view: mentions in a sentence --------------------------------------------------


def test_title_mentions_in_a_sentence_resolve_to_the_holders_then(db, timeline):
    book = load_title_book()
    sentence = (
        "The Snr. Gen. was accompanied by Vice Snr. Gen. Soe Win; the coup leader met "
        "the Russian Defense Minister."
    )
    found = [(m.text, m.holder_name) for m in book.mentions(sentence, D(2021, 10, 29))]
    assert found == [
        ("Snr. Gen.", "Min Aung Hlaing"),
        ("Vice Snr. Gen.", "Soe Win"),
        ("coup leader", "Min Aung Hlaing"),
        ("Russian Defense Minister", "Sergei Shoigu"),
    ]
    later = {m.text: m.holder_name for m in book.mentions(sentence, D(2025, 1, 1))}
    assert later["Russian Defense Minister"] == "Andrei Belousov"
    # Before the coup nobody was "the coup leader".
    assert "coup leader" not in [m.text for m in book.mentions(sentence, D(2021, 1, 31))]


# The curated positions -------------------------------------------------------------------------


def test_the_curated_positions_resolve_the_sample_articles_titles(timeline):
    cases = {
        ("Russian Defense Minister", D(2021, 6, 22)): ["Sergei Shoigu"],
        ("Russian Defense Minister", D(2024, 6, 1)): ["Andrei Belousov"],
        ("the coup leader", D(2021, 3, 26)): ["Min Aung Hlaing"],
        ("Myanmar's military chief", D(2020, 11, 1)): ["Min Aung Hlaing"],
        ("the Snr. Gen.", D(2021, 10, 29)): ["Min Aung Hlaing"],
        ("the junta's deputy leader", D(2021, 9, 1)): ["Soe Win"],
        ("President of the Russian Security Council", D(2021, 6, 22)): ["Nikolai Patrushev"],
        ("President of the Russian Security Council", D(2024, 5, 12)): [
            "Nikolai Patrushev",
            "Sergei Shoigu",
        ],
        ("Tatarstan President", D(2021, 6, 20)): ["Rustam Minnikhanov"],
    }
    for (title, day), names in cases.items():
        assert [a.name for a in holders(title, day)] == names, (title, day)


def test_every_curated_position_says_what_supports_it(timeline):
    assert Position.objects.count() == 16
    assert not Position.objects.filter(note="").exists()


def test_loading_the_positions_twice_changes_nothing(timeline):
    data = json.loads((settings.FIXTURES_DIR / "positions.json").read_text(encoding="utf-8"))
    before = list(Position.objects.values().order_by("pk"))
    assert load_positions(data) == {"posts": 0, "positions": 0}
    assert list(Position.objects.values().order_by("pk")) == before


def test_a_position_of_an_unknown_actor_is_refused_and_nothing_written(db):
    data = {
        "posts": [{"title": "Chief"}],
        "positions": [{"holder": "Nobody", "post": "Chief", "start": None}],
    }
    with pytest.raises(PositionLoadError, match=r"positions\[0\]\.holder: no actor"):
        load_positions(data)
    assert not Post.objects.exists()


# The actor filter ------------------------------------------------------------------------------


def test_filter_by_title_finds_the_events_of_whoever_held_it_then(client, defense_ministers):
    shoigu, belousov = defense_ministers
    published = {"published": True}
    talks = EventFactory(title="Talks in Moscow", date_start=D(2021, 6, 22), **published)
    later = EventFactory(title="Security Council meeting", date_start=D(2024, 9, 1), **published)
    visit = EventFactory(title="Belousov visits Pyongyang", date_start=D(2024, 6, 18), **published)
    for event, actor in [(talks, shoigu), (later, shoigu), (visit, belousov)]:
        Participation.objects.create(event=event, actor=actor)

    body = client.get(reverse("timeline"), {"actor": "Russian Defense Minister"}).content.decode()

    assert "Talks in Moscow" in body
    assert "Belousov visits Pyongyang" in body
    assert "Security Council meeting" not in body  # Shoigu, but no longer minister


def test_filter_by_title_keeps_the_other_parameters(client, defense_ministers):
    shoigu, _ = defense_ministers
    for year in (2016, 2021):
        event = EventFactory(title=f"Talks of {year}", date_start=D(year, 6, 22), published=True)
        Participation.objects.create(event=event, actor=shoigu)
    body = client.get(
        reverse("timeline"), {"actor": "the Russian Defense Minister", "year": "2021"}
    ).content.decode()
    assert "Talks of 2021" in body
    assert "Talks of 2016" not in body


def test_filter_by_an_unknown_title_says_how_to_write_it(client, db):
    body = client.get(reverse("timeline"), {"actor": "Grand Vizier"}).content.decode()
    assert "no actor or title is named “Grand Vizier”" in body


def test_filter_by_title_in_the_api_too(client, defense_ministers):
    shoigu, _ = defense_ministers
    event = EventFactory(title="Talks in Moscow", date_start=D(2021, 6, 22), published=True)
    Participation.objects.create(event=event, actor=shoigu)
    body = client.get("/api/events/", {"actor": "Russian Defense Minister"}).json()
    assert [e["title"] for e in body["results"]] == ["Talks in Moscow"]


def test_a_title_with_a_role_in_the_api_is_whoever_held_it_then_in_that_role(
    client, defense_ministers
):
    """``actor=<title>&role=…``: events where the holder at the event's date had the role
    (a review found none: the role was asked of the title's actors, which it has none of)."""
    shoigu, belousov = defense_ministers
    host = EventFactory(title="Hosts in Moscow", date_start=D(2021, 6, 22), published=True)
    visit = EventFactory(title="Visits Naypyidaw", date_start=D(2023, 1, 5), published=True)
    after = EventFactory(title="Hosts as ex-minister", date_start=D(2024, 9, 1), published=True)
    new = EventFactory(title="Belousov hosts", date_start=D(2024, 6, 18), published=True)
    for event, actor, role in [
        (host, shoigu, Role.HOST),
        (visit, shoigu, Role.VISITOR),
        (after, shoigu, Role.HOST),
        (new, belousov, Role.HOST),
    ]:
        Participation.objects.create(event=event, actor=actor, role=role)

    def titles(**params) -> list[str]:
        body = client.get("/api/events/", params).json()
        return [e["title"] for e in body["results"]]

    title = "Russian Defense Minister"
    assert titles(actor=title, role="host") == ["Hosts in Moscow", "Belousov hosts"]
    assert titles(actor=title, role="visitor") == ["Visits Naypyidaw"]
    assert titles(actor=title, role="supplier") == []
    assert titles(actor="Sergei Shoigu", role="host") == ["Hosts in Moscow", "Hosts as ex-minister"]


# The actor page --------------------------------------------------------------------------------


def test_the_actor_page_lists_the_positions_held_from_to(client, defense_ministers):
    body = client.get(reverse("actor-detail", args=["sergei-shoigu"])).content.decode()
    assert "Positions held" in body
    assert "<strong>Russian Defense Minister</strong>" in body
    assert "6 November 2012 – 12 May 2024" in body
    assert "Add a position" not in body  # analysts only


def test_the_curated_actor_page_shows_the_positions_and_their_support(client, timeline):
    body = client.get(reverse("actor-detail", args=["min-aung-hlaing"])).content.decode()
    assert "Commander-in-Chief of Defence Services" in body
    assert "30 March 2011 – …" in body
    assert "coup leader" in body
    assert "1 February 2021 – …" in body
    assert "Public record: commander-in-chief since 30 March 2011." in body


def test_an_analyst_adds_a_position_on_the_actor_page(client, analyst, defense_ministers):
    client.force_login(analyst)
    page = client.get(reverse("actor-detail", args=["andrei-belousov"])).content.decode()
    assert "Add a position" in page

    response = client.post(
        reverse("actor-position-add", args=["andrei-belousov"]),
        {
            "title": "First Deputy Prime Minister of Russia",
            "start": "2020-01-21",
            "start_precision": "day",
            "end": "2024-05-14",
            "end_precision": "day",
            "note": "Public record.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/actors/andrei-belousov/#positions"
    position = Position.objects.get(post__title="First Deputy Prime Minister of Russia")
    assert position.holder.name == "Andrei Belousov"
    assert [a.name for a in holders("First Deputy Prime Minister of Russia", D(2022, 1, 1))] == [
        "Andrei Belousov"
    ]


def test_an_analyst_gets_a_message_for_an_end_before_the_start(client, analyst, defense_ministers):
    client.force_login(analyst)
    response = client.post(
        reverse("actor-position-add", args=["andrei-belousov"]),
        {
            "title": "Minister",
            "start": "2024-05-14",
            "start_precision": "day",
            "end": "2020-01-01",
            "end_precision": "day",
        },
    )
    assert response.status_code == 400
    assert "The end is before the start; swap them." in response.content.decode()
    assert not Position.objects.filter(post__title="Minister").exists()


def test_adding_a_position_is_for_analysts_only(client, reader, defense_ministers):
    url = reverse("actor-position-add", args=["andrei-belousov"])
    data = {"title": "Minister", "start_precision": "day", "end_precision": "day"}
    assert client.post(url, data).status_code == 302  # anonymous: sign in first
    client.force_login(reader)
    assert client.post(url, data).status_code == 403
    assert not Post.objects.filter(title="Minister").exists()
    assert Actor.objects.filter(slug="andrei-belousov").exists()
    assert Event.objects.count() == 0


def test_the_same_position_twice_is_a_message_not_an_error(client, analyst, defense_ministers):
    client.force_login(analyst)
    response = client.post(
        reverse("actor-position-add", args=["sergei-shoigu"]),
        {
            "title": "Russia's Defence Minister",
            "start": "2012-11-06",
            "start_precision": "day",
            "end_precision": "day",
        },
    )
    assert response.status_code == 400
    assert "Sergei Shoigu already holds" in response.content.decode()
    assert Position.objects.filter(holder__name="Sergei Shoigu").count() == 1


def test_the_admin_refuses_a_title_that_exists_with_a_message(admin_client, defense_ministers):
    response = admin_client.post(
        "/admin/events/post/add/",
        {
            "title": "the russian defense minister",
            "kind": "office",
            "description": "",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "is already a title." in response.content.decode()
    assert Post.objects.count() == 1


@pytest.mark.parametrize("rows", [1, 5, 20])
def test_filter_by_title_runs_the_same_queries_however_many_events(
    client, django_assert_num_queries, defense_ministers, rows
):
    shoigu, belousov = defense_ministers
    for i in range(rows):
        for actor, year in ((shoigu, 2021), (belousov, 2025)):
            day = D(year, 1, 1 + i)
            event = EventFactory(title=f"Talks {i} of {year}", date_start=day, published=True)
            Participation.objects.create(event=event, actor=actor)
    # events, participations, citations, type counts, year counts, top actors (each one
    # GROUP BY), the capped source list, the actor and title lookup (one query, whether an
    # actor has the name or not); the time axis (extent, marks); the data generation token
    # (events.counts).
    with django_assert_num_queries(11):
        response = client.get(reverse("timeline"), {"actor": "Russian Defense Minister"})
    assert response.content.decode().count('class="badge"') == 2 * rows


def test_the_api_lists_an_actors_positions(client, defense_ministers):
    body = client.get("/api/actors/sergei-shoigu/").json()
    assert body["positions"] == [
        {
            "title": "Russian Defense Minister",
            "organization": None,
            "start": "2012-11-06",
            "start_precision": "day",
            "end": "2024-05-12",
            "end_precision": "day",
        }
    ]


# One holder of an office at a time ---------------------------------------------------------------


def add(client, actor, **data):
    client.force_login(User.objects.get(username="analyst"))
    return client.post(
        reverse("actor-position-add", args=[actor.slug]),
        {"start_precision": "day", "end_precision": "day", "note": "", **data},
    )


def test_a_second_holder_of_an_office_at_the_same_time_is_refused(
    client, analyst, defense_ministers
):
    putin = ActorFactory(name="Vladimir Putin")
    response = add(client, putin, title="Russian Defense Minister", start="2024-06-01")
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "“Russian Defense Minister” is an office held by one person at a time, and "
        "Andrei Belousov held it then (since 2024)." in body
    )
    assert not Position.objects.filter(holder=putin).exists()
    assert holders("Russian Defense Minister", D(2025, 6, 1)) == [defense_ministers[1]]


@pytest.mark.parametrize(
    ("start", "start_precision", "end", "end_precision"),
    [
        ("2010-01-01", "day", "2012-11-05", "day"),  # before Shoigu
        ("2012-01-01", "year", "2012-01-01", "year"),  # within Shoigu's first year: not sure
        ("", "day", "", "day"),  # dates not known
    ],
)
def test_a_tenure_not_surely_overlapping_another_is_accepted(
    client, analyst, defense_ministers, start, start_precision, end, end_precision
):
    serdyukov = ActorFactory(name="Anatoly Serdyukov")
    response = add(
        client,
        serdyukov,
        title="Russian Defense Minister",
        start=start,
        start_precision=start_precision,
        end=end,
        end_precision=end_precision,
    )
    assert response.status_code == 302
    assert Position.objects.filter(holder=serdyukov).exists()


def test_a_rank_may_be_held_by_many_at_once(client, analyst):
    Post.objects.create(title="Senior General", kind="rank")
    Position.objects.create(
        holder=ActorFactory(name="Min Aung Hlaing"),
        post=Post.objects.get(title="Senior General"),
        start=D(2011, 3, 30),
    )
    soe_win = ActorFactory(name="Soe Win")
    response = add(client, soe_win, title="Senior General", start="2021-03-01")
    assert response.status_code == 302
