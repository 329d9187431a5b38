"""Actor pages: the alias-aware suggestion fragment, /actors/ and /actors/<slug>/."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from events.models import Actor, Event, Position, Post
from tests.factories import ActorFactory, AliasFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline(published_timeline) -> str:
    """These tests only read the curated timeline: the one loaded once per session."""
    return published_timeline


def suggested(response) -> list[str]:
    return re.findall(r'data-name="([^"]*)"', response.content.decode())


def test_suggestion_finds_tatmadaw_from_a_partial_alias(client, timeline):
    response = client.get(reverse("actor-suggest"), {"q": "Tatmado"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<ul class="suggestions" role="listbox"' in body
    assert suggested(response)[0] == "Tatmadaw"
    assert 'data-slug="tatmadaw"' in body
    assert "also: " in body
    assert "Myanmar Armed Forces" in body


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("tatmado", "Tatmadaw"),  # ignoring case
        ("min-aung", "Min Aung Hlaing"),  # slug
        ("SIPRI", "Stockholm International Peace Research Institute"),  # alias
        ("Peace Research", "Stockholm International Peace Research Institute"),  # substring
    ],
)
def test_suggestion_matches_names_slugs_and_aliases(client, timeline, q, expected):
    assert expected in suggested(client.get(reverse("actor-suggest"), {"q": q}))


def test_suggestion_leaves_out_the_actors_chosen_already_by_any_of_their_names(client, timeline):
    offered = suggested(client.get(reverse("actor-suggest"), {"q": "myanmar"}))
    assert "Tatmadaw" in offered  # by its alias "Myanmar military"
    for chosen in (["tatmadaw"], ["Myanmar military"], ["TATMADAW", "nobody at all"]):
        response = client.get(reverse("actor-suggest"), {"q": "myanmar", "chosen": chosen})
        assert suggested(response) == [name for name in offered if name != "Tatmadaw"]
    response = client.get(reverse("actor-suggest"), {"q": "myanmar", "chosen": "tat\x00"})
    assert response.status_code == 400
    # Only the chosen one matches: the box says why nothing is offered.
    response = client.get(reverse("actor-suggest"), {"q": "Tatm", "chosen": "tatmadaw"})
    assert suggested(response) == []
    assert "No other actor matches “Tatm” (the actors chosen already are not offered)." in (
        response.content.decode()
    )


def test_suggestion_puts_name_prefix_matches_first(client, timeline):
    names = suggested(client.get(reverse("actor-suggest"), {"q": "rus"}))
    assert names[0].lower().startswith("rus")
    prefix = [n for n in names if n.lower().startswith("rus")]
    assert names[: len(prefix)] == prefix


def test_suggestion_offers_at_most_ten_actors(client):
    for i in range(15):
        ActorFactory(name=f"Minister {i:02}")
    assert len(suggested(client.get(reverse("actor-suggest"), {"q": "minister"}))) == 10


def test_suggestion_without_a_match_says_so_and_offers_nothing(client, timeline):
    response = client.get(reverse("actor-suggest"), {"q": "Zzyzx"})
    assert response.status_code == 200
    assert suggested(response) == []
    assert "No actor matches" in response.content.decode()


def test_empty_suggestion_query_offers_nothing_without_querying(client, django_assert_num_queries):
    ActorFactory(name="Somebody")
    with django_assert_num_queries(0):
        response = client.get(reverse("actor-suggest"), {"q": "  "})
    assert suggested(response) == []


def test_suggestion_escapes_names(client):
    actor = ActorFactory(name='<b>"Bold"</b>')
    AliasFactory(actor=actor, name="<i>it</i>")
    body = client.get(reverse("actor-suggest"), {"q": "bold"}).content.decode()
    assert "<b>" not in body
    assert "<i>it" not in body
    assert "&lt;b&gt;&quot;Bold&quot;&lt;/b&gt;" in body


def test_suggestion_refuses_post(client):
    assert client.post(reverse("actor-suggest"), {"q": "x"}).status_code == 405


@pytest.mark.parametrize("rows", [1, 5, 10])
def test_suggestion_runs_the_same_queries_however_many_actors(
    client, django_assert_num_queries, rows
):
    for i in range(rows):
        actor = ActorFactory(name=f"General {i}")
        AliasFactory(actor=actor, name=f"Gen. {i}")
    # actors, their aliases
    with django_assert_num_queries(2):
        response = client.get(reverse("actor-suggest"), {"q": "gen"})
    assert len(suggested(response)) == rows
    assert Actor.objects.count() == rows


def test_suggestions_leave_out_actors_of_drafts_only_until_one_is_published(client, analyst):
    """Readers are not offered an actor known only from drafts, until one is published."""
    secret = ActorFactory(name="General Secret")
    draft = EventFactory(status="draft")
    draft.participations.create(actor=secret)
    ActorFactory(name="General Known")
    names = list(suggested(client.get(reverse("actor-suggest"), {"q": "gen"})))
    assert names == ["General Known"]
    client.force_login(analyst)
    names = list(suggested(client.get(reverse("actor-suggest"), {"q": "gen"})))
    assert names == ["General Known", "General Secret"]
    client.logout()
    Event.objects.filter(pk=draft.pk).update(status="published")
    names = list(suggested(client.get(reverse("actor-suggest"), {"q": "gen"})))
    assert names == ["General Known", "General Secret"]


# --- /actors/ and /actors/<slug>/ -------------------------------------------------------


def make_actor_events(rows: int) -> Actor:
    """``rows`` published events of one actor, each with a partner, a citation and a draft."""
    import datetime as dt

    from events.models import Event, Participation, Status
    from events.services import cite, locate
    from sources.services import import_source

    source, _ = import_source("Talks were held in Moscow.\n", title="S", key="s")
    hero = ActorFactory.create(name="Hero")
    AliasFactory.create(actor=hero, name="The Hero")
    partner = ActorFactory.create(name="Partner")
    for i in range(rows):
        event = Event.objects.create(
            title=f"Event {i}", status=Status.PUBLISHED, date_start=dt.date(2020 + i % 3, 1, 1)
        )
        cite(event, locate(source, "Talks were held"))
        Participation.objects.create(event=event, actor=hero, role="visitor")
        Participation.objects.create(event=event, actor=ActorFactory.create(), role="host")
        if i % 2 == 0:
            Participation.objects.create(event=event, actor=partner, role="participant")
    draft = Event.objects.create(title="Secret draft", status=Status.DRAFT)
    Participation.objects.create(event=draft, actor=hero, role="visitor")
    Participation.objects.create(event=draft, actor=ActorFactory.create(name="Secret partner"))
    return hero


@pytest.mark.parametrize("rows", [1, 5, 20])
def test_actor_list_runs_the_same_queries_however_many_actors(
    client, django_assert_num_queries, rows
):
    make_actor_events(rows)
    # the data generation token; cached until the next write (events.counts): the count, the
    # page's actors and their event counts; then those actors and their aliases
    with django_assert_num_queries(6):
        response = client.get(reverse("actor-list"))
    with django_assert_num_queries(3):  # the token, the actors, their aliases
        assert client.get(reverse("actor-list")).content == response.content
    body = response.content.decode()
    assert response.status_code == 200
    # Every actor but the one that appears only in a draft, and the header row.
    assert "Secret partner" not in body
    assert body.count("<tr>") == Actor.objects.exclude(name="Secret partner").count() + 1


def test_actor_list_shows_kind_aliases_and_counts_of_published_events(client):
    make_actor_events(3)
    body = client.get(reverse("actor-list")).content.decode()
    assert 'href="/actors/hero/">Hero</a>' in body
    assert "The Hero" in body
    assert ">3</a>" in body  # the draft is not counted for a reader
    assert "person" in body


def test_actor_list_counts_drafts_for_analysts(client, django_user_model):
    from django.contrib.auth.models import Group

    make_actor_events(3)
    # The group comes from a migration; get_or_create survives an earlier transactional flush.
    analysts, _ = Group.objects.get_or_create(name="analysts")
    analyst = django_user_model.objects.create_user("an-analyst", password="not-a-default-3")
    analyst.groups.add(analysts)
    client.force_login(analyst)
    assert ">4</a>" in client.get(reverse("actor-list")).content.decode()


@pytest.mark.parametrize("rows", [1, 5, 20])
def test_actor_page_runs_the_same_queries_however_many_events(
    client, django_assert_num_queries, rows
):
    make_actor_events(rows)
    hero = Actor.objects.get(slug="hero")
    for i in range(rows):
        post = Post.objects.create(title=f"Title {i}", organization=hero)
        Position.objects.create(holder=hero, post=post, start=dt.date(2000 + i, 1, 1))
    # actor, aliases, the event count, a page of events, participations, citations,
    # partners, positions; the time axis (extent, marks); the data generation token
    with django_assert_num_queries(11):
        response = client.get(reverse("actor-detail", args=["hero"]))
    assert response.status_code == 200
    assert response.content.decode().count('class="badge"') == rows + 1  # + the kind badge
    # Asked again before any write, the count, the page's ids, the partners and the axis
    # are cached: actor, aliases, the token, the page's events by id, positions
    with django_assert_num_queries(5):
        again = client.get(reverse("actor-detail", args=["hero"]))
    assert again.content == response.content


def test_actor_page_shows_aliases_events_and_partners_with_counts(client):
    make_actor_events(4)
    body = client.get(reverse("actor-detail", args=["hero"])).content.decode()
    assert "<h1>Hero" in body
    assert "Also written: The Hero" in body
    assert "4 events" in body
    assert 'href="/actors/partner/">Partner</a> <span class="meta">2 events</span>' in body
    assert "Secret" not in body  # neither the draft nor its actors
    assert 'href="/?actor=hero"' in body


def test_actor_page_of_an_unknown_slug_is_404(client, db):
    assert client.get(reverse("actor-detail", args=["nobody"])).status_code == 404


def test_actor_page_lists_tatmadaw_events_of_the_curated_timeline(client, timeline):
    from events.models import Event

    body = client.get(reverse("actor-detail", args=["tatmadaw"])).content.decode()
    tatmadaw = Actor.objects.get(slug="tatmadaw")
    events = Event.objects.published().filter(participations__actor=tatmadaw).distinct()
    assert body.count('class="badge"') == events.count() + 1
    assert "Min Aung Hlaing" in body


def test_timeline_links_actors_to_their_pages_with_telling_roles(client, timeline):
    body = client.get(reverse("timeline"), {"actor": "min-aung-hlaing"}).content.decode()
    assert (
        '<a href="/actors/min-aung-hlaing/">Min Aung Hlaing</a> <small class="role">visitor' in body
    )
    assert '<small class="role">participant' not in body


@pytest.mark.parametrize("written", ["Tatmadaw", "tatmado", "TATMADOR"])
def test_an_actor_address_by_name_or_alias_redirects_to_its_page(client, timeline, written):
    actor = Actor.objects.named(written).get()

    response = client.get(f"/actors/{written}/")

    assert response.status_code == 301
    assert response["Location"] == f"/actors/{actor.slug}/"


def test_an_unknown_actor_address_is_not_found(client, timeline):
    assert client.get("/actors/nobody-at-all/").status_code == 404


def test_actor_page_draws_the_time_axis_and_its_window_narrows_the_list(client):
    make_actor_events(3)
    page = client.get(reverse("actor-detail", args=["hero"])).content.decode()
    assert '<svg class="axis-svg"' in page
    bad = client.get(reverse("actor-detail", args=["hero"]), {"from": "June"})
    assert bad.status_code == 200
    assert "is not a date" in bad.content.decode()


@pytest.mark.parametrize(
    "path", ["/actors/", "/actors/tatmadaw/", "/sources/"], ids=["actors", "actor", "sources"]
)
@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("abc", "page: “abc” is not a page number; showing page 1."),
        ("0", "page: “0” is not a page number; showing page 1."),
        ("<b>2", "page: “&lt;b&gt;2” is not a page number; showing page 1."),  # escaped
        ("999", "page: there is only 1 page; showing page 1."),
        ("1", None),
        ("", None),
    ],
)
def test_a_page_that_is_not_there_says_so_and_shows_the_nearest(
    client, timeline, path, page, message
):
    """A stale or mistyped ?page= shows the nearest page, and says which and why, above the
    list (where the reader looks first), not below it."""
    response = client.get(path, {"page": page})
    body = response.content.decode()
    assert response.status_code == 200
    if message is None:
        assert 'role="status">page:' not in body
    else:
        note = f'<p class="meta page-problem" role="status">{message}</p>'
        assert note in body
        listed = {"/actors/": "actors-table", "/actors/tatmadaw/": 'class="year"'}
        assert body.index(note) < body.index(listed.get(path, "events sources"))
