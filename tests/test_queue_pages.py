"""A page of the suggestion queue (and of its API) compares only its own proposals with the
recorded events, and shows each exactly as the review of every proposal does."""

import datetime as dt
import re
from collections import Counter

import pytest
from django.urls import reverse

from sources.models import Source
from sources.services import import_source
from suggestions import views
from suggestions.services import Review, enrich, review, standings
from tests.factories import EventFactory
from tests.test_suggestions import actors, fresh_cache, new_source  # noqa: F401

pytestmark = pytest.mark.django_db


def seen(item: Review) -> tuple:
    """What the queue and the API show of a proposal's standing."""
    return (
        item.proposal.key,
        item.status,
        list(item.cited_by),
        list(item.cited_for_other_dates),
        [e.pk for e in item.corroborates],
        [e.pk for e in item.overlapping],
    )


@pytest.fixture
def curated_sources(published_timeline) -> list[Source]:
    """The curated sources against the curated timeline: proposals done, cited for another
    date, corroborating an event, new; dates written and dates to check."""
    # The curated proposals are all done or corroborate an event: one no event records yet.
    import_source(
        "On 3 March 1962, Min Aung Hlaing visited Moscow for talks with Sergei Shoigu.\n",
        title="A new one",
        key="a-new-one",
        reference_date=dt.date(1962, 3, 10),
    )
    sources = list(Source.objects.order_by("key"))
    items = [item for source in sources for item in review(source)]
    assert set(Counter(item.status for item in items)) == {"done", "corroboration", "new"}
    assert any(item.cited_for_other_dates for item in items)
    assert any(item.proposal.needs_review for item in items)
    assert sum(1 for item in items if not item.overlapping) <= 1  # the new one's year has none
    return sources


def test_a_page_enriched_alone_is_the_same_as_in_the_whole_review(curated_sources):
    for source in curated_sources:
        whole = [seen(item) for item in review(source)]
        items = standings(source).reviews
        assert [item.proposal.key for item in items] == [key for key, *_ in whole]
        for first in range(0, len(items), 7):
            assert [seen(item) for item in enrich(items[first : first + 7])] == (
                whole[first : first + 7]
            )


def test_an_open_proposal_has_no_standing_before_it_is_enriched(curated_sources):
    items = [item for source in curated_sources for item in standings(source).reviews]
    done = next(item for item in items if item.done)
    assert done.status == "done"  # (known from the citations alone)
    open_one = next(item for item in items if not item.done)
    with pytest.raises(ValueError, match="enrich"):
        _ = open_one.status


def test_the_api_pages_show_what_the_whole_list_shows(curated_sources, analyst, client):
    client.force_login(analyst)
    for source in curated_sources:
        url = reverse("api-source-suggestions", args=[source.pk])
        whole = client.get(url).json()
        paged = []
        for number in range(1, -(-len(whole) // 4) + 1):
            paged += client.get(url, {"page": number, "page_size": 4}).json()
        assert paged == whole
        assert {item["standing"] for item in whole} <= {"new", "corroboration", "done"}


def test_the_queue_pages_offer_the_events_the_whole_review_offers(
    curated_sources, analyst, client, monkeypatch
):
    monkeypatch.setattr(views, "QUEUE_PAGE", 4)
    client.force_login(analyst)
    for source in curated_sources:
        whole = {item.proposal.key: item for item in review(source)}
        shown = set()
        for number in range(1, -(-len(whole) // 4) + 1):
            html = client.get(reverse("source-suggestions", args=[source.pk]), {"page": number})
            for key, status, block in re.findall(
                r'<li id="s-([^"]+)" class="[^"]*" data-status="([^"]+)">(.*?)</li>',
                html.content.decode(),
                re.S,
            ):
                item = whole[key]
                assert status == item.status
                if not item.done:  # "Add to": the events it corroborates, then the others
                    offered = [int(pk) for pk in re.findall(r'<option value="(\d+)"', block)]
                    assert offered == [e.pk for e in item.overlapping]
                    added = [int(pk) for pk in re.findall(r'name="event" value="(\d+)"', block)]
                    assert added == ([e.pk for e in item.corroborates] if item.one_click else [])
                shown.add(key)
        assert shown == set(whole)


# --- The cost of a page is the page's ------------------------------------------------------


def chronology(n: int) -> str:
    """``n`` dated lines, each a visit of Min Aung Hlaing to Yangon in October 2021."""
    return "A long chronology.\n" + "".join(
        f"October {i % 28 + 1}: Min Aung Hlaing visits Yangon (visit {i}).\n" for i in range(n)
    )


@pytest.fixture
def visits(actors):  # noqa: F811
    """Events the proposals corroborate, so the page compares them with events."""
    for day in (1, 2, 3):
        event = EventFactory(title=f"Visit {day}", date_start=dt.date(2021, 10, day))
        event.participations.create(actor=actors["mah"], role="visitor")


@pytest.mark.parametrize(
    ("name", "query", "queries"),
    [
        # Session, user, groups, source, passages, actors, aliases, title holders, title
        # aliases, dismissals, citations; for the page's proposals only: the events sharing
        # their actors and dates, the other events of their dates, those events.
        ("source-suggestions", {"page": 1}, 14),
        # The same (signed in by the session here).
        ("api-source-suggestions", {"page": 1, "page_size": 50}, 14),
    ],
)
def test_a_page_s_queries_are_as_many_and_as_long_for_a_short_source_as_for_a_long_one(
    visits, analyst, client, django_assert_num_queries, name, query, queries
):
    client.force_login(analyst)
    longest = []
    for n in (60, 600):  # (the first page holds 50 of each)
        url = reverse(name, args=[new_source(chronology(n), key=f"c-{n}").pk])
        client.get(url, query)  # the extraction, cached, and the session
        with django_assert_num_queries(queries) as captured:
            response = client.get(url, query)
        assert response.status_code == 200
        longest.append(max(len(q["sql"]) for q in captured.captured_queries))
    # Comparing 50 proposals with the events, not 600: the page's longest query (the
    # proposals' dates and actors) is no longer for the long source than for the short one.
    short, long = longest
    assert long < short * 1.2


def test_the_whole_api_list_still_reviews_every_proposal(visits, analyst, client):
    client.force_login(analyst)
    source = new_source(chronology(120), key="whole")
    url = reverse("api-source-suggestions", args=[source.pk])
    data = client.get(url).json()
    assert len(data) == 120
    assert {item["standing"] for item in data} == {"corroboration", "new"}
    assert [item["standing"] for item in data] == [item.status for item in review(source)]
