"""The counts' cache is shared by the worker processes (a table in the database by default,
CACHE_URL), ``migrate`` makes its table, and an import warms the unfiltered pages' counts so
their first visitor computes none (events.counts)."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import lib.cache
from config.settings import env_cache
from events import counts
from events.models import Participation
from tests.conftest import run
from tests.factories import ActorFactory, EventFactory

pytestmark = pytest.mark.django_db

DATABASE_CACHE = {"default": env_cache("NO_SUCH_VARIABLE", "db://timeline_test_cache")}


def counting(queries) -> list[str]:
    """The statements that count events or participants (the work the cache saves)."""
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def get(client, path: str, **params) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        body = client.get(path, params).content.decode()
    return body, counting(captured.captured_queries)


def some_events() -> None:
    russia, myanmar = ActorFactory.create(name="Russia"), ActorFactory.create(name="Myanmar")
    for year in (2019, 2020, 2021):
        event = EventFactory.create(published=True, date_start=dt.date(year, 3, 1))
        Participation.objects.create(event=event, actor=russia)
        Participation.objects.create(event=event, actor=myanmar)


def test_cache_url_defaults_to_a_table_in_the_database(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    cache = env_cache("CACHE_URL", "db://timeline_cache")
    assert cache["BACKEND"] == "lib.cache.DatabaseCache"
    assert cache["LOCATION"] == "timeline_cache"


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("db://shared_counts", "lib.cache.DatabaseCache", "shared_counts"),
        (
            "file:///var/cache/timeline",
            "django.core.cache.backends.filebased.FileBasedCache",
            "/var/cache/timeline",
        ),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", ""),
    ],
)
def test_cache_url_names_the_backend(monkeypatch, url, backend, location):
    monkeypatch.setenv("CACHE_URL", url)
    cache = env_cache("CACHE_URL", "db://timeline_cache")
    assert cache["BACKEND"] == backend
    assert cache["LOCATION"] == location


@pytest.mark.parametrize(
    "url", ["redis://localhost", "db://", "db://drop table", "file://relative/dir", "timeline"]
)
def test_a_malformed_cache_url_stops_the_app_naming_it(monkeypatch, url):
    monkeypatch.setenv("CACHE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        env_cache("CACHE_URL", "db://timeline_cache")


def test_migrate_creates_the_cache_table(tmp_path):
    """`make run`'s migrate makes the default cache's table: no extra step, no extra service."""
    database = tmp_path / "fresh.sqlite3"
    environment = {
        k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "migrate", "--no-input", "-v0"],
        env=environment
        | {"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY_FILE": str(tmp_path / "k")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "timeline_cache" in tables


@override_settings(CACHES=DATABASE_CACHE)
def test_counts_computed_once_are_read_from_the_shared_table_until_a_write(client):
    call_command("createcachetable", verbosity=0)
    some_events()
    body, counted = get(client, "/")
    assert counted  # the first request computes the counts...
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM timeline_test_cache")
        assert cursor.fetchone()[0] > 0  # ...into the table every worker reads
    assert get(client, "/") == (body, [])  # the same page, no count computed

    # A write: the counts are computed again, and show it.
    EventFactory(published=True, date_start=dt.date(2022, 1, 1))
    body, counted = get(client, "/")
    assert counted
    assert "4 events" in body


@override_settings(CACHES=DATABASE_CACHE)
def test_the_actor_list_reads_its_event_counts_from_the_cache(client):
    call_command("createcachetable", verbosity=0)
    some_events()
    body, counted = get(client, reverse("actor-list"))
    assert counted
    assert get(client, reverse("actor-list")) == (body, [])
    Participation.objects.create(event=EventFactory(published=True), actor=ActorFactory())
    body, counted = get(client, reverse("actor-list"))
    assert counted
    assert body.count("<tr>") == 4  # the header and three actors


def test_an_import_warms_the_unfiltered_pages_for_readers_and_analysts(client, admin_user):
    run("load_timeline")
    for path in ("/", reverse("actor-list")):
        assert get(client, path)[1] == []
    client.force_login(admin_user)
    for path in ("/", reverse("actor-list")):
        assert get(client, path)[1] == []
    # A filtered page is not warmed: its first visitor computes its counts.
    assert get(client, "/", year="2021")[1]


def test_warming_leaves_the_counts_a_plain_request_computes(client):
    some_events()
    cold = client.get("/").content.decode()
    EventFactory(published=True, date_start=dt.date(2023, 1, 1))  # a new token, nothing cached
    counts.warm()
    warmed, counted = get(client, "/")
    assert counted == []
    EventFactory(published=False, date_start=dt.date(2023, 1, 1))  # a draft: new token only
    assert client.get("/").content.decode() == warmed
    assert "4 events" in warmed
    assert "3 events" in cold


def test_an_event_card_is_rendered_once_until_a_write_changes_it(client):
    some_events()
    with CaptureQueriesContext(connection) as first:
        body = client.get("/").content.decode()
    with CaptureQueriesContext(connection) as again:
        assert client.get("/").content.decode() == body
    reads = [q["sql"] for q in again.captured_queries]
    assert len(reads) < len(first.captured_queries)
    assert not [sql for sql in reads if "events_citation" in sql or "events_participation" in sql]

    # A new participant (a write): the event's card shows it on the next request.
    event = EventFactory(published=True, date_start=dt.date(2024, 5, 1))
    Participation.objects.create(event=event, actor=ActorFactory(name="Laos"))
    assert ">Laos</a>" in client.get("/").content.decode()
    Participation.objects.filter(actor__name="Laos").delete()
    assert ">Laos</a>" not in client.get("/").content.decode()


def test_the_api_serves_each_event_json_from_the_cache_until_a_write(client):
    some_events()
    first = client.get("/api/events/").json()
    with CaptureQueriesContext(connection) as again:
        assert client.get("/api/events/").json() == first
    reads = [q["sql"] for q in again.captured_queries]
    assert not [sql for sql in reads if "events_citation" in sql or "events_participation" in sql]
    assert first["results"][0]["url"].startswith("http://testserver/api/events/")

    event = Participation.objects.first().event
    Participation.objects.create(event=event, actor=ActorFactory(name="Laos"))
    changed = client.get("/api/events/").json()["results"]
    assert "Laos" in [actor["name"] for row in changed for actor in row["actors"]]
    # The links are absolute: another host name gets its own.
    other = client.get("/api/events/", SERVER_NAME="localhost").json()["results"][0]["url"]
    assert other.startswith("http://localhost/api/events/")


def test_the_source_reader_marks_a_new_citation_at_once(client):
    from events.services import cite, locate
    from sources.services import import_source

    source, _ = import_source("Talks were held in Moscow. Arms were delivered.", title="S", key="s")
    first = EventFactory.create(published=True, title="The talks")
    cite(first, locate(source, "Talks were held in Moscow"))
    url = reverse("source-detail", args=[source.pk])
    assert client.get(url).content.decode().count("<mark") == 1
    assert client.get(url).content.decode().count("<mark") == 1  # from the cache

    second = EventFactory.create(published=True, title="The delivery")
    cite(second, locate(source, "Arms were delivered"))
    body = client.get(url).content.decode()
    assert body.count("<mark") == 2
    assert "The delivery" in body


def test_warm_counts_warms_the_unfiltered_pages_after_any_write(client):
    some_events()
    EventFactory.create(published=True, date_start=dt.date(2024, 1, 1))  # a write: cold
    assert "Counts warmed" in run("warm_counts")
    for path in ("/", reverse("actor-list")):
        assert get(client, path)[1] == []


# The database cache's writes (lib.cache): one statement for many keys, Django's semantics.


@pytest.fixture
def table_cache():
    from django.core.cache import caches

    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "lib.cache.DatabaseCache",
                "LOCATION": "timeline_test_cache",
                "OPTIONS": {"MAX_ENTRIES": 30, "CULL_FREQUENCY": 3},
            }
        }
    ):
        call_command("createcachetable", verbosity=0)
        cache = caches["default"]
        cache.clear()
        lib.cache._written_since_count.clear()  # this process has not counted the table yet
        yield cache


def test_many_keys_are_written_in_one_statement_and_read_back(table_cache):
    values = {
        f"event:{n}": {"id": n, "title": f"Événement <{n}>", "ids": [n, n + 1]} for n in range(25)
    }
    with CaptureQueriesContext(connection) as writes:
        assert table_cache.set_many(values) == []
    inserts = [q["sql"] for q in writes.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert table_cache.get_many(list(values)) == values
    assert table_cache.get("event:3") == values["event:3"]


def test_a_key_written_again_takes_the_new_value_and_expiry(table_cache):
    table_cache.set("count", 1, timeout=None)
    table_cache.set_many({"count": 2, "other": None}, timeout=None)
    assert table_cache.get("count") == 2
    assert table_cache.get("other", "missing") is None  # None is a value, as in Django's
    table_cache.set("count", 3, timeout=-1)  # already expired
    assert table_cache.get("count") is None


def test_add_and_delete_keep_djangos_meaning(table_cache):
    assert table_cache.add("lock", True, 60) is True
    assert table_cache.add("lock", True, 60) is False  # the background counts' lock
    table_cache.delete("lock")
    assert table_cache.add("lock", True, 60) is True


def test_the_table_is_culled_past_its_max_entries(table_cache):
    for n in range(4):
        table_cache.set_many({f"k{n}:{i}": i for i in range(20)})
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM timeline_test_cache")
        # Before each write past 30 entries a third is culled, as Django's backend does.
        assert cursor.fetchone()[0] == 52  # 20, 40, 40 - 13 + 20, 47 - 15 + 20


def test_the_table_is_counted_once_a_tenth_of_max_entries_is_written(table_cache):
    """Not before every write: a process counts before its first write, then once it has
    written a tenth of MAX_ENTRIES rows (here 3) since; culling stays Django's."""
    counted = []
    for n in range(6):
        with CaptureQueriesContext(connection) as writes:
            table_cache.set(f"single:{n}", n)
        counted.append(any("COUNT(*)" in q["sql"] for q in writes.captured_queries))
    assert counted == [True, False, False, True, False, False]
    assert table_cache.get_many([f"single:{n}" for n in range(6)]) == {
        f"single:{n}": n for n in range(6)
    }


@pytest.mark.parametrize("path", ["/api/events/", "/", "/?actor=russia&year=2021"])
def test_a_list_writes_what_it_computed_in_one_statement(client, table_cache, path):
    some_events()
    with CaptureQueriesContext(connection) as first:
        body = client.get(path).content
    writes = [q["sql"] for q in first.captured_queries if "INSERT INTO" in q["sql"]]
    assert len([sql for sql in writes if "timeline_test_cache" in sql]) == 1
    with CaptureQueriesContext(connection) as again:
        assert client.get(path).content == body
    assert not [q["sql"] for q in again.captured_queries if "INSERT INTO" in q["sql"]]
    # Only the actor filter's look at its participants (ActorFilter._few) runs again.
    recounted = [sql for sql in counting(again.captured_queries) if "LIMIT 2001" not in sql]
    assert not recounted


@pytest.mark.postgresql  # VACUUM
@pytest.mark.django_db(transaction=True)
def test_a_cull_is_followed_by_a_vacuum_of_the_table(table_cache):
    """A server without autovacuum would never reuse the culled entries' space, and every
    count of the table would read it again: the process that culls vacuums the table."""

    def vacuums() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = %s",
                ["timeline_test_cache"],
            )
            return cursor.fetchone()[0]

    before = vacuums()
    table_cache.set_many({f"key:{n}": n for n in range(40)})  # past MAX_ENTRIES (30)
    table_cache.set_many({f"more:{n}": n for n in range(5)})  # counted: culled, vacuumed
    while lib.cache._threads:
        lib.cache._threads.pop().join(30)
    assert vacuums() == before + 1
    assert table_cache.get("more:4") == 4
