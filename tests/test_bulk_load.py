"""The streamed bulk load: a generated archive loads whole, checked set-wise, all or nothing."""

import io
import json
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from bench.generate import EVENT_TYPES, ROLES, write_archive
from events import bulk
from events.interchange import LoadError, dump, load, load_file
from events.models import Actor, Citation, Event, EventType, Participation, Role
from events.services import cite, locate
from lib.dates import Precision
from sources.models import Passage, Source, split_passages
from tests.factories import ActorFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=False)

N = 300


def archive(n: int = N, seed: int = 7) -> dict:
    out = io.StringIO()
    write_archive(n, seed, out)
    return json.loads(out.getvalue())


def write(tmp_path, data: dict, name: str = "archive.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def counts() -> dict[str, int]:
    models = [Source, Passage, Actor, Event, Participation, Citation]
    return {m.__name__: m._default_manager.count() for m in models}


def test_the_generator_is_deterministic_and_covers_every_type_and_role():
    first, second = io.StringIO(), io.StringIO()
    write_archive(200, 3, first)
    write_archive(200, 3, second)
    assert first.getvalue() == second.getvalue()
    data = json.loads(first.getvalue())
    assert list(EventType.values) == EVENT_TYPES
    assert list(Role.values) == ROLES
    big = archive(2000)
    assert {e["type"] for e in big["events"]} == set(EventType.values)
    assert {e["date"]["precision"] for e in big["events"]} == set(Precision.values)
    assert all(1 <= len(e["citations"]) <= 5 for e in data["events"])


def test_every_generated_quote_is_verbatim_text_of_its_source():
    data = archive(200)
    texts = {s["key"]: s["text"] for s in data["sources"]}
    for event in data["events"]:
        for citation in event["citations"]:
            assert citation["quote"] in texts[citation["source"]]


def test_a_generated_archive_loads_whole_from_a_file_and_again_changes_nothing(tmp_path):
    data = archive()
    path = write(tmp_path, data)

    assert load_file(path) == {"created": N, "updated": 0, "unchanged": 0}

    quotes = sum(len(e["citations"]) for e in data["events"])
    assert Citation.objects.count() == quotes
    assert Source.objects.count() == len(data["sources"])
    for citation in Citation.objects.select_related("passage")[:200]:
        assert citation.passage.text[citation.start : citation.end] == citation.quote
    before, snapshot = counts(), dump()
    assert load_file(path) == {"created": 0, "updated": 0, "unchanged": N}
    assert counts() == before
    assert dump() == snapshot


def test_loaded_events_get_one_created_history_record_each_with_their_children(tmp_path):
    load_file(write(tmp_path, archive(50)))
    assert Event.history.filter(history_type="+").count() == 50
    assert Citation.history.count() == Citation.objects.count()
    assert Participation.history.count() == Participation.objects.count()
    event = Event.objects.first()
    record = event.history.get()
    assert record.history_batch
    assert {r.history_batch for r in Citation.history.filter(event_id=event.pk)} == {
        record.history_batch
    }


def test_a_changed_event_in_a_reload_is_updated_and_the_rest_left_alone(tmp_path):
    data = archive(50)
    load(data)
    data["events"][10]["summary"] = "A corrected summary."
    assert load(data) == {"created": 0, "updated": 1, "unchanged": 49}
    event = Event.objects.get(title=data["events"][10]["title"])
    assert (event.summary, event.version) == ("A corrected summary.", 2)


def test_a_false_quote_anywhere_refuses_the_whole_file(tmp_path):
    data = archive()
    citation = data["events"][-1]["citations"][-1]
    citation["passage"] = citation.get("passage", 0)
    citation["start"] = citation.get("start", 0)
    citation["end"] = citation["start"] + len(citation["quote"])
    citation["quote"] = citation["quote"].replace(" ", "  ", 1)
    citation["end"] = citation["start"] + len(citation["quote"])
    with pytest.raises(LoadError, match=rf"events\[{N - 1}\]\.citations\[\d\]: "):
        load_file(write(tmp_path, data))
    assert set(counts().values()) == {0}


def test_a_published_string_is_a_message_naming_the_source_and_field(tmp_path):
    data = archive(20)
    data["sources"][3]["published"] = "2021-06-24"
    path = write(tmp_path, data)
    with pytest.raises(CommandError, match=r"Nothing loaded .*sources\[3\]\.published: "):
        call_command("load_timeline", str(path), verbosity=0)
    assert set(counts().values()) == {0}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["events"][5].update(actors="Russia"), r"events\[5\]\.actors: 'Russia' is"),
        (lambda d: d["events"][5].update(date=[2021]), r"events\[5\]\.date: \[2021\] is not"),
        (lambda d: d["events"][5].update(title=7), r"events\[5\]\.title: 7 is not text"),
        (
            lambda d: d["events"][5]["citations"][0].update(start="3"),
            r"events\[5\]\.citations\[0\]\.start: '3' is not a whole number",
        ),
        (
            lambda d: d["events"][5].update(citations=[]),
            r"events\[5\]: a published event needs at least one citation",
        ),
        (
            lambda d: d["events"][5]["citations"].append(dict(d["events"][5]["citations"][0])),
            r"events\[5\]\.citations\[\d\]: cites the same words as citations\[0\]",
        ),
        (
            lambda d: d["events"][5].update(
                actors=[
                    {"name": d["actors"][0]["name"], "role": "host"},
                    {"name": d["actors"][0]["name"], "role": "visitor"},
                    {"name": d["actors"][0]["name"].upper(), "role": "visitor"},
                ]
            ),
            r"events\[5\]\.actors\[2\]: the same actor in the same role as actors\[1\]",
        ),
        (
            lambda d: d["events"][5]["citations"][0].update(passage=0, start=2**40),
            r"events\[5\]\.citations\[0\]\.start: 1099511627776 is larger than any text",
        ),
        (lambda d: d["actors"].__setitem__(0, "Putin"), r"actors\[0\]: 'Putin' is not an actor"),
        (lambda d: d["sources"].__setitem__(0, None), r"sources\[0\]: None is not a source"),
    ],
    ids=[
        "actors-string",
        "date-list",
        "title-number",
        "offset-text",
        "published-without-citation",
        "span-cited-twice",
        "actor-twice-in-a-role",
        "offset-too-large",
        "actor-string",
        "source-null",
    ],
)
def test_malformed_items_are_refused_naming_item_and_field(tmp_path, change, message):
    data = archive(20)
    data["events"][5]["status"] = "published"
    change(data)
    with pytest.raises(LoadError, match=message):
        load_file(write(tmp_path, data))
    assert set(counts().values()) == {0}


def test_a_file_that_is_not_json_loads_nothing(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"sources": [], "events": [{"title": ', encoding="utf-8")
    with pytest.raises(CommandError, match="is not UTF-8 JSON"):
        call_command("load_timeline", str(path), verbosity=0)
    assert set(counts().values()) == {0}


def test_a_file_cut_short_says_after_which_item_and_loads_nothing(tmp_path):
    data = archive(5)
    text = json.dumps(data)
    third = json.dumps(data["events"][2])
    cut = text.index(third) + len(third) // 2  # in the middle of events[2]
    path = tmp_path / "cut.json"
    path.write_text(text[:cut], encoding="utf-8")
    with pytest.raises(CommandError, match=r"(?s)cut short.*\(in events, after events\[1\]\)"):
        call_command("load_timeline", str(path), verbosity=0)
    assert set(counts().values()) == {0}


@pytest.mark.postgresql
def test_a_load_the_database_stops_is_a_message_and_writes_nothing(tmp_path):
    """A statement cancelled by the server (here by a statement timeout; an administrator's
    pg_cancel_backend gives the same error) ends the command with a message, not a
    traceback, and the transaction is rolled back."""
    path = write(tmp_path, archive(200))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '1ms'")
    stopped = (
        r"Nothing loaded from .*: the database stopped the load "
        r"\(canceling statement due to statement timeout\); load it again\."
    )
    with pytest.raises(CommandError, match=stopped):
        call_command("load_timeline", str(path), verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
    assert set(counts().values()) == {0}


def test_the_command_prints_no_progress_bar_when_not_on_a_terminal(tmp_path, capsys):
    call_command("load_timeline", str(write(tmp_path, archive(20))))
    captured = capsys.readouterr()
    assert "20 events created" in captured.out
    assert "events/s" not in captured.err


# Large loads on PostgreSQL: indexes and foreign keys set aside, then rebuilt ------------------

postgres_only = pytest.mark.postgresql  # indexes are set aside on PostgreSQL only


def schema() -> list[tuple[str, str]]:
    """Every index, constraint and trigger of the event tables (and their history's), with
    whether each trigger is enabled."""
    tables = [
        t
        for model in bulk.REBUILT
        for t in (model._meta.db_table, model.history.model._meta.db_table)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
               WHERE indrelid = ANY(%s::regclass[])
               UNION ALL
               SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = ANY(%s::regclass[])
               UNION ALL
               SELECT tgname, tgenabled::text || ' ' || pg_get_triggerdef(oid) FROM pg_trigger
               WHERE tgrelid = ANY(%s::regclass[]) AND NOT tgisinternal
               ORDER BY 1, 2""",
            [tables, tables, tables],
        )
        return cursor.fetchall()


@postgres_only
def test_a_rebuilding_load_leaves_the_same_indexes_and_constraints_and_the_same_data(tmp_path):
    data = archive(120)
    before = schema()
    timings: dict[str, float] = {}

    assert load_file(write(tmp_path, data), rebuild=True, timings=timings)["created"] == 120

    assert "indexes and foreign keys rebuilt" in timings
    assert schema() == before
    # The new events' ids: one range, taken from the sequence, in the timeline's order.
    ids = list(Event.objects.order_by("id").values_list("id", flat=True))
    assert ids == list(range(ids[0], ids[0] + 120))
    assert ids == [e.id for e in Event.objects.chronological()]
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM events_event_id_seq")
        assert cursor.fetchone()[0] == ids[-1]
    assert Citation.objects.count() == sum(len(e["citations"]) for e in data["events"])
    for citation in Citation.objects.select_related("passage"):
        assert citation.passage.text[citation.start : citation.end] == citation.quote
    assert load_file(write(tmp_path, data), rebuild=True)["unchanged"] == 120


@postgres_only
def test_a_rebuilding_load_numbers_every_tables_rows_from_its_sequence(tmp_path):
    """A locked load numbers participants, citations and the history records itself (no
    nextval() per row): each table's rows are one range of its sequence, in the timeline's
    order, and the sequence is past them, so the next single write takes the next id."""
    event = EventFactory()  # ids drawn before the load
    cite(event, locate(SourceFactory(), "He met Sergei Shoigu"))
    data = archive(60)
    load_file(write(tmp_path, data), rebuild=True)

    loaded = Event.objects.exclude(pk=event.pk)
    for model in (Participation, Citation):
        rows = model.objects.filter(event__in=loaded).order_by("event_id", "id")
        ids = list(rows.values_list("id", flat=True))
        assert ids == list(range(ids[0], ids[0] + len(ids)))
    for model in (Event, Participation, Citation):
        history = model.history.model
        table, ids = (
            history._meta.db_table,
            list(history.objects.order_by("history_id").values_list("history_id", flat=True)),
        )
        assert ids == list(range(ids[0], ids[0] + len(ids))), table
    # Each sequence is past what the load wrote: single writes go on without a clash.
    later = EventFactory()
    citation = cite(later, locate(SourceFactory(), "He met Sergei Shoigu"))
    assert citation.pk > Citation.objects.exclude(pk=citation.pk).latest("pk").pk
    participant = Participation.objects.create(event=later, actor=ActorFactory())
    assert participant.pk > Participation.objects.exclude(pk=participant.pk).latest("pk").pk
    assert later.history.latest("history_id").history_id > max(
        Event.history.exclude(id=later.pk).values_list("history_id", flat=True)
    )


@postgres_only
def test_after_a_rebuilding_load_the_database_still_refuses_a_false_quote(tmp_path):
    """The load writes its citations without the verbatim trigger (it checked them itself):
    the trigger is on again for every later write."""
    load_file(write(tmp_path, archive(40)), rebuild=True)
    citation = Citation.objects.first()
    citation.quote = "words the source never had"[: citation.end - citation.start]
    with pytest.raises(IntegrityError), transaction.atomic():
        citation.save()


@postgres_only
def test_a_rebuilding_load_that_fails_writes_nothing_and_keeps_every_index(tmp_path, monkeypatch):
    before, stored = schema(), counts()
    written = bulk._insert_new

    def then_fail(cursor, timings=None, **options):
        written(cursor, timings, **options)
        raise LoadError("stopped after the writes")

    monkeypatch.setattr(bulk, "_insert_new", then_fail)
    with pytest.raises(LoadError, match="stopped after the writes"):
        load_file(write(tmp_path, archive(40)), rebuild=True)

    assert schema() == before
    assert counts() == stored


@postgres_only
def test_a_false_quote_still_refuses_a_rebuilding_load(tmp_path):
    data = archive(40)
    data["events"][-1]["citations"][0]["quote"] = "words the source never had"
    with pytest.raises(LoadError):
        load_file(write(tmp_path, data), rebuild=True)
    assert counts()["Event"] == 0


def retitled(data: dict, n: int, mark: str) -> dict:
    """The first ``n`` events of ``data`` as new events (titles marked), same sources."""
    events = [{**e, "title": f"{e['title']} {mark}"} for e in data["events"][:n]]
    return {**data, "events": events}


@postgres_only
def test_only_a_load_that_at_least_doubles_the_timeline_sets_indexes_aside(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "REBUILD_MIN", 30)
    data = archive(40)
    timings: dict[str, float] = {}
    load_file(write(tmp_path, data), timings=timings)  # 40 onto 0
    assert "indexes and foreign keys rebuilt" in timings

    timings.clear()
    load_file(write(tmp_path, retitled(data, 35, "(2)"), "b.json"), timings=timings)  # 35 onto 40
    assert "indexes and foreign keys rebuilt" not in timings
    assert counts()["Event"] == 75

    timings.clear()
    load_file(write(tmp_path, retitled(data, 20, "(3)"), "c.json"), timings=timings, rebuild=True)
    assert "indexes and foreign keys rebuilt" in timings
    assert counts()["Event"] == 95


def test_a_reload_after_an_update_finds_every_event_unchanged(tmp_path):
    """An update keeps the participants and citations that stay and adds the new ones after
    them: a stored order unlike the file's is no change."""
    data = archive(20)
    load_file(write(tmp_path, data))
    event = next(e for e in data["events"] if e["actors"])
    present = {a["name"] for a in event["actors"]}
    newcomer = next(a["name"] for a in data["actors"] if a["name"] not in present)
    event["actors"].insert(0, {"name": newcomer, "role": "participant"})
    path = write(tmp_path, data, "changed.json")

    assert load_file(path) == {"created": 0, "updated": 1, "unchanged": 19}
    assert load_file(path) == {"created": 0, "updated": 0, "unchanged": 20}


def _first_with(data: dict, what: str) -> dict:
    return next(e for e in data["events"] if len(e[what]) >= 2)


def _other_role(actor: dict) -> None:
    actor["role"] = "signatory" if actor.get("role") != "signatory" else "honoree"


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["events"][3].update(summary=d["events"][3]["summary"] + " More."),
        lambda d: d["events"][3]["date"].update(
            approximate=not d["events"][3]["date"].get("approximate", False)
        ),
        lambda d: _other_role(_first_with(d, "actors")["actors"][0]),
        lambda d: _first_with(d, "actors")["actors"].pop(),
        lambda d: _first_with(d, "citations")["citations"][0].update(note="Checked again."),
        lambda d: _first_with(d, "citations")["citations"][0].update(date_text="in June"),
        lambda d: _first_with(d, "citations")["citations"].pop(),
    ],
    ids=["summary", "approximate", "role", "actor-gone", "note", "date-text", "citation-gone"],
)
def test_any_change_to_a_stored_event_is_an_update_and_only_that(tmp_path, change):
    """Unchanged events are found in SQL on PostgreSQL, in Python elsewhere: the same answer."""
    data = archive(30)
    load_file(write(tmp_path, data))
    change(data)
    path = write(tmp_path, data, "changed.json")
    assert load_file(path) == {"created": 0, "updated": 1, "unchanged": 29}
    assert load_file(path) == {"created": 0, "updated": 0, "unchanged": 30}


@postgres_only
def test_unchanged_events_are_found_in_sql_without_reading_them_back(tmp_path, monkeypatch):
    from events import interchange

    data = archive(40)
    path = write(tmp_path, data)
    load_file(path)

    def not_needed(event):
        raise AssertionError("an unchanged event was compared in Python")

    monkeypatch.setattr(interchange, "event_payload", not_needed)
    assert load_file(path) == {"created": 0, "updated": 0, "unchanged": 40}


def test_a_reload_that_writes_nothing_runs_no_vacuum(tmp_path, capsys):
    path = str(write(tmp_path, archive(20)))
    call_command("load_timeline", path, verbosity=2)
    first = capsys.readouterr().out
    call_command("load_timeline", path, verbosity=2)
    again = capsys.readouterr().out
    assert "ANALYZE:" in first
    assert "20 unchanged" in again
    assert "ANALYZE" not in again


@postgres_only
@pytest.mark.django_db(transaction=True)  # VACUUM runs only outside a transaction
def test_a_load_vacuums_and_analyzes_each_table_it_wrote_once(tmp_path):
    """After its commit the command vacuums the tables written, shared among connections of
    their own: each table once, and the connections closed after."""
    tables = bulk._written_tables()

    def done() -> dict[str, tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                """SELECT relname, vacuum_count, analyze_count FROM pg_stat_user_tables
                   WHERE relname = ANY(%s)""",
                [tables],
            )
            return {name: (v, a) for name, v, a in cursor.fetchall()}

    def sessions() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT count(*) FROM pg_stat_activity
                   WHERE datname = current_database() AND pid <> pg_backend_pid()"""
            )
            return cursor.fetchone()[0]

    before, others = done(), sessions()
    call_command("load_timeline", str(write(tmp_path, archive(30))), verbosity=0)
    expected = {name: (v + 1, a + 1) for name, (v, a) in before.items()}
    for _ in range(50):  # each vacuuming session reports its counts as it ends
        if done() == expected and sessions() == others:
            break
        time.sleep(0.1)
    assert sorted(before) == sorted(tables)
    assert done() == expected
    assert sessions() == others


def search_stage_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT relname FROM pg_class
               WHERE relkind = 'r' AND relname LIKE 'load\\_search\\_%%' ORDER BY relname"""
        )
        return [name for (name,) in cursor.fetchall()]


def other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM pg_stat_activity
               WHERE datname = current_database() AND pid <> pg_backend_pid()"""
        )
        return cursor.fetchone()[0]


@postgres_only
def test_the_documents_connection_ends_with_the_load_and_its_tables_are_dropped(tmp_path):
    """The search documents are computed on a connection of the load's own (``Writer`` with
    a ``SearchStage``): it is closed when the load ends and its tables are dropped; a load
    that failed leaves them (they were committed), and the next load drops them."""
    others = other_sessions()
    load_file(write(tmp_path, archive(30)))
    assert search_stage_tables() == []

    data = archive(30, seed=8)
    data["events"][-1]["citations"][0]["quote"] = "words the source never had"
    with pytest.raises(LoadError, match=r"events\[29\]\.citations\[0\]"):
        load_file(write(tmp_path, data))
    assert len(search_stage_tables()) == 2  # the text and the documents of the failed load

    load_file(write(tmp_path, archive(31, seed=9)))
    assert search_stage_tables() == []
    for _ in range(50):  # a closed session leaves pg_stat_activity as it ends
        if other_sessions() == others:
            break
        time.sleep(0.1)
    assert other_sessions() == others


@postgres_only
def test_an_error_of_the_documents_connection_fails_the_load_and_writes_nothing(
    tmp_path, monkeypatch
):
    monkeypatch.setitem(
        bulk.SEARCH_STAGE, "load_search", [("idx", "integer"), ("document", "no_such_type")]
    )
    stored = counts()

    with pytest.raises(DatabaseError, match='type "no_such_type" does not exist'):
        load_file(write(tmp_path, archive(30)))

    assert counts() == stored
    with connection.cursor() as cursor:  # the load's connection is usable again
        cursor.execute("SELECT 1")


@postgres_only
def test_loads_run_one_at_a_time(tmp_path, monkeypatch):
    """While a load runs, another session cannot take the loads' lock: it would wait."""
    from django.db import connections

    seen = []
    read_sources = bulk.load_sources

    def and_try_the_lock(items, base_dir):
        other = connections.create_connection("default")  # another session
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [bulk.LOAD_LOCK])
                seen.append(cursor.fetchone()[0])
        finally:
            other.close()
        return read_sources(items, base_dir)

    monkeypatch.setattr(bulk, "load_sources", and_try_the_lock)
    load_file(write(tmp_path, archive(20)))
    assert seen == [False]


# Staged while read, search documents set-wise, sources by COPY ------------------------------

# The document the trigger of 0008_scale_search computes, its quotes in the order written.
TRIGGER_DOCUMENT = """setweight(to_tsvector('english'::regconfig, coalesce(e.title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(e.summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce((
        SELECT string_agg(c.quote, ' ' ORDER BY c.id) FROM events_citation c
        WHERE c.event_id = e.id), '')), 'C')"""


def documents_unlike_the_triggers() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM events_event e "
            f"WHERE e.search_vector IS DISTINCT FROM ({TRIGGER_DOCUMENT})"
        )
        return cursor.fetchone()[0]


@postgres_only
def test_a_bulk_load_stores_the_search_documents_the_trigger_would(tmp_path):
    data = archive(60)
    # One event's quotes written in another order than the tables' index reads them.
    event = next(
        e
        for e in data["events"]
        if len({(c["source"], c.get("passage")) for c in e["citations"]}) >= 2
    )
    event["citations"].sort(key=lambda c: (c["source"], c.get("passage") or 0), reverse=True)
    load_file(write(tmp_path, data))  # every event new: the documents by one parallel query
    load_file(
        write(
            tmp_path,
            {**data, "events": data["events"] + retitled(data, 3, "(2)")["events"]},
            "b.json",
        )
    )  # a few new among many stored: only theirs computed
    assert counts()["Event"] == 63
    assert documents_unlike_the_triggers() == 0
    # The single-event path (a changed event is rewritten through it) stores the same
    # document as the bulk path: quotes in the order written (0015).
    event["summary"] += " Changed."
    with connection.cursor() as cursor:
        # The citations read by their index (event, passage, start), as in a large table.
        cursor.execute("SET enable_seqscan = off; SET enable_bitmapscan = off")
        try:
            assert load_file(write(tmp_path, data, "c.json"))["updated"] == 1
            Event.objects.filter(title=event["title"]).update(summary=event["summary"] + "!")
        finally:
            cursor.execute("RESET enable_seqscan; RESET enable_bitmapscan")
    assert documents_unlike_the_triggers() == 0


@postgres_only
def test_a_rebuilding_load_stores_the_search_documents_the_trigger_would(tmp_path):
    """A load that sets the indexes aside writes its citations without the trigger that
    updates their events' documents (the events, written after, carry them): the documents
    are the trigger's all the same, for a first load and for one onto stored events, and
    the trigger is on again for the next citation written."""
    data = archive(60)
    load_file(write(tmp_path, data), rebuild=True)
    load_file(write(tmp_path, retitled(data, 20, "(2)"), "b.json"), rebuild=True)
    assert counts()["Event"] == 80
    assert documents_unlike_the_triggers() == 0

    citation = Citation.objects.select_related("passage").first()
    Citation.objects.create(
        event=Event.objects.exclude(citations__passage=citation.passage).first(),
        passage=citation.passage,
        quote=citation.quote,
        start=citation.start,
        end=citation.end,
    )
    assert documents_unlike_the_triggers() == 0


def test_an_error_after_batches_were_staged_writes_nothing(tmp_path, monkeypatch):
    """Batches handed to the writer (PostgreSQL: its thread) are rolled back with the rest."""
    monkeypatch.setattr(bulk, "BATCH", 4)
    data = archive(20)
    data["events"][17]["title"] = 7
    with pytest.raises(LoadError, match=r"events\[17\]\.title: 7 is not text"):
        load_file(write(tmp_path, data))
    assert set(counts().values()) == {0}
    with connection.cursor() as cursor:  # the connection is usable again
        cursor.execute("SELECT 1")


@postgres_only
def test_a_statement_the_writer_fails_is_raised_to_the_load_as_a_database_error():
    from django.db import DatabaseError, transaction

    def stage_a_bad_row() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            bulk._create_staging(cursor)
            writer = bulk.Writer()
            writer.put(0, [("COPY load_event (idx) FROM STDIN", "not a number\n")])
            writer.close()

    with pytest.raises(DatabaseError, match="invalid input syntax for type integer"):
        stage_a_bad_row()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@postgres_only
def test_wait_raises_the_error_of_a_batch_before_the_caller_uses_the_connection():
    from django.db import DatabaseError, transaction

    def copy_a_bad_row_then_read() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            bulk._create_staging(cursor)
            writer = bulk.Writer()
            writer.put(0, [("COPY load_event (idx) FROM STDIN", "not a number\n")])
            try:
                writer.wait()  # raised here, not as "current transaction is aborted" below
                cursor.execute("SELECT 1")
            finally:
                writer.close(check=False)

    with pytest.raises(DatabaseError, match="invalid input syntax for type integer"):
        copy_a_bad_row_then_read()


def test_sources_written_in_several_batches_beside_the_reading(tmp_path, monkeypatch):
    """PostgreSQL: each batch's COPY runs on the writer while the next sources are read."""
    monkeypatch.setattr(bulk, "SOURCE_BATCH", 3)
    data = archive(20)
    load_file(write(tmp_path, data))
    keys = [source["key"] for source in data["sources"]]
    assert sorted(Source.objects.values_list("key", flat=True)) == sorted(keys)
    for source in Source.objects.prefetch_related("passages"):
        assert [p.text for p in source.passages.order_by("index")] == [
            source.text[start:end] for start, end in split_passages(source.text)
        ]
    load_file(write(tmp_path, data))  # again: every source found, nothing added
    assert Source.objects.count() == len(keys)


def test_sources_load_with_their_passages_and_dates(tmp_path):
    data = archive(20)
    load_file(write(tmp_path, data))
    assert Source.objects.count() == len(data["sources"])
    for source in Source.objects.prefetch_related("passages"):
        passages = sorted(source.passages.all(), key=lambda p: p.index)
        assert [p.index for p in passages] == list(range(len(passages)))
        assert " ".join(source.text[p.start : p.end] for p in passages).split() == (
            source.text.split()
        )
        assert all(p.text == source.text[p.start : p.end] for p in passages)
        assert source.imported_at is not None
    # Sources written by COPY take their ids from the table's sequence, as the ORM would.
    assert Source.objects.create(key="after", title="After", text="Later words.").pk > max(
        Source.objects.exclude(key="after").values_list("pk", flat=True)
    )


def test_new_events_are_written_in_the_timelines_order(tmp_path):
    """Ids (and so the tables' physical order) follow the dates, not the file's order."""
    data = archive(40)
    data["events"].reverse()
    load_file(write(tmp_path, data))
    by_id = list(Event.objects.order_by("pk").values_list("pk", flat=True))
    by_date = list(Event.objects.chronological().values_list("pk", flat=True))
    dated = [pk for pk in by_date if Event.objects.get(pk=pk).date_start is not None]
    assert [pk for pk in by_id if pk in dated] == dated
    # Participants and citations follow their events.
    for model in (Participation, Citation):
        events = list(model.objects.order_by("pk").values_list("event_id", flat=True))
        assert events == sorted(events)


def test_text_survives_staging_to_the_letter(tmp_path):
    """Quotes, tabs, backslashes, line breaks, a line that is COPY's end marker, empty text
    (not NULL): every value comes back as written."""
    data = archive(20)
    event = data["events"][3]
    event["summary"] = 'a "quoted" word,\ta tab\\ and\r\nlines\n\\.\nafter the marker'
    event["location"] = ""
    event["attribution"] = "\\."
    event["citations"][0]["note"] = "\\N"
    load_file(write(tmp_path, data))
    stored = Event.objects.get(title=event["title"], summary=event["summary"])
    assert stored.summary == event["summary"]
    assert stored.location == ""
    assert stored.attribution == "\\."
    assert stored.citations.filter(note="\\N").count() == 1
    assert Event.objects.filter(location__isnull=True).count() == 0


@pytest.mark.parametrize(
    "text",
    ["\\N", "a\\Nb", "\\", "a\tb", "a\nb", "a\rb", "\\.", "x\\", "True", "None", ""],
    ids=[
        "null-marker",
        "null-inside",
        "backslash",
        "tab",
        "newline",
        "return",
        "end-marker",
        "trailing-backslash",
        "true",
        "none",
        "empty",
    ],
)
def test_one_odd_text_in_a_batch_comes_back_as_written(tmp_path, text):
    """A batch whose only odd value is one of these (the others plain) is still written to the
    letter: the fast ``COPY`` formatting must notice it, not take it for a separator or a NULL."""
    data = archive(20)
    event = data["events"][7]
    event["citations"][0]["note"] = text
    event["attribution"] = text
    load_file(write(tmp_path, data))
    stored = Event.objects.get(title=event["title"])
    assert stored.attribution == text
    assert stored.citations.order_by("pk").values_list("note", flat=True)[0] == text
    assert Event.objects.filter(attribution__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["events"][5].update(title="x" * 301),
            r"events\[5\]\.title: 301 characters, more than the 300 it can hold",
        ),
        (
            lambda d: d["events"][5]["citations"][0].update(date_text="T" * 201),
            r"events\[5\]\.citations\[0\]\.date_text: 201 characters, more than the 200",
        ),
        (
            lambda d: d["events"][5].update(summary="s" * 5001),
            r"events\[5\]\.summary: 5,001 characters, more than the 5,000 it can hold",
        ),
        (
            lambda d: d["events"][5]["citations"][0].update(note="n" * 5001),
            r"events\[5\]\.citations\[0\]\.note: 5,001 characters, more than the 5,000",
        ),
        (
            lambda d: d["actors"][2].update(description="d" * 501),
            r"actors\[2\]\.description: 501 characters, more than the 500",
        ),
        (
            lambda d: d["sources"][1].update(key="k" * 101),
            r"sources\[1\]\.key: 101 characters, more than the 100",
        ),
        (
            lambda d: d["events"][5]["date"].update(approximate="yes"),
            r"events\[5\]\.date\.approximate: 'yes' is not true or false",
        ),
        (
            lambda d: d["sources"][1].update(url="javascript:alert(1)"),
            r"sources\[1\]\.url: 'javascript:alert\(1\)' is not a web address",
        ),
        (
            lambda d: d["sources"][1].update(url="not a url"),
            r"sources\[1\]\.url: 'not a url' is not a web address",
        ),
        (lambda d: d.update(sources={"k": 1}), r"sources: an object is not a list"),
        (lambda d: d.update(actors=5), r"actors: a number is not a list"),
    ],
    ids=[
        "title-too-long",
        "citation-date-text-too-long",
        "summary-too-long",
        "citation-note-too-long",
        "actor-description-too-long",
        "source-key-too-long",
        "approximate-not-boolean",
        "url-javascript",
        "url-not-a-url",
        "sources-object",
        "actors-number",
    ],
)
def test_values_the_database_would_refuse_or_misread_are_messages(tmp_path, change, message):
    data = archive(20)
    change(data)
    with pytest.raises(LoadError, match=message):
        load_file(write(tmp_path, data))
    assert set(counts().values()) == {0}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sources": [], "actors": [], "events": "oops"}, r"events: text is not a list"),
        ({"events": {"a": 1}}, r"events: an object is not a list"),
        ({}, r"holds none of sources, actors and events \(it holds nothing\)"),
        ({"sourcez": [], "eventz": []}, r"none of .* \(it holds eventz, sourcez\)"),
    ],
    ids=["events-text", "events-object", "empty-object", "misspelt-sections"],
)
def test_a_file_without_a_list_of_events_is_refused(tmp_path, data, message):
    with pytest.raises(LoadError, match=message):
        load_file(write(tmp_path, data))
    assert set(counts().values()) == {0}


def test_a_file_of_sources_and_actors_only_still_loads(tmp_path):
    data = archive(20)
    assert load_file(write(tmp_path, {**data, "events": []}))["created"] == 0
    assert Source.objects.count() == len(data["sources"])


def test_generated_actors_never_take_a_curated_actors_name_or_alias():
    """A generated archive loads beside the curated timeline: a review's 100,000-event archive
    was refused for aliases ("Hlaing", "Putin", "Yangon", "Fomin") of curated actors."""
    from bench.generate import curated_names, make_actors

    curated = curated_names()
    assert "hlaing" in curated
    generated = {
        name.lower() for actor in make_actors(5000) for name in [actor["name"], *actor["aliases"]]
    }
    assert not generated & curated


def test_generated_archives_of_several_seeds_and_sizes_load_into_one_database(tmp_path):
    """One cast of actors for every seed (a smaller archive's the first of a larger one's),
    source keys of their seed: a review's second archive (seed 2) was refused, its sources'
    keys taken by seed 1's and an alias of its actors another actor's name."""
    assert load_file(write(tmp_path, archive(40, seed=1)))["created"] == 40
    assert load_file(write(tmp_path, archive(25, seed=2), "b.json"))["created"] == 25
    assert load_file(write(tmp_path, archive(60, seed=3), "c.json"))["created"] == 60
    assert Event.objects.count() == 125


def test_a_generated_archive_loads_beside_the_curated_timeline(tmp_path, timeline):
    before = Event.objects.count()
    assert load_file(write(tmp_path, archive(60)))["created"] == 60
    assert Event.objects.count() == before + 60
