"""A title is no actor: "the coup leader" or "Russian Defense Minister" typed as a new actor is
refused by every writer (the event form, the API, ``save_event``, the admin, the bulk load),
naming the post and whoever held it; the actor filter keeps resolving the title to them."""

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.bulk import LoadError, load_archive
from events.models import (
    Actor,
    Alias,
    Citation,
    Event,
    Participation,
    Position,
    Post,
    PostAlias,
    Role,
)
from events.positions import event_date, title_clash
from events.services import ActorChoice, save_event
from tests.event_form_data import form_data
from tests.factories import ActorFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

D = dt.date
VISIT = "Min Aung Hlaing visited Moscow on June 22."
SHOIGU_THEN = (
    "“Russian Defense Minister” is a title (the post Russian Defence Minister), not an actor: "
    "name the person who held it on 22 June 2021: Sergei Shoigu (2012–2024)."
)


@pytest.fixture
def titles():
    """Russian Defence Minister (Shoigu, then Belousov) and the coup leader (Min Aung Hlaing)."""
    shoigu = ActorFactory(name="Sergei Shoigu")
    belousov = ActorFactory(name="Andrei Belousov")
    general = ActorFactory(name="Min Aung Hlaing")
    minister = Post.objects.create(title="Russian Defence Minister")
    PostAlias.objects.create(post=minister, name="Russian Defense Minister")
    Position.objects.create(holder=shoigu, post=minister, start=D(2012, 11, 6), end=D(2024, 5, 12))
    Position.objects.create(holder=belousov, post=minister, start=D(2024, 5, 14))
    coup = Post.objects.create(title="coup leader", kind="role")
    PostAlias.objects.create(post=coup, name="coup maker")
    Position.objects.create(holder=general, post=coup, start=D(2021, 2, 1))
    return shoigu, belousov, general


def written() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Actor, Alias, Event, Participation, Citation))


# The rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "the coup leader",
        "Coup Leader",
        "the  coup   maker",
        "Russian defense minister",
        # The same words with marks between them (a second reviewer created these as actors).
        "Russian-Defense-Minister",
        "the-coup-leader",
        "Coup Leader.",
        "coup_leader",
    ],
)
def test_a_title_or_an_alias_of_it_is_a_clash_compared_as_the_filter_compares(titles, spelling):
    clash = title_clash([spelling])
    assert clash is not None
    assert clash.post.title in {"coup leader", "Russian Defence Minister"}


def test_a_name_that_is_no_title_is_no_clash(titles):
    assert title_clash(["Alexander Fomin", "Coup", "the leader", ""]) is None


def test_the_message_names_the_holders_then_or_every_holder_with_their_years(titles):
    clash = title_clash(["Russian Defense Minister"])
    assert clash is not None
    assert clash.message(event_date(D(2021, 6, 22), None, "day")) == SHOIGU_THEN
    assert clash.message() == (
        "“Russian Defense Minister” is a title (the post Russian Defence Minister), not an "
        "actor: name the person who held it then (the event has no date yet): Sergei Shoigu "
        "(2012–2024) or Andrei Belousov (since 2024)."
    )
    # May 2024 spans the handover: both.
    assert "Sergei Shoigu (2012–2024) or Andrei Belousov (since 2024)." in clash.message(
        event_date(D(2024, 5, 1), None, "month")
    )
    nobody = clash.message(event_date(D(2001, 1, 1), None, "day"))
    assert "name the person who held it on 1 January 2001 (no holder is recorded" in nobody


# The event form ------------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def passage():
    source = SourceFactory(published_date=D(2021, 6, 24))
    return source.passages.get(index=1)


def cited(passage) -> dict:
    start = passage.text.index(VISIT)
    return {
        "source": passage.source_id,
        "quote": VISIT,
        "passage": passage.index,
        "start": start,
        "end": start + len(VISIT),
    }


def refused(client, data) -> str:
    before = written()
    response = client.post(reverse("event-new"), data)
    body = html.unescape(response.content.decode())
    assert response.status_code == 400, body
    assert written() == before
    return body


def test_the_form_refuses_a_title_as_a_new_actor_naming_its_holder_at_the_events_date(
    signed_in, titles, passage
):
    """The reviewer's steps: a title typed as the actor, kind "person", a quote cited."""
    data = form_data(
        date_text="June 22",
        actors=[{"name": "Russian Defense Minister", "new_kind": "person", "role": "host"}],
        citations=[cited(passage)],
    )
    body = refused(signed_in, data)
    assert SHOIGU_THEN in body
    assert not Actor.objects.filter(name__iexact="Russian Defense Minister").exists()


def test_the_form_says_a_typed_title_is_a_title_instead_of_offering_to_create_it(
    signed_in, titles, passage
):
    data = form_data(
        date_text="June 22", actors=[{"name": "the coup leader"}], citations=[cited(passage)]
    )
    body = refused(signed_in, data)
    assert (
        "“the coup leader” is a title (the post coup leader), not an actor: name the person "
        "who held it on 22 June 2021: Min Aung Hlaing (since 2021)." in body
    )
    assert "No actor is named “the coup leader”" not in body
    assert "choose a kind to create it" not in body


def test_the_form_without_a_date_lists_every_holder_with_their_years(signed_in, titles):
    body = refused(signed_in, form_data(actors=[{"name": "Russian Defense Minister"}]))
    assert "Sergei Shoigu (2012–2024) or Andrei Belousov (since 2024)." in body


def test_the_form_refuses_a_title_as_a_new_actors_alias(signed_in, titles):
    row = {"name": "Ye Win Oo", "new_kind": "person", "new_aliases": "Junta figure, coup maker"}
    body = refused(signed_in, form_data(actors=[row]))
    assert "“coup maker” is a title (the post coup leader), not an actor's alias" in body


def test_the_form_still_takes_the_holder_and_a_new_actor_that_is_no_title(signed_in, titles):
    rows = [
        {"name": "Sergei Shoigu", "role": "host"},
        {"name": "Alexander Fomin", "new_kind": "person", "role": "visitor"},
    ]
    response = signed_in.post(reverse("event-new"), form_data(date_text="June 22", actors=rows))
    assert response.status_code == 302, response.content.decode()
    assert sorted(Event.objects.get().participations.values_list("actor__name", flat=True)) == [
        "Alexander Fomin",
        "Sergei Shoigu",
    ]


# The API -------------------------------------------------------------------------------------


@pytest.fixture
def api(analyst) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    return client


@pytest.mark.parametrize("create", [True, False])
def test_the_api_refuses_a_title_as_an_actor_with_a_400_at_its_name(api, titles, create):
    actors = [
        {"name": "Sergei Shoigu", "role": "host"},
        {"name": "Russian Defense Minister", "role": "visitor", "create": create, "kind": "person"},
    ]
    before = written()
    response = api.post(
        "/api/events/",
        {"title": "Talks", "date": {"start": "2021-06-22"}, "actors": actors},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json() == {"actors": {"1": {"name": [SHOIGU_THEN]}}}
    assert written() == before


def test_an_api_patch_reads_the_title_at_the_stored_events_date(api, titles):
    event = EventFactory(date_start=D(2024, 9, 1))
    before = written()
    response = api.patch(
        f"/api/events/{event.pk}/",
        {"actors": [{"name": "the Russian Defense Minister", "create": True, "kind": "person"}]},
        format="json",
    )
    assert response.status_code == 400, response.content
    [message] = response.json()["actors"]["0"]["name"]
    assert message.endswith(
        "name the person who held it on 1 September 2024: Andrei Belousov (since 2024)."
    )
    assert written() == before


# Every other writer ------------------------------------------------------------------------


def test_save_event_refuses_a_title_as_a_new_actor_and_writes_nothing(titles):
    before = written()
    event = EventFactory.build(date_start=D(2021, 6, 22))
    with pytest.raises(ValidationError) as refused:
        save_event(
            event,
            actors=[ActorChoice(role=Role.PARTICIPANT, name="the coup leader", kind="person")],
        )
    assert refused.value.message_dict["name"] == [
        "“the coup leader” is a title (the post coup leader), not an actor: name the person "
        "who held it on 22 June 2021: Min Aung Hlaing (since 2021)."
    ]
    assert written() == before


def test_the_admin_refuses_a_title_as_an_actors_name_or_alias(admin_client, titles):
    inline = {
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
    }
    response = admin_client.post(
        "/admin/events/actor/add/",
        {"name": "The Coup Leader", "slug": "the-coup-leader", "kind": "person", **inline},
    )
    assert response.status_code == 200
    assert "is a title (the post coup leader)" in html.unescape(response.content.decode())
    response = admin_client.post(
        "/admin/events/actor/add/",
        {
            "name": "Ye Win Oo",
            "slug": "ye-win-oo",
            "kind": "person",
            "aliases-0-name": "coup maker",
            **inline,
        },
    )
    assert response.status_code == 200
    assert "not an actor's alias" in html.unescape(response.content.decode())
    assert not Actor.objects.filter(name__in=["The Coup Leader", "Ye Win Oo"]).exists()


def test_an_actor_named_like_a_title_before_the_rule_can_still_be_edited(titles):
    """A name it has is kept: the rule is about new names."""
    old = Actor.objects.create(name="the coup leader", slug="the-coup-leader", kind="person")
    old.description = "Created before titles were refused."
    old.full_clean()
    old.name = "coup maker"
    with pytest.raises(ValidationError):
        old.full_clean()


def test_the_bulk_load_refuses_a_title_as_a_new_actor_or_alias(titles):
    before = written()
    with pytest.raises(LoadError, match=r"actors\[1\]\.name: “the coup leader” is a title"):
        load_archive(
            [],
            [
                {"name": "Alexander Fomin", "kind": "person"},
                {"name": "the coup leader", "kind": "person"},
            ],
            [],
        )
    with pytest.raises(LoadError, match=r"actors\[0\]\.aliases\[1\]: “Coup Maker” is a title"):
        load_archive(
            [], [{"name": "Ye Win Oo", "kind": "person", "aliases": ["Ye", "Coup Maker"]}], []
        )
    assert written() == before


def test_the_bulk_load_keeps_an_actor_stored_under_a_title_before_the_rule(titles):
    """An archive exported from a database that has one loads into it again."""
    Actor.objects.create(name="the coup leader", slug="the-coup-leader", kind="person")
    load_archive([], [{"name": "the coup leader", "kind": "person", "description": "old"}], [])
    assert Actor.objects.get(name="the coup leader").description == "old"


# The filter by title -------------------------------------------------------------------------


@pytest.fixture
def events(titles):
    shoigu, belousov, general = titles
    made = {}
    for title, day, actor in [
        ("Shoigu hosts the general", D(2021, 6, 22), shoigu),
        ("Belousov visits Pyongyang", D(2024, 6, 18), belousov),
        ("Shoigu as Security Council secretary", D(2024, 9, 1), shoigu),
        ("The general in Moscow", D(2021, 6, 22), general),
        ("The general before the coup", D(2020, 11, 1), general),
    ]:
        made[title] = EventFactory(title=title, date_start=day, published=True)
        Participation.objects.create(event=made[title], actor=actor)
    return made


def listed(client, **params) -> list[str]:
    body = client.get("/api/events/", params).json()
    return sorted(event["title"] for event in body["results"])


MINISTERS = ["Belousov visits Pyongyang", "Shoigu hosts the general"]


def test_the_filter_by_title_still_finds_the_holders_events_after_a_refused_create(
    client, signed_in, api, events, passage
):
    assert listed(client, actor="Russian Defense Minister") == MINISTERS
    assert listed(client, actor="the coup leader") == ["The general in Moscow"]
    signed_in.post(
        reverse("event-new"),
        form_data(actors=[{"name": "the coup leader", "new_kind": "person"}]),
    )
    api.post(
        "/api/events/",
        {
            "title": "X",
            "actors": [{"name": "Russian Defense Minister", "create": True, "kind": "person"}],
        },
        format="json",
    )
    client.logout()
    assert listed(client, actor="Russian Defense Minister") == MINISTERS
    assert listed(client, actor="the coup leader") == ["The general in Moscow"]
    page = client.get(reverse("timeline"), {"actor": "the coup leader"}).content.decode()
    assert "The general in Moscow" in page
    assert "The general before the coup" not in page


def test_an_actor_stored_under_a_title_before_the_rule_adds_to_the_holders_events(client, events):
    """Such an actor does not hide the title's holders: the title names both."""
    stored = Actor.objects.create(name="the coup leader", slug="the-coup-leader", kind="person")
    mistaken = EventFactory(title="Mistaken entry", date_start=D(2022, 3, 27), published=True)
    Participation.objects.create(event=mistaken, actor=stored)

    assert listed(client, actor="the coup leader") == ["Mistaken entry", "The general in Moscow"]
    assert listed(client, actor="coup maker") == ["The general in Moscow"]  # the title only
    assert listed(client, actor="the-coup-leader") == ["Mistaken entry"]  # the actor's slug
    body = client.get("/api/events/", {"actor": "the coup leader"}).json()
    assert set(body) == {"count", "next", "previous", "results", "count_exact"}
    page = client.get(reverse("timeline"), {"actor": "the coup leader"}).content.decode()
    assert "Mistaken entry" in page
    assert "The general in Moscow" in page


def test_the_curated_timeline_filter_by_title_survives_a_refused_create(
    client, published_timeline, analyst
):
    """The reviewer's numbers: "the coup leader" is Min Aung Hlaing's 19 events since the
    coup, "Russian Defense Minister" 8 events; refused creates change neither."""

    def count(name: str) -> int:
        return client.get("/api/events/", {"actor": name}).json()["count"]

    before = {name: count(name) for name in ("the coup leader", "Russian Defense Minister")}
    assert before == {"the coup leader": 19, "Russian Defense Minister": 8}
    client.force_login(analyst)
    source = Citation.objects.select_related("passage").first()
    assert source is not None
    for name in before:
        start = source.start
        response = client.post(
            reverse("event-new"),
            form_data(
                actors=[{"name": name, "new_kind": "person"}],
                citations=[
                    {
                        "source": source.passage.source_id,
                        "quote": source.quote,
                        "passage": source.passage.index,
                        "start": start,
                        "end": source.end,
                    }
                ],
            ),
        )
        assert response.status_code == 400
        assert "is a title (the post" in html.unescape(response.content.decode())
    client.logout()
    assert {name: count(name) for name in before} == before


def test_a_title_at_a_month_says_in_the_month():
    from events.positions import EventDate

    assert EventDate(dt.date(2025, 6, 1), dt.date(2025, 6, 30), "June 2025").at == "in June 2025"
    assert EventDate(dt.date(2021, 6, 22), dt.date(2021, 6, 22), "22 June 2021").at == (
        "on 22 June 2021"
    )
