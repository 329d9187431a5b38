"""The embeddable view /embed/: read-only, published only, framable by other sites."""

import datetime as dt

import pytest
from django.urls import reverse

from events.models import Status
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_embed_shows_the_axis_and_the_filtered_published_events_without_header_or_form(
    client, analyst
):
    EventFactory(published=True, title="Talks in Moscow", date_start=dt.date(2021, 6, 22))
    EventFactory(published=True, title="Older visit", date_start=dt.date(2016, 3, 1))
    EventFactory(title="A draft", status=Status.DRAFT, date_start=dt.date(2021, 6, 23))
    client.force_login(analyst)  # even an analyst's embed shows published events only
    response = client.get(reverse("embed"), {"year": "2021"})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="axis-svg"' in body
    assert "Talks in Moscow" in body
    assert "Older visit" not in body
    assert "A draft" not in body
    assert "<form" not in body
    assert 'class="site"' not in body
    assert 'href="/?year=2021" target="_blank"' in body


def test_only_the_embed_may_be_framed_by_other_sites(client):
    EventFactory(published=True)
    embed = client.get(reverse("embed"))
    assert "X-Frame-Options" not in embed
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    page = client.get(reverse("timeline"))
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_embed_axis_links_stay_in_the_embed(client):
    EventFactory(published=True, date_start=dt.date(2021, 6, 22))
    body = client.get(reverse("embed"), {"year": "2021"}).content.decode()
    assert 'href="/embed/?from=2021-06&amp;to=2021-06"' in body
    assert "hx-get" not in body


def test_every_link_out_of_the_embed_opens_a_new_tab(client):
    """Framed on another site, a link that stayed in the frame would load a page that refuses
    to be framed: only the axis's own links stay in the embed."""
    import re

    EventFactory(published=True, date_start=dt.date(2021, 6, 22))
    body = client.get(reverse("embed"), {"year": "2021"}).content.decode()
    links = re.findall(r"<a [^>]*>", body)
    assert any("/sources/" in link for link in links)
    for link in links:
        if 'href="/embed/' not in link:
            assert 'target="_blank"' in link, link


def test_the_embed_shows_the_last_write(client):
    """Its count, list and axis are cached until the next write only."""
    EventFactory(published=True, title="First talks", date_start=dt.date(2021, 6, 22))
    assert "1 event</strong>" in client.get(reverse("embed")).content.decode()
    EventFactory(published=True, title="Second talks", date_start=dt.date(2021, 7, 22))
    body = client.get(reverse("embed")).content.decode()
    assert "2 events</strong>" in body
    assert "Second talks" in body


def test_a_bad_filter_is_a_clear_message(client):
    response = client.get(reverse("embed"), {"from": "June"})
    assert response.status_code == 400
    assert "is not a date" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 10, 30])
def test_embed_runs_the_same_queries_however_many_events(client, django_assert_num_queries, rows):
    for i in range(rows):
        EventFactory(published=True, date_start=dt.date(2021, 1, 1) + dt.timedelta(days=i))
    # the data generation, the count, events, participations, citations, the axis (extent,
    # marks); asked again before any write, the count, the page's ids and the axis are cached
    with django_assert_num_queries(7):
        first = client.get(reverse("embed")).content
    with django_assert_num_queries(4):
        assert client.get(reverse("embed")).content == first


@pytest.mark.parametrize(
    "path", ["/embed/?year=2021", "/?from=2021-06&to=2021-06&lanes=actor", "/actors/x/"]
)
def test_axis_pages_have_no_inline_script_or_style(client, path):
    from tests.factories import ActorFactory
    from tests.test_csp import inline_problems

    actor = ActorFactory(name="X", slug="x")
    event = EventFactory(published=True, date_start=dt.date(2021, 6, 22), date_approximate=True)
    event.participations.create(actor=actor)
    response = client.get(path)
    assert response.status_code == 200
    assert '<svg class="axis-svg"' in response.content.decode()
    assert inline_problems(response.content.decode()) == []


@pytest.mark.django_db(transaction=True)  # the background counts on its own connection
def test_an_embed_still_counting_asks_again_by_itself_until_the_count_is_in(client, monkeypatch):
    """Framed on a newsroom's page, nobody reloads the embed: while its counts are out of
    their time budget its note asks for the same embed again every 3 s (htmx, served by
    django-htmx under the page's own CSP) and swaps in its results once counted."""
    import re

    from django.core.cache import cache

    from events import counts
    from tests.test_counts_budget import out_of_budget
    from tests.test_csp import inline_problems, policy

    EventFactory(published=True, title="Talks in Moscow", date_start=dt.date(2021, 6, 22))
    cache.clear()
    monkeypatch.setattr(counts, "within_budget", out_of_budget)
    try:
        response = client.get(reverse("embed"), {"year": "2021"})
        body = response.content.decode()
        assert "Talks in Moscow" in body
        note = re.search(r'<span class="counts-pending"[^>]*>([^<]*)</span>', body)
        assert note is not None
        assert note[1] == "Counting the events; reload in a moment."
        for attribute in (
            'hx-get="/embed/?year=2021"',
            'hx-trigger="load delay:3s"',
            'hx-select="#results"',
            'hx-target="#results"',
            'hx-swap="outerHTML"',
        ):
            assert attribute in note[0]
        assert '<main id="results">' in body
        assert '<script src="/static/django_htmx/htmx-2.min.js" defer>' in body
        assert '"allowEval":false' in body
        assert inline_problems(body) == []
        assert policy(response)["script-src"] == "'self'"
        assert policy(response)["frame-ancestors"] == "*"

        counts.join_background()
        again = client.get(reverse("embed"), {"year": "2021"}, headers={"HX-Request": "true"})
        body = again.content.decode()
        assert "counts-pending" not in body
        assert "hx-get" not in body  # counted: nothing asks again
        assert '<strong class="count">1 event</strong>' in body
        assert '<main id="results">' in body  # what the note's hx-select takes
    finally:
        counts.join_background()
