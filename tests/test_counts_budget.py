"""The counts' time budget (events.counts): a count that runs out of it leaves the page a 200
with its events and a note instead of the counts (never a wrong number), and is computed in
the background under the same data generation, so the next request shows it from the cache.

The background thread has its own connection: it cannot see a test's uncommitted rows, so the
tests that wait for it are ``transaction=True`` (their rows are committed, then flushed).
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from events import counts
from events.models import Event, EventQuerySet, Participation
from tests.factories import ActorFactory, EventFactory
from tests.test_cached_counts import same

NOTE = "Counts are being computed; reload in a moment."


@pytest.fixture
def archive():
    """Three published events of Russia, over three years, with a co-actor on one."""
    russia, myanmar = ActorFactory(name="Russia"), ActorFactory(name="Myanmar")
    for year in (2019, 2020, 2021):
        event = EventFactory(
            published=True, title=f"Visit of {year}", date_start=dt.date(year, 3, 1)
        )
        Participation.objects.create(event=event, actor=russia)
    Participation.objects.create(event=event, actor=myanmar)
    cache.clear()
    return russia


def out_of_budget(compute, db):
    raise counts.OutOfBudget


def assert_pending_timeline(client) -> None:
    # A filtered list: the whole timeline's facets are read from the tallies (events.tally).
    response = client.get(reverse("timeline"), {"from": "2019"})
    assert response.status_code == 200
    html = response.content.decode()
    assert NOTE in html
    for year in (2019, 2020, 2021):
        assert f"Visit of {year}" in html
    # No number stands where a count is not known yet.
    assert response.context["count"] is None
    assert response.context["type_counts"] == []
    assert response.context["top_actors"] == []
    assert response.context["bars"] == []
    assert "none other" not in html
    assert " events match" not in html


@pytest.mark.django_db(transaction=True)
def test_counts_out_of_budget_are_computed_in_the_background_then_served(
    client, archive, monkeypatch
):
    monkeypatch.setattr(counts, "within_budget", out_of_budget)
    assert_pending_timeline(client)
    actor_page = reverse("actor-detail", args=[archive.slug])
    response = client.get(actor_page)
    assert response.status_code == 200
    assert NOTE in response.content.decode()
    assert "Visit of 2021" in response.content.decode()
    assert response.context["partners"] is None
    assert response.context["count"] == 3  # the count of an actor's events is not budgeted
    assert "No other actor shares" not in response.content.decode()
    embed = client.get(reverse("embed"))
    assert embed.status_code == 200
    assert "Counting the events; reload in a moment." in embed.content.decode()
    assert "Visit of 2021" in embed.content.decode()
    assert embed.context["count"] is None

    counts.join_background()
    # Still out of budget: every count now comes from the cache, and equals a plain filter's.
    response = client.get(reverse("timeline"), {"from": "2019"})
    assert NOTE not in response.content.decode()
    assert response.context["count"] == 3
    # The whole timeline's facets are the tallies': never out of budget.
    assert same(client)
    response = client.get(actor_page)
    assert NOTE not in response.content.decode()
    assert [row["actor__name"] for row in response.context["partners"]] == ["Myanmar"]
    embed = client.get(reverse("embed")).content.decode()
    assert "Counting the events" not in embed
    assert "3 events</strong>" in embed


@pytest.mark.postgresql  # SQLite's shared in-memory test database locks a table per reader
@pytest.mark.django_db(transaction=True)
def test_a_write_during_the_background_computation_keeps_its_result_out_of_the_cache(
    client, archive, monkeypatch
):
    """A value computed across a write is not stored (the next request computes it again)."""
    monkeypatch.setattr(counts, "within_budget", out_of_budget)
    original = EventQuerySet.type_counts

    def type_counts_then_a_write(self):
        value = original(self)
        EventFactory(published=True, title="Written meanwhile", date_start=dt.date(2022, 1, 1))
        return value

    monkeypatch.setattr(EventQuerySet, "type_counts", type_counts_then_a_write)
    assert_pending_timeline(client)
    counts.join_background()
    monkeypatch.setattr(EventQuerySet, "type_counts", original)
    monkeypatch.undo()
    assert same(client)
    assert client.get(reverse("timeline")).context["count"] == Event.objects.published().count()


def test_one_background_computation_per_key(db):
    """20 readers out of budget for the same count start one computation: a lock in the cache."""
    key = "events.counts:test:one"
    cache.add(f"{key}:computing", True)
    before = len(counts._threads)
    for _reader in range(20):
        counts.compute_later(key, None, lambda: 1, "default")
    assert len(counts._threads) == before
    assert cache.get(key) is None


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_count_cancelled_by_the_budget_on_postgresql(client, archive, monkeypatch, settings):
    """A real statement cancelled by ``SET LOCAL statement_timeout`` (a slow type count)."""
    settings.COUNTS_BUDGET_MS = 20
    original = EventQuerySet.type_counts

    def slow(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.5)")
        return original(self)

    monkeypatch.setattr(EventQuerySet, "type_counts", slow)
    assert_pending_timeline(client)
    # The budget ended with its savepoint: this connection has no statement timeout again.
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
    counts.join_background()
    response = client.get(reverse("timeline"))
    assert NOTE not in response.content.decode()
    assert same(client)


@pytest.mark.postgresql
@pytest.mark.django_db
def test_a_budget_inside_a_transaction_leaves_its_timeout_behind(client, archive, settings):
    """Within an outer transaction (a test's), a count done within the budget restores the
    transaction's statement timeout: a released savepoint keeps ``SET LOCAL``."""
    settings.COUNTS_BUDGET_MS = 60_000
    assert same(client)
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.django_db
def test_a_count_being_computed_is_pending_without_waiting_for_a_budget(archive, monkeypatch):
    """While a background computation holds a count's lock, a reader does not spend a budget
    on it (20 readers after a write would each wait that long)."""
    started: list[str] = []
    monkeypatch.setattr(counts, "within_budget", out_of_budget)
    monkeypatch.setattr(counts, "compute_later", lambda key, *args: started.append(key))
    assert counts.Counts(Event.objects.published(), budgeted=True).type_counts() is None
    [key] = started
    cache.add(f"{key}:computing", True)

    def no_budget_spent(compute, db):
        raise AssertionError("a budget spent on a count being computed")

    monkeypatch.setattr(counts, "within_budget", no_budget_spent)
    reader = counts.Counts(Event.objects.published(), budgeted=True)
    assert reader.type_counts() is None
    assert reader.pending
    assert started == [key, key]


@pytest.mark.postgresql
@pytest.mark.django_db
def test_a_count_cancelled_inside_a_transaction_leaves_it_usable(
    client, archive, monkeypatch, settings
):
    """Within an outer transaction (a test's), a cancelled count rolls back its savepoint
    only: the page is a 200 and the transaction goes on, without the budget."""
    settings.COUNTS_BUDGET_MS = 20
    original = EventQuerySet.type_counts

    def slow(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.5)")
        return original(self)

    monkeypatch.setattr(EventQuerySet, "type_counts", slow)
    assert_pending_timeline(client)
    counts.join_background()  # (it cannot see this test's rows: nothing is stored)
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
    assert Event.objects.published().count() == 3
