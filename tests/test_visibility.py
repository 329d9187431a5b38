"""One visibility rule: a draft and an actor that appears only in drafts are seen by analysts
only, on every page, fragment, count, API endpoint, export, suggestion, search and history.

The test walks ``config/urls.py``: every named address (but the admin's) must be visited, so a
new page is covered the day it is added.
"""

import contextlib
import datetime as dt
import html
import json
from typing import Any
from urllib.parse import quote as urlquote
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve

from events.models import Actor, Event, Status
from events.services import ActorChoice, NewCitation, locate, save_event
from tests.factories import ActorFactory, SourceFactory

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Zebra4711 secret talks"
SECRET_ACTOR = "Quixotl Draftonly"
SECRET = (SECRET_TITLE, SECRET_ACTOR, "quixotl-draftonly")


@pytest.fixture
def world(db):
    """A published visit and a draft citing the same source; the draft names a new actor."""
    source = SourceFactory(key="moscow-report", published_date=dt.date(2021, 6, 24))
    known = ActorFactory(name="Min Aung Hlaing")
    published = save_event(
        Event(
            title="Min Aung Hlaing visits Moscow",
            type="visit",
            status=Status.PUBLISHED,
            date_start=dt.date(2021, 6, 22),
        ),
        actors=[ActorChoice(role="visitor", actor=known)],
        citations=[NewCitation(locate(source, "Min Aung Hlaing visited Moscow on June 22."))],
    )
    draft = save_event(
        Event(
            title=SECRET_TITLE,
            type="meeting",
            status=Status.DRAFT,
            date_start=dt.date(2021, 6, 23),
        ),
        actors=[
            ActorChoice(role="host", name=SECRET_ACTOR, kind="person"),
            ActorChoice(role="visitor", actor=known),
        ],
        citations=[NewCitation(locate(source, "He met Sergei Shoigu in Moscow."))],
    )
    # A second version, so the history has something to show.
    draft.summary = f"Talks with {SECRET_ACTOR}."
    draft = save_event(draft, base_version=draft.version)
    secret = Actor.objects.get(name=SECRET_ACTOR)
    return {
        "source": source,
        "published": published,
        "draft": draft,
        "secret": secret,
        "known": known,
        "draft_citation": draft.citations.get(),
        "draft_history": draft.history.order_by("history_id").first().history_id,
    }


def addresses(world) -> list[str]:
    """Every address of the site with the draft's and its actor's ids, keys and names."""
    draft, published, source = world["draft"], world["published"], world["source"]
    secret, known = world["secret"], world["known"]
    passage = source.passages.get(index=1)
    pages = [
        "/",
        "/?q=Zebra4711",
        f"/?q={urlquote(SECRET_ACTOR)}",
        f"/?actor={secret.slug}",
        f"/?actor={urlquote(SECRET_ACTOR)}",
        f"/?source={source.key}",
        "/?year=2021",
        "/?type=meeting",
        "/?lanes=actor",
        "/?lanes=actor&from=2021-06&to=2021-06",
        "/embed/",
        "/embed/?lanes=actor",
        "/embed/?q=Zebra4711",
        f"/embed/?actor={secret.slug}",
        "/actors/",
        "/actors/suggest/?q=Quix",
        "/actors/suggest/?q=draftonly",
        f"/actors/{secret.slug}/",
        f"/actors/{urlquote(SECRET_ACTOR)}/",
        f"/actors/{known.slug}/",
        f"/actors/{secret.slug}/positions/",
        "/events/new/",
        "/events/parse-date/?date_text=June+2021",
        f"/events/cite-search/?q=Zebra4711&passage={passage.pk}&start=0&end=10",
        f"/events/cite-search/?q=June+2021&passage={passage.pk}&start=0&end=10",
        f"/events/{draft.pk}/",
        f"/events/{published.pk}/",
        f"/events/{draft.pk}/edit/",
        f"/events/{draft.pk}/delete/",
        f"/events/{draft.pk}/cite/",
        f"/events/{draft.pk}/history/",
        f"/events/{published.pk}/history/",
        f"/events/{draft.pk}/history/{world['draft_history']}/restore/",
        "/sources/",
        "/sources/new/",
        f"/sources/{source.pk}/",
        f"/sources/{source.pk}/edit/",
        f"/sources/{source.pk}/history/",
        f"/sources/{source.pk}/suggestions/",
        f"/sources/{source.pk}/suggestions/add/",
        f"/sources/{source.pk}/suggestions/dismiss/",
        "/healthz",
        "/favicon.ico",
    ]
    api = [
        "/api/",
        "/api/.json",
        "/api/schema/",
        "/api/docs/",
        f"/api/sources/{source.pk}/suggestions/",
        "/api/events/",
        "/api/events/?q=Zebra4711",
        f"/api/events/?actor={secret.slug}",
        "/api/events.json",
        f"/api/events/{draft.pk}/",
        f"/api/events/{draft.pk}.json",
        f"/api/events/{published.pk}/",
        "/api/actors/",
        "/api/actors/?q=Quix",
        "/api/actors.json",
        f"/api/actors/{secret.slug}/",
        f"/api/actors/{secret.slug}.json",
        "/api/sources/",
        "/api/sources.json",
        f"/api/sources/{source.pk}/",
        f"/api/sources/{source.pk}.json",
        "/api/citations/",
        "/api/citations.json",
        f"/api/citations/{world['draft_citation'].pk}/",
        f"/api/citations/{world['draft_citation'].pk}.json",
        "/api/nothing-here/",
    ]
    exports = [
        f"/api/events/?format={fmt}{query}"
        for fmt in ("json", "csv", "ics", "timelinejs")
        for query in ("", "&q=Zebra4711", f"&source={source.key}")
    ] + [f"/api/events/{draft.pk}/?format={fmt}" for fmt in ("csv", "ics", "timelinejs")]
    accounts = [
        "/accounts/login/",
        "/accounts/logout/",
        "/accounts/password_change/",
        "/accounts/password_change/done/",
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/done/",
    ]
    return pages + api + exports + accounts


def named_addresses() -> set[str]:
    names = set()

    def walk(resolver) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if getattr(pattern, "app_name", None) != "admin":
                    walk(pattern)
            elif pattern.name:
                names.add(pattern.name)

    walk(get_resolver())
    return names


def seen(response) -> str:
    """Everything a client gets: the body (unescaped, JSON decoded) and the headers."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    with contextlib.suppress(ValueError):
        text += json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(text) + " ".join(f"{k}: {v}" for k, v in response.items())


def visit_all(client: Client, world) -> dict[str, str]:
    seen_at = {}
    for url in addresses(world):
        variants: tuple[dict[str, Any], ...] = ({}, {"HTTP_HX_REQUEST": "true"})
        for headers in variants:
            seen_at[f"{url} {headers}"] = seen(client.get(url, **headers))
    return seen_at


def test_every_named_address_is_visited(world):
    visited = set()
    for url in addresses(world):
        path = url.split("?")[0]
        with contextlib.suppress(Resolver404):
            visited.add(resolve(path).url_name)
    assert named_addresses() - visited == set()


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_drafts_and_their_actors_never_reach_non_analysts(client, reader, world, who):
    if who == "reader":
        client.force_login(reader)

    # What the address itself says (a search for the name) may be echoed; nothing else may.
    leaks = {
        url: [
            s for s in SECRET if s.lower() in text.lower() and s.lower() not in unquote(url).lower()
        ]
        for url, text in visit_all(client, world).items()
    }

    assert {url: found for url, found in leaks.items() if found} == {}


def test_analysts_see_the_draft_and_its_actor(client, analyst, world):
    client.force_login(analyst)
    pages = visit_all(client, world)

    def shows(url: str, text: str) -> bool:
        return text.lower() in pages[f"{url} {{}}"].lower()

    source = world["source"]
    assert shows(f"/sources/{source.pk}/", SECRET_TITLE)
    assert shows("/actors/", SECRET_ACTOR)
    assert shows("/actors/suggest/?q=Quix", SECRET_ACTOR)
    assert shows(f"/actors/{world['secret'].slug}/", SECRET_TITLE)
    assert shows("/api/actors/", SECRET_ACTOR)
    assert shows("/api/events/?format=csv", SECRET_TITLE)
    assert shows("/?q=Zebra4711", SECRET_TITLE)
    assert shows(f"/events/{world['draft'].pk}/history/", SECRET_ACTOR)


@pytest.mark.parametrize("who", ["anonymous", "reader", "analyst"])
def test_source_citation_counts_count_only_visible_citations(client, reader, analyst, world, who):
    if who != "anonymous":
        client.force_login({"reader": reader, "analyst": analyst}[who])

    body = html.unescape(client.get("/sources/").content.decode())

    assert ("2 citations" if who == "analyst" else "1 citation ") in body


def test_analysts_list_drafts_only_and_readers_asking_for_drafts_get_none(
    client, analyst, reader, world
):
    """``status=draft``: the analysts' review list (timeline, API, exports); a reader asking
    for drafts gets none (they see published events whatever they ask)."""
    drafts = Event.objects.filter(status=Status.DRAFT).count()
    assert drafts
    client.force_login(analyst)
    page = client.get("/", {"status": "draft"})
    assert page.context["count"] == drafts
    assert all(e.status == Status.DRAFT for e in page.context["events"])
    assert '<option value="draft" selected>drafts only</option>' in page.content.decode()
    body = client.get("/api/events/", {"status": "published"}).json()
    assert body["count"] == Event.objects.filter(status=Status.PUBLISHED).count()
    assert {row["status"] for row in body["results"]} == {"published"}
    bad = client.get("/api/events/", {"status": "secret"})
    assert bad.status_code == 400
    assert "status: use status=draft or status=published" in bad.json()["status"][0]
    for who in (None, reader):
        client.logout()
        if who:
            client.force_login(who)
        page = client.get("/", {"status": "draft"})
        assert page.context["count"] == 0
        assert 'name="status"' not in page.content.decode()  # no such choice for readers
        assert client.get("/api/events/", {"status": "draft"}).json()["count"] == 0


def test_a_draft_only_actor_is_an_unknown_name_to_readers(client, analyst, reader):
    """A reader cannot tell that an actor known only from drafts exists: the filter answers
    as for a name nobody has (a review saw "0 events match" instead)."""
    secret = Actor.objects.create(name="Zyxwv Hidden", kind="person", slug="zyxwv-hidden")
    secret.aliases.create(name="Zyxrev")
    draft = Event.objects.create(title="A draft", type="visit", date_start=dt.date(2021, 1, 1))
    draft.participations.create(actor=secret)
    unknown = "no actor or title is named “{}”"
    for who in (None, reader):
        client.logout()
        if who:
            client.force_login(who)
        for name in ("zyxrev", "nobody-at-all"):
            page = client.get("/", {"actor": name})
            assert unknown.format(name) in html.unescape(page.content.decode())
            api = client.get("/api/events/", {"actor": name})
            assert api.status_code == 400
            assert unknown.format(name) in api.json()["actor"][0]
    client.force_login(analyst)
    assert client.get("/", {"actor": "zyxrev"}).context["count"] == 1
    assert client.get("/api/events/", {"actor": "zyxrev"}).json()["count"] == 1


def test_which_actors_a_reader_may_see_follows_their_events(db):
    """Seen: an actor with a published event, or with none at all; hidden: one whose events
    are all drafts, until one is published or the drafts are gone (their tallies at 0)."""
    from django.contrib.auth.models import AnonymousUser

    from events.models import Participation
    from tests.factories import EventFactory

    def seen() -> set[str]:
        return set(Actor.objects.visible_to(AnonymousUser()).values_list("name", flat=True))

    _, public, secret, both = (ActorFactory(name=n) for n in ("Idle", "Public", "Secret", "Both"))
    published, draft = EventFactory(published=True), EventFactory(published=False)
    for event, actor in ((published, public), (draft, secret), (published, both), (draft, both)):
        Participation.objects.create(event=event, actor=actor)
    assert seen() == {"Idle", "Public", "Both"}
    draft.delete()
    assert seen() == {"Idle", "Public", "Secret", "Both"}
    Participation.objects.create(event=EventFactory(published=False), actor=secret)
    assert seen() == {"Idle", "Public", "Both"}
    Event.objects.filter(participations__actor=secret).update(status=Status.PUBLISHED)
    assert seen() == {"Idle", "Public", "Secret", "Both"}


def test_actor_names_resolve_as_the_querysets_say_for_every_viewer(db, reader, analyst):
    """The actor filter's lookup (``visible_actors_and_titles``: SQL compiled once per
    visibility, run with each call's name) finds what ``visible_to(user)``,
    ``actor_ids_named`` and ``Post.objects.named`` find, call after call with other names."""
    from django.contrib.auth.models import AnonymousUser

    from events.models import (
        Participation,
        Post,
        PostAlias,
        actor_ids_named,
        visible_actors_and_titles,
    )
    from tests.factories import EventFactory

    public, secret, idle = (ActorFactory(name=n) for n in ("Public One", "Secret Two", "Idle"))
    public.aliases.create(name="P1")
    secret.aliases.create(name="S2")
    Participation.objects.create(event=EventFactory(published=True), actor=public)
    Participation.objects.create(event=EventFactory(published=False), actor=secret)
    post = Post.objects.create(title="Coup leader")
    PostAlias.objects.create(post=post, name="Myanmar’s coup maker")
    asked = [
        "Public One",
        "public one",
        " P1 ",
        public.slug.upper(),
        "S2",
        "secret two",
        "idle",
        "nobody",
        "the coup leader",
        "MYANMAR'S  coup maker",
        "coup",
    ]
    for user in (AnonymousUser(), reader, analyst):
        for name in asked:
            actors = Actor.objects.visible_to(user).filter(pk__in=actor_ids_named([name]))
            posts = Post.objects.named(name)
            assert visible_actors_and_titles(name, user) == (
                sorted(actors.values_list("pk", flat=True)),
                sorted(posts.values_list("pk", flat=True)),
            )
    assert visible_actors_and_titles("S2", AnonymousUser()) == ([], [])
    assert visible_actors_and_titles("S2", analyst) == ([secret.pk], [])
    assert visible_actors_and_titles(" idle ", reader) == ([idle.pk], [])
    assert visible_actors_and_titles("the coup leader", reader) == ([], [post.pk])
