"""Bulk load of the interchange format: streamed, set-wise, all or nothing, idempotent.

``load_archive`` takes three streams (sources, actors, events: any iterables of the parsed
JSON items, such as ``ijson`` item generators) and writes them in one transaction:

1. Sources and actors are written in batches (sources and passages by ``COPY`` on
   PostgreSQL, ``bulk_create`` elsewhere), the new sources' "created" history records by one
   ``INSERT ... SELECT`` after them (a stored source whose details changed is corrected
   through ``sources.services.correct_source``: its version and history); a source key or
   text that clashes with a stored one, an actor named like another actor's alias, are
   refused.
2. Events are checked item by item in Python for what needs no database (field types, choices,
   dates, actor and source names) and staged, with their participants and citations, in
   temporary tables (PostgreSQL: ``COPY``, sent by a thread of its own while the file is
   read, ``Writer``, which also reads each batch's citations' passages as it stages them,
   ``READ_PASSAGES``, against passages locked from then until the commit; ``executemany``
   elsewhere). Memory stays flat: only the names of actors and sources are held, never the
   events.
3. ``staged_rule_violation`` checks the rules every event write keeps, over the whole staged
   set at once (one query per rule): identity unique in the file, passages that exist, every
   quote verbatim text of its passage at its offsets, a published event has a citation, an
   actor listed once per role, a span cited once per event. The first violation refuses the
   whole file: nothing is written.
4. Staged events whose identity (title, start date) is stored already are compared with the
   stored event (PostgreSQL: a fingerprint per event in SQL, ``_mark_identical``; then, for
   the rest, their interchange shapes in Python): unchanged ones are left alone,
   changed ones are replaced through ``events.interchange.write_event`` (the ORM path, with
   its version bump and history). New events, their participants and citations and their
   "created" history records are written with ``INSERT ... SELECT`` from the staging tables
   (PostgreSQL: each table and its history in one statement, ``INSERT ... RETURNING``; the
   events' search documents mostly computed by a connection of their own from the time
   the file is read until the events are written, ``Writer`` with a ``SearchStage``, the
   rest by one parallel query, ``_search_documents``). The database checks the quotes again as
   it writes them (PostgreSQL: once per statement, as a set, 0012_verbatim_statement_trigger;
   SQLite: per row), except in a load that has the event tables to itself (``_insert_new``),
   whose check in step 3 is of the very rows it writes, against passages locked until it ends.

The transaction runs with ``LOAD_SETTINGS`` (PostgreSQL, ``SET LOCAL``). ANALYZE runs at the
end (``analyze``); ``load_timeline`` runs ``vacuum_analyze`` after its commit instead, so the
planner knows the new sizes and index-only scans need not visit the new rows' pages.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import queue
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify

from lib.dates import PRECISION_RANK, Precision, interval, truncate, year_outside
from lib.inputs import direction_control_message, refuse_direction_controls
from sources.models import Passage, Source, split_passages, text_identity, text_sha256
from sources.services import SourceError, correct_source, decode_text

from . import tally
from .history_base import current_batch
from .models import (
    EVENT_FIELDS,
    Actor,
    ActorKind,
    Alias,
    Citation,
    Event,
    EventType,
    Participation,
    Role,
    Status,
    quote_mismatch,
)
from .positions import clash_with, post_in, title_keys
from .services import CitationError, locate

BATCH = 5000  # events staged per COPY / executemany
DEFERRED = 0.02  # seconds the documents' writer waits for the load's writer between checks
SOURCE_BATCH = 200
MAX_INT = 2**31 - 1  # the largest offset or passage number the database's columns hold
CONTEXT = 32  # characters of prefix and suffix kept around a quote (models.CONTEXT_CHARS)


class LoadError(ValueError):
    """Data that cannot be loaded; the message names the item and the problem."""


class NotJSON(LoadError):
    """The file is not UTF-8 JSON."""


Progress = Callable[..., None]


# Checking one item ---------------------------------------------------------------------------


def _object(value: Any, where: str, what: str = "an object") -> dict:
    if not isinstance(value, dict):
        raise LoadError(f"{where}: {_shown(value)} is not {what}; write a JSON object {{...}}.")
    return value


def _list(value: Any, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise LoadError(f"{where}: {_shown(value)} is not a list; write a JSON list [...].")
    return value


def _text(
    value: Any, where: str, default: str = "", field: tuple[type[Model], str] | None = None
) -> str:
    """Text, or ``default`` for null; ``field`` (model, name): no longer than its column."""
    if value is None:
        return default
    if not isinstance(value, str):
        raise LoadError(f"{where}: {_shown(value)} is not text; write a JSON string.")
    if "\x00" in value:
        raise LoadError(f"{where}: the text contains a NUL character; remove it.")
    if field is not None:
        limit = _max_length(*field)
        if limit is not None and len(value) > limit:
            raise LoadError(
                f"{where}: {len(value):,} characters, more than the {limit:,} it can hold; "
                "shorten it."
            )
        if _one_line(*field) and (problem := direction_control_message(value)):
            raise LoadError(f"{where}: {problem}")
    return value


@cache
def _max_length(model: type[Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


@cache
def _one_line(model: type[Model], name: str) -> bool:
    """Whether the field refuses direction controls, as the forms and the API do."""
    return refuse_direction_controls in getattr(model._meta.get_field(name), "validators", ())


def _bool(value: Any, where: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise LoadError(f"{where}: {_shown(value)} is not true or false; write true or false.")
    return value


WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def _url(value: str, where: str) -> str:
    if value:
        try:
            WEB_ADDRESS(value)
        except ValidationError:
            raise LoadError(
                f"{where}: {_shown(value)} is not a web address; write one starting with "
                "https:// or http://, or leave it out."
            ) from None
    return value


def _int(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise LoadError(
            f"{where}: {_shown(value)} is not a whole number of characters (0 or more)."
        )
    if value > MAX_INT:
        raise LoadError(f"{where}: {value} is larger than any text this archive can hold.")
    return value


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise LoadError(f"{where}: {value!r} is not a date written YYYY-MM-DD.") from None
    if outside := year_outside(day):
        raise LoadError(f"{where}: {outside}")
    return day


@lru_cache(maxsize=16)
def _values(choices) -> frozenset[str]:
    return frozenset(choices.values)


def _choice(value: Any, choices, where: str) -> str:
    if not isinstance(value, str) or value not in _values(choices):
        raise LoadError(f"{where}: {value!r} is not one of {', '.join(choices.values)}.")
    return value


# Sources -------------------------------------------------------------------------------------


def _source_fields(raw: Any, where: str, base_dir: Path | None) -> tuple[str, str, dict]:
    raw = _object(raw, where, "a source")
    key = _text(raw.get("key"), f"{where}.key", field=(Source, "key"))
    if not key or not _text(raw.get("title"), f"{where}.title", field=(Source, "title")):
        raise LoadError(f"{where}: a source needs a key and a title.")
    if "text" in raw:
        text = _text(raw["text"], f"{where}.text")
    elif "text_file" in raw and base_dir is not None:
        path = base_dir / _text(raw["text_file"], f"{where}.text_file")
        try:
            text = decode_text(path.read_bytes(), str(raw["text_file"]))
        except (OSError, SourceError) as exc:
            raise LoadError(f"{where}: {exc}") from None
    else:
        raise LoadError(f"{where}: a source needs its text.")
    if not text.strip():
        raise LoadError(f"{where}: The text is empty: there is nothing to import.")
    published = raw.get("published") or {}
    if not isinstance(published, dict):
        raise LoadError(
            f"{where}.published: {_shown(published)} is not an object; write "
            '{"date": "YYYY-MM-DD", "precision": "day", "on_or_after": false} or null.'
        )
    meta = {
        "title": raw["title"],
        "publisher": _text(raw.get("publisher"), f"{where}.publisher", field=(Source, "publisher")),
        "author": _text(raw.get("author"), f"{where}.author", field=(Source, "author")),
        "url": _url(_text(raw.get("url"), f"{where}.url", field=(Source, "url")), f"{where}.url"),
        "published_date": _date(published.get("date"), f"{where}.published"),
        "published_precision": _choice(
            published.get("precision", Precision.DAY), Precision, f"{where}.published.precision"
        ),
        "published_on_or_after": _bool(
            published.get("on_or_after"), f"{where}.published.on_or_after"
        ),
    }
    meta["reference_date"] = (
        _date(raw.get("reference_date"), f"{where}.reference_date") or meta["published_date"]
    )
    return key, text, meta


def load_sources(items: Iterable, base_dir: Path | None) -> dict[str, int]:
    """Create or update the sources; returns every stored source's key -> pk.

    Texts are compared by ``text_identity`` (their passages), as every writer of sources
    does: a source stored under its key with the same passages is left as stored (its
    metadata updated); a new key whose text is another source's is refused.
    """
    keys = dict(Source.objects.values_list("key", "pk"))
    stored_keys = set(keys)
    seen: dict[str, tuple[str, str]] = {}  # key -> (text identity, where) of this file's sources
    keys_by_identity: dict[str, str] = {}
    batch: list[tuple[str, str, str, str, dict]] = []
    written: list[int] = []  # the new sources' ids
    # PostgreSQL: each batch's COPY runs on a thread while Python reads the next sources.
    writer = Writer() if connection.vendor == "postgresql" else None

    def flush() -> None:
        connection.queries_log.clear()  # with DEBUG on, logged statements would pile up
        if not batch:
            return
        if writer is not None:
            writer.wait()  # the batch before is written (or its error raised) before reading
        identities = {identity for _, _, identity, _, _ in batch}
        stored_by_identity: dict[str, str] = {}
        for identity, key in (
            Source.objects.filter(text_identity__in=identities)
            .order_by("pk")
            .values_list("text_identity", "key")
        ):
            stored_by_identity.setdefault(identity, key)
        stored = {
            s.key: s
            for s in Source.objects.filter(key__in=[k for _, k, _, _, _ in batch]).defer("text")
        }
        new = []
        for where, key, identity, text, meta in batch:
            source = stored.get(key)
            if source is not None:
                if source.text_identity != identity:
                    raise LoadError(f"{where}: source “{key}” exists with a different text.")
                changed = {
                    name: value for name, value in meta.items() if getattr(source, name) != value
                }
                if changed:
                    # As any correction: the version goes up, the history records it.
                    correct_source(source, changed)
                continue
            if identity in stored_by_identity:
                raise LoadError(
                    f"{where}: this text is already imported as source "
                    f"“{stored_by_identity[identity]}”."
                )
            new.append(
                Source(key=key, text=text, sha256=text_sha256(text), text_identity=identity, **meta)
            )
        if writer is not None:
            created = _copy_sources(new, writer)
        else:
            created = Source.objects.bulk_create(new)
            Passage.objects.bulk_create(
                (
                    Passage(source=s, index=i, text=s.text[start:end], start=start, end=end)
                    for s in created
                    for i, (start, end) in enumerate(split_passages(s.text))
                ),
                batch_size=2000,
            )
        keys.update((s.key, s.pk) for s in created)
        written.extend(s.pk for s in created)
        batch.clear()

    try:
        for i, raw in enumerate(items):
            where = f"sources[{i}]"
            key, text, meta = _source_fields(raw, where, base_dir)
            identity = text_identity(text)
            if key in seen:
                if seen[key][0] != identity:
                    raise LoadError(
                        f"{where}: source “{key}” is also {seen[key][1]}, with another text."
                    )
                continue
            # A key stored already is checked against its own text (flush); only a new one
            # must not repeat another source's text.
            if identity in keys_by_identity and key not in stored_keys:
                raise LoadError(
                    f"{where}: this text is already imported as source "
                    f"“{keys_by_identity[identity]}”."
                )
            keys_by_identity.setdefault(identity, key)
            seen[key] = (identity, where)
            batch.append((where, key, identity, text, meta))
            if len(batch) >= SOURCE_BATCH:
                flush()
        flush()
    except BaseException:
        if writer is not None:
            writer.close(check=False)  # its batch under way, before the rollback
        raise
    if writer is not None:
        writer.close()
    _record_created_sources(written)
    return keys


def _record_created_sources(ids: list[int]) -> None:
    """The new sources' "created" history records, set-wise: one ``INSERT ... SELECT`` of
    their rows (the history leaves out the text, so the statement reads no text), once every
    batch is written. The ids are one parameter, however many (as ``EventQuerySet.among``)."""
    if not ids:
        return
    historical = Source.history.model
    kept = ", ".join(f'"{c}"' for c in _history_columns(Source))
    postgres = connection.vendor == "postgresql"
    listed = "SELECT unnest(%s::bigint[])" if postgres else "SELECT value FROM json_each(%s)"
    param: list[int] | str = ids if postgres else json.dumps(ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {historical._meta.db_table} ({kept}, history_date, history_type)
                SELECT {kept}, %s, '+' FROM {Source._meta.db_table} WHERE id IN ({listed})
                ORDER BY id""",
            [timezone.now(), param],
        )


def _copy_sources(new: list[Source], writer: Writer) -> list[Source]:
    """Write new sources and their passages with ``COPY`` (PostgreSQL); returns them with ids.

    The ORM's ``bulk_create`` spent most of a large load's source step building model
    instances and parameters (a million-event archive has tens of thousands of sources and
    hundreds of thousands of passages); the rows are the same. The ``COPY`` is ``writer``'s,
    done while the caller reads the next sources (about 6 s of the server's at a million
    events, which followed 10 s of Python's).
    """
    if not new:
        return new
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('sources_source', 'id')) "
            "FROM generate_series(1, %s)",
            [len(new)],
        )
        now = timezone.now()
        for source, (pk,) in zip(new, cursor.fetchall(), strict=True):
            source.pk, source.imported_at = pk, now
    fields = Source._meta.concrete_fields
    columns = [cast(str, f.column) for f in fields]
    passages = [
        (s.pk, i, s.text[start:end], start, end)
        for s in new
        for i, (start, end) in enumerate(split_passages(s.text))
    ]
    writer.put(
        -1,
        [
            (
                _copy_statement(Source._meta.db_table, columns),
                _copy_data([[getattr(s, f.attname) for f in fields] for s in new]),
            ),
            (
                _copy_statement(
                    Passage._meta.db_table, ["source_id", "index", "text", "start", "end"]
                ),
                _copy_data(passages),
            ),
        ],
    )
    return new


def _copy_value(value: Any) -> str:
    """One value in ``COPY``'s text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _copy_data(rows: Iterable[Sequence[Any]]) -> str:
    """Rows in ``COPY``'s text format (faster here than the csv module's C writer, which
    looks at every character of every field).

    Most values need no escaping: the rows are written plainly (``str``, ``\\N`` for NULL;
    ``True`` and ``False`` are booleans PostgreSQL reads), then checked as a whole: as many
    tabs and newlines as separate the fields and rows, no carriage return, and a backslash
    for each NULL only. A batch that fails the check (a tab, a newline or a backslash in
    some text) is written value by value, escaped (``_copy_value``).
    """
    rows = rows if isinstance(rows, list) else list(rows)
    data = "".join("\t".join(["\\N" if v is None else str(v) for v in row]) + "\n" for row in rows)
    nulls = sum(row.count(None) for row in rows)
    separators = sum(map(len, rows))  # a tab after each field but the last, then a newline
    if (
        data.count("\t") + data.count("\n") == separators
        and data.count("\n") == len(rows)
        and "\r" not in data
        and data.count("\\") == nulls
    ):
        return data
    return "".join("\t".join(map(_copy_value, row)) + "\n" for row in rows)


def _copy_statement(table: str, columns: list[str]) -> str:
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    return f"COPY {table} ({names}) FROM STDIN"


def _copy_text(cursor, statement: str, data: str) -> None:
    # One read of the whole data: with a small buffer, the writer's thread (``Writer``)
    # would wait for the interpreter's lock on every piece while the other one parses.
    # On the driver's own cursor: its errors raised as Django's, like every other statement's.
    with connection.wrap_database_errors:
        cursor.copy_expert(statement, io.StringIO(data), size=len(data) + 1)


# Actors --------------------------------------------------------------------------------------


def load_actors(items: Iterable) -> dict[str, int]:
    """Create or update the actors and aliases; returns every name and alias (lower) -> pk."""
    actors: dict[str, tuple[int | None, str, str]] = {
        name.lower(): (pk, kind, desc)
        for pk, name, kind, desc in Actor.objects.values_list("pk", "name", "kind", "description")
    }
    aliases = {
        name.lower(): (actor_id, name)
        for actor_id, name in Alias.objects.values_list("actor_id", "name")
    }
    names_by_pk = dict(Actor.objects.values_list("pk", "name"))  # as written, for messages
    slugs = set(Actor.objects.values_list("slug", flat=True))
    planned = []
    declared: dict[str, str] = {}  # aliases given by the file so far (lower) -> actor name
    titles = title_keys()  # every post's title and alias (compared form) -> post id
    for i, raw in enumerate(items):
        where = f"actors[{i}]"
        raw = _object(raw, where, "an actor")
        name = _text(raw.get("name"), f"{where}.name", field=(Actor, "name")).strip()
        if not name:
            raise LoadError(f"{where}: an actor needs a name.")
        kind = _choice(raw.get("kind"), ActorKind, f"{where}.kind")
        description = _text(
            raw.get("description"), f"{where}.description", field=(Actor, "description")
        )
        given = [
            (f"{where}.aliases[{k}]", _text(a, f"{where}.aliases[{k}]", field=(Alias, "name")))
            for k, a in enumerate(_list(raw.get("aliases"), f"{where}.aliases"))
        ]
        wanted = {spelling.strip() for _at, spelling in given} - {""}
        # A title ("the coup leader") is no new actor nor new alias: the actor filter would
        # find that actor for the title instead of whoever held it (``title_clash``). Names
        # and aliases stored already are kept.
        if name.lower() not in actors and (post := post_in(titles, name)) is not None:
            raise LoadError(f"{where}.name: {clash_with(name, post).message()}")
        for at, spelling in given:
            if spelling.strip().lower() in aliases:
                continue
            if (post := post_in(titles, spelling)) is not None:
                raise LoadError(f"{at}: {clash_with(spelling, post).message(alias=True)}")
        taken = aliases.get(name.lower())
        if taken is not None and names_by_pk.get(taken[0], "").lower() != name.lower():
            raise LoadError(
                f"{where}: “{name}” is already an alias of {names_by_pk.get(taken[0], '?')}."
            )
        earlier = declared.get(name.lower())
        if earlier is not None and earlier.lower() != name.lower():
            raise LoadError(f"{where}: “{name}” is already an alias of {earlier}.")
        for spelling in wanted:
            declared.setdefault(spelling.lower(), name)
        planned.append((where, name, kind, description, wanted))

    new = []
    for _where, name, kind, description, _ in planned:
        if name.lower() in actors:
            pk, old_kind, old_description = actors[name.lower()]
            # pk None: an actor this archive adds, named again; it is not in the table yet.
            if pk is not None and (old_kind, old_description) != (kind, description):
                Actor.objects.filter(pk=pk).update(kind=kind, description=description)
            continue
        base = slugify(name)[:190] or "actor"
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        actor = Actor(name=name, kind=kind, description=description, slug=slug)
        new.append(actor)
        actors[name.lower()] = (None, kind, description)
    for actor in Actor.objects.bulk_create(new, batch_size=1000):
        actors[actor.name.lower()] = (actor.pk, actor.kind, actor.description)
        names_by_pk[actor.pk] = actor.name

    add, remove = [], []
    spellings: dict[int, set[str]] = {}
    for a_pk, a_name in aliases.values():
        spellings.setdefault(a_pk, set()).add(a_name)
    # From here every actor has its pk (bulk_create sets them): no None placeholder is left.
    for where, name, _, _, wanted in planned:
        pk = cast(int, actors[name.lower()][0])
        have = spellings.get(pk, set())
        for spelling in sorted(wanted - have):
            taken = aliases.get(spelling.lower())
            clash = taken[0] if taken else actors.get(spelling.lower(), (None,))[0]
            if clash is not None and clash != pk:
                raise LoadError(f"{where}: alias “{spelling}” already names {names_by_pk[clash]}.")
            add.append(Alias(actor_id=pk, name=spelling))
            aliases[spelling.lower()] = (pk, spelling)
        remove += [(pk, spelling) for spelling in have - wanted]
    Alias.objects.bulk_create(add, batch_size=1000)
    for pk, spelling in remove:
        Alias.objects.filter(actor_id=pk, name=spelling).delete()
        aliases.pop(spelling.lower(), None)
    lookup = {name: cast(int, pk) for name, (pk, _, _) in actors.items()}
    for spelling, (pk, _) in aliases.items():
        lookup.setdefault(spelling, pk)
    for slug, pk in Actor.objects.values_list("slug", "pk").iterator():
        lookup.setdefault(slug.lower(), pk)  # slugs name actors too (Actor.objects.named)
    return lookup


# Events: staging -----------------------------------------------------------------------------

STAGE = {
    "load_event": [
        ("idx", "integer"),
        ("event_id", "bigint"),
        ("action", "integer"),  # 0 new, 1 unchanged, 2 changed
        ("title", "text"),
        ("summary", "text"),
        ("type", "text"),
        ("status", "text"),
        ("location", "text"),
        ("date_start", "date"),
        ("date_end", "date"),
        ("date_precision", "text"),
        ("date_text", "text"),
        ("date_approximate", "boolean"),
        ("attribution", "text"),
        ("span_start", "date"),
        ("span_end", "date"),
        ("precision_rank", "integer"),
        ("n_citations", "integer"),
    ],
    "load_participation": [
        ("idx", "integer"),
        ("pos", "integer"),
        ("actor_id", "bigint"),
        ("role", "text"),
    ],
    "load_citation": [
        ("idx", "integer"),
        ("pos", "integer"),
        ("source_id", "bigint"),
        ("passage_index", "integer"),
        ("passage_id", "bigint"),
        ("quote", "text"),
        ("start", "integer"),
        ('"end"', "integer"),
        ("date_text", "text"),
        ("note", "text"),
        # Set with passage_id (``staged_rule_violation``): whether the quote is the text of
        # the passage at its offsets, and the passage's words around it.
        ("verbatim", "boolean"),
        ("prefix", "text"),
        ("suffix", "text"),
    ],
}


# PostgreSQL: each staged event's text for its search document (0008_scale_search), and the
# documents. Not temporary tables: they are written by a connection of their own (``Writer``
# with a ``SearchStage``, which names them), and the documents left at the end are computed
# by a parallel query (``_search_documents``): parallel workers cannot read a session's
# temporary tables either.
SEARCH_STAGE = {
    "load_search_text": [
        ("idx", "integer"),
        ("title", "text"),
        ("summary", "text"),
        ("quotes", "text"),
    ],
    # The documents computed while the load runs (``Writer``); ``SearchStage.rest`` has the
    # others, computed when they are needed (``_search_documents``).
    "load_search": [("idx", "integer"), ("document", "tsvector")],
}


class SearchStage:
    """The tables of one load's search documents (PostgreSQL): the events' search text,
    the documents computed while the load runs, and the rest computed at the end.

    They are written by a connection of their own (``Writer`` with ``search``), in its own
    transactions, so that the server computes the documents on another core while the load's
    transaction checks the rules and writes; the load reads them, then drops them. Their
    names are the load's own: a load that fails leaves them behind (they were committed),
    and the next load drops them (``_drop_leftover_search_stages``).
    """

    PREFIX = "load_search_"

    def __init__(self) -> None:
        suffix = secrets.token_hex(6)
        self.text = f"{self.PREFIX}text_{suffix}"
        self.documents = f"{self.PREFIX}doc_{suffix}"
        self.rest = f"{self.PREFIX}rest_{suffix}"

    @property
    def tables(self) -> list[str]:
        return [self.text, self.documents, self.rest]


def _drop_leftover_search_stages(cursor) -> None:
    """Drop the search tables of earlier loads that failed (loads run one at a time)."""
    cursor.execute(
        """SELECT format('%%I', relname) FROM pg_class
           WHERE relkind = 'r' AND relpersistence = 'u' AND relname LIKE %s
             AND relnamespace = current_schema()::regnamespace""",
        [SearchStage.PREFIX.replace("_", "\\_") + "%"],
    )
    leftovers = [name for (name,) in cursor.fetchall()]
    if leftovers:
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(leftovers)}")


# The expression of the trigger of 0008_scale_search, over an event's title, summary and its
# quotes joined by spaces in their order.
SEARCH_DOCUMENT = """setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(quotes, '')), 'C')"""


# The staging tables, and each batch's citations before their passages are read into
# ``load_citation`` (``Stager.flush``, ``READ_PASSAGES``).
STAGING = {**STAGE, "load_citation_batch": STAGE["load_citation"]}


def _create_staging(cursor) -> None:
    postgres = connection.vendor == "postgresql"
    for table, columns in STAGING.items():
        cursor.execute(f"DROP TABLE IF EXISTS {'' if postgres else 'temp.'}{table}")
        spec = ", ".join(f"{name} {kind}" for name, kind in columns)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} ({spec})" + (" ON COMMIT DROP" if postgres else "")
        )
    if postgres:
        _drop_leftover_search_stages(cursor)


def _drop_staging(cursor) -> None:
    if connection.vendor != "postgresql":
        for table in STAGING:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{table}")


class Writer:
    """Writes staged batches on a thread of its own while the file is read (PostgreSQL).

    Reading the file is Python's work, on one core; the ``COPY`` of each batch is the
    server's, done at the same time. A writer without ``search`` writes on the load's
    connection (the staging tables; the sources' ``COPY``): the thread has it to itself while
    a batch is handed over, and the caller (nor anything else in the process) touches it only
    after ``wait`` or ``close``.

    A writer with ``search`` (``SearchStage``) has a connection of its own: it writes the
    events' search text and, whenever no batch is waiting, computes the search documents of
    the events staged so far (``to_tsvector``, most of the server's work in a load), a batch
    at a time, each committed. After the last batch (``finish``) it goes on until every
    document is computed or it is closed: on another core than the load's transaction,
    which meanwhile checks the rules and writes participants and citations. What it has
    not done when the load needs the documents is left to one parallel query
    (``_search_documents``).
    """

    def __init__(self, search: SearchStage | None = None) -> None:
        self.search = search
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.staged = -1  # the last event (idx) whose rows are written
        self.documented = -1  # the last event whose document is computed (with ``search``)
        self.ended = False  # the thread has taken the end of the stream
        self.finished = False  # the end of the stream is handed over
        self.stopping = threading.Event()
        self.working = False  # a batch is being written
        # Batches handed over and batches taken off (written, or passed over after an
        # error): ``wait`` returns when they are equal.
        self.handed = 0
        self.taken = 0
        self.settled = threading.Condition()
        # The writer whose batches go first (the documents' writer defers to the load's):
        # on a machine of two cores, the server has one for both while Python parses.
        self.defer_to: Writer | None = None
        self.cursor: Any = None
        if search is None:
            connection.ensure_connection()
            self.cursor = connection.connection.cursor()  # the driver's own, for this thread
        name = "load-writer" if search is None else "load-documents"
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        if self.search is None:
            self._loop()
            return
        own = connections[DEFAULT_DB_ALIAS]  # this thread's own (autocommit) connection
        try:
            try:
                own.ensure_connection()
                self.cursor = own.connection.cursor()
                for table, columns in (
                    (self.search.text, SEARCH_STAGE["load_search_text"]),
                    (self.search.documents, SEARCH_STAGE["load_search"]),
                ):
                    spec = ", ".join(f"{name} {kind}" for name, kind in columns)
                    self.cursor.execute(f"CREATE UNLOGGED TABLE {table} ({spec})")
                self.cursor.execute(f"CREATE INDEX ON {self.search.text} (idx)")
            except BaseException as exc:
                self.error = exc
            self._loop()
        finally:
            own.close()

    def _loop(self) -> None:
        while True:
            more = (
                self.search is not None
                and self.error is None
                and self.documented < self.staged
                and not self.stopping.is_set()
            )
            # The load's own writer first: while it has a batch, documents wait.
            deferred = more and self.defer_to is not None and self.defer_to.busy()
            if self.ended:
                if not more:
                    return
                if deferred:
                    time.sleep(DEFERRED)
                else:
                    self._document(min(self.staged, self.documented + BATCH))
                continue
            try:
                if deferred:
                    item = self.queue.get(timeout=DEFERRED)
                else:
                    item = self.queue.get(block=not more)
            except queue.Empty:
                if not deferred:
                    self._document(min(self.staged, self.documented + BATCH))
                continue
            if item is None:
                self.ended = True
                continue
            try:
                if self.error is not None:
                    continue  # a statement failed: the transaction is lost; take the rest unread
                last, batch = item
                self.working = True
                for statement, data in batch:
                    if data is None:
                        with connection.wrap_database_errors:
                            self.cursor.execute(statement)
                    else:
                        _copy_text(self.cursor, statement, data)
                self.staged = last
            except BaseException as exc:  # raised in the caller's thread (``put``, ``close``)
                self.error = exc
            finally:
                self.working = False
                with self.settled:
                    self.taken += 1
                    self.settled.notify_all()

    def busy(self) -> bool:
        """Whether a batch is being written or waits to be."""
        return self.thread.is_alive() and (self.working or not self.queue.empty())

    def _document(self, last: int) -> None:
        assert self.search is not None
        try:
            self.cursor.execute(
                f"""INSERT INTO {self.search.documents} SELECT idx, {SEARCH_DOCUMENT}
                    FROM {self.search.text} WHERE idx > %s AND idx <= %s""",
                [self.documented, last],
            )
            self.documented = last
        except BaseException as exc:
            self.error = exc

    def _raise(self) -> None:
        if self.error is not None:
            with connection.wrap_database_errors:  # as Django's own DatabaseError
                raise self.error

    def put(self, last: int, batch: list[tuple[str, str | None]]) -> None:
        """Write ``batch`` (``COPY`` statements and their data, or statements to run with
        ``None``), staging events up to ``last`` (idx)."""
        self._raise()
        with self.settled:
            self.handed += 1
        self.queue.put((last, batch))

    def wait(self) -> None:
        """Until every batch handed over is written; raise the error of one that failed. The
        caller may then use the connection (the load's writer) without waiting on the lock
        of a ``COPY`` under way or reading a transaction it broke."""
        with self.settled:
            self.settled.wait_for(lambda: self.taken >= self.handed or not self.thread.is_alive())
        self._raise()

    def finish(self) -> None:
        """No batch comes after; with ``search``, the thread goes on with the documents."""
        if not self.finished:
            self.finished = True
            self.queue.put(None)

    def close(self, *, check: bool = True) -> None:
        """Wait for the batches handed over (with ``search``: the document batch under way,
        no more); ``check``: raise the error of one that failed."""
        self.stopping.set()
        if self.thread.is_alive():
            self.finish()
            self.thread.join()
            if self.search is None:
                self.cursor.close()
        if check:
            self._raise()


class Stager:
    """Rows for the staging tables, written a batch at a time.

    On PostgreSQL the rows become ``COPY`` data here and are written by a ``Writer``, and
    each event's search text by ``documents`` (a ``Writer`` with its ``SearchStage``);
    elsewhere they are inserted with ``executemany``.
    """

    def __init__(self, cursor, documents: Writer | None = None) -> None:
        self.cursor = cursor
        self.copy = connection.vendor == "postgresql"
        self.documents = documents
        self.tables = (
            {**STAGE, "load_search_text": SEARCH_STAGE["load_search_text"]}
            if documents is not None
            else STAGE
        )
        self.rows: dict[str, list[tuple]] = {table: [] for table in self.tables}
        self.writer = Writer() if self.copy else None
        if documents is not None:
            documents.defer_to = self.writer

    def add(self, table: str, row: tuple) -> None:
        self.rows[table].append(row)

    def add_search_text(self, idx: int, title: str, summary: str, quotes: list[str]) -> None:
        if self.documents is not None:
            self.rows["load_search_text"].append((idx, title, summary, " ".join(quotes)))

    def flush(self) -> None:
        connection.queries_log.clear()  # with DEBUG on, logged statements would pile up
        staged = self.rows["load_event"]
        last = staged[-1][0] if staged else -1
        batch: list[tuple[str, str | None]] = []
        for table, rows in self.rows.items():
            if not rows:
                continue
            # The columns staged from the file (those after them are set by the checks).
            names = [name for name, _ in self.tables[table]][: len(rows[0])]
            if self.documents is not None and table == "load_search_text":
                assert self.documents.search is not None
                statement = _copy_statement(self.documents.search.text, names)
                self.documents.put(last, [(statement, _copy_data(rows))])
                self.rows[table] = []
                continue
            # Citations go through the batch table: each one's passage is read as it is
            # staged (on PostgreSQL by the server while Python parses the next batch).
            target = "load_citation_batch" if table == "load_citation" else table
            if self.writer is not None:
                batch.append((_copy_statement(target, names), _copy_data(rows)))
            else:
                rows = [
                    tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row)
                    for row in rows
                ]
                marks = ", ".join(["%s"] * len(rows[0]))
                self.cursor.executemany(
                    f"INSERT INTO {target} ({', '.join(names)}) VALUES ({marks})", rows
                )
            if table == "load_citation":
                for statement in _reading_passages():
                    if self.writer is not None:
                        batch.append((statement, None))
                    else:
                        self.cursor.execute(statement)
            self.rows[table] = []
        if self.writer is not None and batch:
            self.writer.put(last, batch)

    def close(self, *, check: bool = True) -> None:
        """The last batch written (and, with ``check``, any error of the writers raised);
        ``documents`` goes on computing documents."""
        if self.writer is not None:
            self.writer.close(check=check)
        if self.documents is not None:
            self.documents.finish()
            if check:
                self.documents._raise()


def stage_events(
    items: Iterable,
    stager: Stager,
    actors: dict[str, int],
    sources: dict[str, int],
    progress: Progress | None = None,
) -> int:
    count = 0
    for i, raw in enumerate(items):
        where = f"events[{i}]"
        raw = _object(raw, where, "an event")
        title = _text(raw.get("title"), f"{where}.title", field=(Event, "title"))
        if not title:
            raise LoadError(f"{where}: an event needs a title.")
        date = raw.get("date") or {}
        _object(date, f"{where}.date")
        start = _date(date.get("start"), f"{where}.date.start")
        end = _date(date.get("end"), f"{where}.date.end")
        if end and (not start or end < start):
            raise LoadError(f"{where}.date: the end is before the start (or there is no start).")
        fields: dict[str, Any] = {
            "title": title,
            "summary": _text(raw.get("summary"), f"{where}.summary", field=(Event, "summary")),
            "type": _choice(raw.get("type", EventType.OTHER), EventType, f"{where}.type"),
            "status": _choice(raw.get("status", Status.PUBLISHED), Status, f"{where}.status"),
            "location": _text(raw.get("location"), f"{where}.location", field=(Event, "location")),
            "date_start": start,
            "date_end": end,
            "date_precision": _choice(
                date.get("precision", Precision.DAY), Precision, f"{where}.date.precision"
            ),
            "date_text": _text(date.get("text"), f"{where}.date.text", field=(Event, "date_text")),
            "date_approximate": _bool(date.get("approximate"), f"{where}.date.approximate"),
            "attribution": _text(
                raw.get("attribution"), f"{where}.attribution", field=(Event, "attribution")
            ),
        }
        if start:  # a month or a year is kept as its first day, as ``Event.save`` keeps it
            fields["date_start"] = start = truncate(start, fields["date_precision"])
            fields["date_end"] = end = end and truncate(end, fields["date_precision"])
        span = interval(start, end, fields["date_precision"]) if start else (None, None)
        for k, item in enumerate(_list(raw.get("actors"), f"{where}.actors")):
            item = _object(item, f"{where}.actors[{k}]", "an actor and role")
            name = _text(item.get("name"), f"{where}.actors[{k}].name").strip()
            pk = actors.get(name.lower())
            if pk is None:
                raise LoadError(f"{where}.actors[{k}]: no actor is named or aliased “{name}”.")
            role = _choice(item.get("role", Role.PARTICIPANT), Role, f"{where}.actors[{k}].role")
            stager.add("load_participation", (i, k, pk, role))
        quotes = []
        for k, item in enumerate(_list(raw.get("citations"), f"{where}.citations")):
            at = f"{where}.citations[{k}]"
            item = _object(item, at, "a citation")
            key = item.get("source")
            source_id = sources.get(key) if isinstance(key, str) else None
            if source_id is None:
                raise LoadError(f"{at}: no source has the key “{key}”.")
            quote = _text(item.get("quote"), f"{at}.quote")
            passage = _int(item.get("passage"), f"{at}.passage")
            begin = _int(item.get("start"), f"{at}.start")
            finish = _int(item.get("end"), f"{at}.end")
            if not quote:
                raise LoadError(f"{at}: The quote is empty: copy the exact words from the source.")
            if passage is None or begin is None:
                begin = finish = None  # located set-wise (_locating)
            elif finish is None:
                finish = begin + len(quote)
            date_text = _text(
                item.get("date_text"), f"{at}.date_text", field=(Citation, "date_text")
            )
            note = _text(item.get("note"), f"{at}.note", field=(Citation, "note"))
            stager.add(
                "load_citation",
                (i, k, source_id, passage, None, quote, begin, finish, date_text, note),
            )
            quotes.append(quote)
        stager.add_search_text(i, title, fields["summary"], quotes)
        stager.add(
            "load_event",
            (
                i,
                None,
                0,
                *fields.values(),
                *span,
                PRECISION_RANK[Precision(fields["date_precision"])],
                len(quotes),
            ),
        )
        count += 1
        if count % BATCH == 0:
            stager.flush()
            if progress:
                progress(count)
    stager.flush()
    if progress:
        progress(count)
    return count


# Events: locating bare quotes, set-wise ------------------------------------------------------


def _locating(table: str) -> list[str]:
    """The two UPDATEs that find the passage and offsets of the quotes in ``table`` given
    without them (``unlocated_quote`` says why one could not be)."""
    find = "strpos" if connection.vendor == "postgresql" else "instr"
    return [
        f"""UPDATE {table}
            SET passage_index = p."index", start = {find}(p.text, {table}.quote) - 1,
                "end" = {find}(p.text, {table}.quote) - 1 + length({table}.quote)
            FROM sources_passage p, sources_source s
            WHERE {table}.passage_index IS NULL AND {table}.start IS NULL
              AND s.id = {table}.source_id AND p.source_id = {table}.source_id
              AND {find}(p.text, {table}.quote) > 0
              AND length(s.text) - length(replace(s.text, {table}.quote, ''))
                  = length({table}.quote)""",
        f"""UPDATE {table}
            SET start = {find}(p.text, {table}.quote) - 1,
                "end" = {find}(p.text, {table}.quote) - 1 + length({table}.quote)
            FROM sources_passage p
            WHERE {table}.start IS NULL AND {table}.passage_index IS NOT NULL
              AND p.source_id = {table}.source_id
              AND p."index" = {table}.passage_index
              AND length(p.text) - length(replace(p.text, {table}.quote, ''))
                  = length({table}.quote)""",
    ]


def _reading_passages() -> list[str]:
    """What each staged batch of citations goes through: its bare quotes located, then
    each citation read against its passage into ``load_citation``, then the batch cleared."""
    clear = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
    return [
        *_locating("load_citation_batch"),
        READ_PASSAGES,
        f"{clear} load_citation_batch",
    ]


def unlocated_quote(cursor) -> str | None:
    """Why the first staged quote given without its passage or offsets could not be located
    (as each batch was staged, ``_locating``), or None.

    A bare quote must occur once in its source (and inside one passage); a quote given with a
    passage but no offsets, once in that passage. What cannot be located is explained by
    ``events.services.locate`` (the message of a single write), for the first such citation.
    """
    cursor.execute(
        """SELECT idx, pos, source_id, quote, passage_index FROM load_citation
           WHERE start IS NULL ORDER BY idx, pos LIMIT 1"""
    )
    row = cursor.fetchone()
    if row is None:
        return None
    idx, pos, source_id, quote, passage_index = row
    source = Source.objects.get(pk=source_id)
    try:
        locate(source, quote, passage_index)
    except CitationError as exc:
        return f"events[{idx}].citations[{pos}]: {exc}"
    return f"events[{idx}].citations[{pos}]: the quote could not be located; give its passage."


# Events: the rules, set-wise -----------------------------------------------------------------


# Each staged citation's passage, read once (``Stager.flush``): its id, whether
# the quote is its text at the offsets (checked by ``staged_rule_violation``) and the words
# around the quote (written with it). A citation whose passage does not exist keeps no id.
READ_PASSAGES = f"""INSERT INTO load_citation
    SELECT b.idx, b.pos, b.source_id, b.passage_index, p.id, b.quote, b.start, b."end",
           b.date_text, b.note,
           coalesce(b."end" <= length(p.text) AND b."end" > b.start
                    AND substr(p.text, b.start + 1, b."end" - b.start) = b.quote, false),
           substr(p.text, CASE WHEN b.start > {CONTEXT} THEN b.start - {CONTEXT} + 1 ELSE 1 END,
                  CASE WHEN b.start > {CONTEXT} THEN {CONTEXT} ELSE b.start END),
           substr(p.text, b."end" + 1, {CONTEXT})
    FROM load_citation_batch b
    LEFT JOIN sources_passage p ON p.source_id = b.source_id AND p."index" = b.passage_index"""


def staged_rule_violation(cursor) -> str | None:
    """The first staged event that breaks a rule of event writes, as a message; else None.

    The set-wise form of the rules every event write keeps (one query per rule, over all the
    staged rows at once): an event's identity (title and start date) is unique, every citation
    names a passage that exists, its quote is verbatim text of that passage at its offsets, a
    published event has at least one citation, an actor takes part once per role, and a span
    is cited once per event. Expects
    the staging tables ``load_event``, ``load_participation``, ``load_citation`` (whose
    passages were read as they were staged, ``READ_PASSAGES``).
    """
    same = "IS NOT DISTINCT FROM" if connection.vendor == "postgresql" else "IS"
    problem = unlocated_quote(cursor)
    if problem:
        return problem
    cursor.execute(
        f"""SELECT a.idx, min(b.idx) FROM load_event a JOIN load_event b
            ON b.title = a.title AND b.date_start {same} a.date_start AND b.idx < a.idx
            GROUP BY a.idx ORDER BY a.idx LIMIT 1"""
    )
    row = cursor.fetchone()
    if row:
        return (
            f"events[{row[0]}]: same title and start date as events[{row[1]}]; "
            "an event is identified by them, so give one a distinct title."
        )
    cursor.execute(
        """SELECT c.idx, c.pos, c.source_id, c.passage_index,
                  (SELECT count(*) FROM sources_passage p WHERE p.source_id = c.source_id)
           FROM load_citation c WHERE c.passage_id IS NULL ORDER BY c.idx, c.pos LIMIT 1"""
    )
    row = cursor.fetchone()
    if row:
        key = Source.objects.filter(pk=row[2]).values_list("key", flat=True).first()
        return (
            f"events[{row[0]}].citations[{row[1]}]: Source “{key}” has no passage {row[3]} "
            f"(it has passages 0 to {row[4] - 1})."
        )
    cursor.execute(
        """SELECT c.idx, c.pos, p.text, c.quote, c.start, c."end"
           FROM load_citation c JOIN sources_passage p ON p.id = c.passage_id
           WHERE NOT c.verbatim ORDER BY c.idx, c.pos LIMIT 1"""
    )
    row = cursor.fetchone()
    if row:
        return f"events[{row[0]}].citations[{row[1]}]: " + quote_mismatch(*row[2:])
    cursor.execute(
        "SELECT idx FROM load_event WHERE status = %s AND n_citations = 0 ORDER BY idx LIMIT 1",
        [Status.PUBLISHED],
    )
    row = cursor.fetchone()
    if row:
        return (
            f"events[{row[0]}]: a published event needs at least one citation; "
            'add one, or give it "status": "draft".'
        )
    cursor.execute(
        """SELECT b.idx, b.pos, min(a.pos) FROM load_participation a JOIN load_participation b
           ON b.idx = a.idx AND b.actor_id = a.actor_id AND b.role = a.role AND a.pos < b.pos
           GROUP BY b.idx, b.pos ORDER BY b.idx, b.pos LIMIT 1"""
    )
    row = cursor.fetchone()
    if row:
        return (
            f"events[{row[0]}].actors[{row[1]}]: the same actor in the same role as "
            f"actors[{row[2]}] (a name or an alias of it); list an actor once per role."
        )
    cursor.execute(
        """SELECT b.idx, b.pos, min(a.pos) FROM load_citation a JOIN load_citation b
           ON b.idx = a.idx AND b.passage_id = a.passage_id AND b.start = a.start
              AND b."end" = a."end" AND a.pos < b.pos
           GROUP BY b.idx, b.pos ORDER BY b.idx, b.pos LIMIT 1"""
    )
    row = cursor.fetchone()
    if row:
        return (
            f"events[{row[0]}].citations[{row[1]}]: cites the same words as citations[{row[2]}]; "
            "cite a span once per event."
        )
    return None


# Events: writing -----------------------------------------------------------------------------


def _mark_existing(cursor) -> None:
    """Match staged events to stored ones by identity and mark the unchanged ones.

    Only staged events that exist already are compared (a chunk at a time): their staged
    interchange shape against ``event_payload`` of the stored event.
    """
    from .interchange import event_payload, events_with_relations

    same = "IS NOT DISTINCT FROM" if connection.vendor == "postgresql" else "IS"
    cursor.execute(
        f"""UPDATE load_event SET event_id = e.id, action = 2 FROM events_event e
            WHERE e.title = load_event.title AND e.date_start {same} load_event.date_start"""
    )
    if connection.vendor == "postgresql":
        _mark_identical(cursor)
    last = -1
    while True:
        cursor.execute(
            """SELECT idx, event_id FROM load_event
               WHERE action = 2 AND idx > %s ORDER BY idx LIMIT 2000""",
            [last],
        )
        rows = cursor.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        staged = _staged_shapes(cursor, rows[0][0], last)
        stored = {
            event.pk: event_payload(event)
            for event in events_with_relations(Event.objects.filter(pk__in=[r[1] for r in rows]))
        }
        same_ids = [
            event_id
            for idx, event_id in rows
            if event_id in stored and _unordered(stored[event_id]) == _unordered(staged[idx])
        ]
        for k in range(0, len(same_ids), 500):
            chunk = same_ids[k : k + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"UPDATE load_event SET action = 1 WHERE event_id IN ({marks})", chunk)


# One fingerprint of an event as stored and as staged: its fields, then its participants and
# its citations as sets (sorted), in one JSON array (NULLs and separators unambiguous).
FINGERPRINT = """md5(json_build_array({fields}, a.rows, c.rows)::text)"""
ACTOR_ROWS = "json_agg(json_build_array(p.actor_id, p.role) ORDER BY p.actor_id, p.role)"
CITATION_ROWS = (
    'json_agg(json_build_array(c.passage_id, c.start, c."end", c.quote, c.date_text, c.note) '
    'ORDER BY c.passage_id, c.start, c."end")'
)


def _mark_identical(cursor) -> None:
    """Mark unchanged, in SQL, the matched events whose stored fields, participants and
    citations are the file's to the letter (PostgreSQL).

    One fingerprint per event on each side (``FINGERPRINT``), each side computed by plain
    grouped joins into a table of its own with statistics, then compared by one join: a
    reload of a million unchanged events takes seconds, where comparing their interchange
    shapes in Python took minutes (and one statement joining both sides, its selectivity
    beyond the planner's estimates, was joined row by row). Equal raw values mean equal
    shapes; the events not marked here are still compared in Python after it.
    """
    fields = ", ".join(f"e.{name}" for name in EVENT_FIELDS)
    cursor.execute("ANALYZE load_event")  # how many are matched
    cursor.execute(
        f"""CREATE TEMPORARY TABLE load_staged_print ON COMMIT DROP AS
            SELECT e.idx, e.event_id, {FINGERPRINT.format(fields=fields)} AS print
            FROM load_event e
            LEFT JOIN (SELECT p.idx, {ACTOR_ROWS} AS rows FROM load_participation p
                       GROUP BY p.idx) a ON a.idx = e.idx
            LEFT JOIN (SELECT c.idx, {CITATION_ROWS} AS rows FROM load_citation c
                       GROUP BY c.idx) c ON c.idx = e.idx
            WHERE e.action = 2"""
    )
    cursor.execute(
        f"""CREATE TEMPORARY TABLE load_stored_print ON COMMIT DROP AS
            SELECT e.id AS event_id, {FINGERPRINT.format(fields=fields)} AS print
            FROM events_event e
            JOIN load_event m ON m.event_id = e.id AND m.action = 2
            LEFT JOIN (SELECT p.event_id, {ACTOR_ROWS} AS rows FROM events_participation p
                       JOIN load_event m ON m.event_id = p.event_id AND m.action = 2
                       GROUP BY p.event_id) a ON a.event_id = e.id
            LEFT JOIN (SELECT c.event_id, {CITATION_ROWS} AS rows FROM events_citation c
                       JOIN load_event m ON m.event_id = c.event_id AND m.action = 2
                       GROUP BY c.event_id) c ON c.event_id = e.id"""
    )
    cursor.execute("ANALYZE load_staged_print, load_stored_print")
    cursor.execute(
        """UPDATE load_event SET action = 1 WHERE idx IN (
             SELECT s.idx FROM load_staged_print s
             JOIN load_stored_print t ON t.event_id = s.event_id AND t.print = s.print)"""
    )
    cursor.execute("DROP TABLE load_staged_print, load_stored_print")


def _unordered(shape: dict) -> dict:
    """An event's shape with its actors and citations as sets: a write keeps the ones that
    stay and adds the new ones after them, so the stored order can differ from the file's
    without any change (which would otherwise be "updated" on every load)."""
    return {
        **shape,
        **{
            name: sorted(json.dumps(item, sort_keys=True, default=str) for item in shape[name])
            for name in ("actors", "citations")
            if isinstance(shape.get(name), list)
        },
    }


def _staged_shapes(cursor, first: int, last: int) -> dict[int, dict]:
    """The interchange shape of the staged events ``first``..``last`` (by idx)."""
    from .interchange import _event_shape

    names = [*EVENT_FIELDS]
    cursor.execute(
        f"SELECT idx, {', '.join(names)} FROM load_event WHERE idx BETWEEN %s AND %s",
        [first, last],
    )
    events: dict[int, tuple[dict[str, Any], list, list]] = {}
    for idx, *values in cursor.fetchall():
        fields = dict(zip(names, values, strict=True))
        for name in ("date_start", "date_end"):
            if isinstance(fields[name], str):
                fields[name] = dt.date.fromisoformat(fields[name])
        fields["date_approximate"] = bool(fields["date_approximate"])
        events[idx] = (fields, [], [])
    cursor.execute(
        """SELECT lp.idx, a.name, lp.role FROM load_participation lp
           JOIN events_actor a ON a.id = lp.actor_id
           WHERE lp.idx BETWEEN %s AND %s ORDER BY lp.idx, lp.pos""",
        [first, last],
    )
    for idx, name, role in cursor.fetchall():
        events[idx][1].append((name, role))
    cursor.execute(
        """SELECT lc.idx, s.key, lc.passage_index, lc.quote, lc.start, lc."end",
                  lc.date_text, lc.note
           FROM load_citation lc JOIN sources_source s ON s.id = lc.source_id
           WHERE lc.idx BETWEEN %s AND %s ORDER BY lc.idx, lc.pos""",
        [first, last],
    )
    for idx, key, passage, quote, start, end, date_text, note in cursor.fetchall():
        events[idx][2].append(
            {
                "source": key,
                "passage": passage,
                "quote": quote,
                "start": start,
                "end": end,
                "date_text": date_text,
                "note": note,
            }
        )
    return {idx: _event_shape(*parts) for idx, parts in events.items()}


def _replace_changed(cursor) -> None:
    """Changed events go through the single-event path (version bump, history)."""
    from .interchange import write_event
    from .services import Located

    last = -1
    while True:
        cursor.execute(
            """SELECT idx, event_id FROM load_event WHERE action = 2 AND idx > %s
               ORDER BY idx LIMIT 500""",
            [last],
        )
        rows = cursor.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        names = [name for name, _ in STAGE["load_event"]]
        for idx, event_id in rows:
            cursor.execute(
                f"SELECT {', '.join(names)} FROM load_event WHERE idx = %s",
                [idx],
            )
            staged = dict(zip(names, cursor.fetchone(), strict=True))
            plan = {name: staged[name] for name in EVENT_FIELDS}
            for name in ("date_start", "date_end"):
                if isinstance(plan[name], str):
                    plan[name] = dt.date.fromisoformat(plan[name])
            plan["date_approximate"] = bool(plan["date_approximate"])
            cursor.execute(
                "SELECT actor_id, role FROM load_participation WHERE idx = %s ORDER BY pos", [idx]
            )
            roles = cursor.fetchall()
            people = Actor.objects.in_bulk([a for a, _ in roles])
            plan["participants"] = [(people[a], role) for a, role in roles]
            cursor.execute(
                """SELECT passage_id, start, "end", quote, date_text, note FROM load_citation
                   WHERE idx = %s ORDER BY pos""",
                [idx],
            )
            cited = cursor.fetchall()
            passages = Passage.objects.select_related("source").in_bulk([c[0] for c in cited])
            plan["citations"] = [
                (Located(passages[p], s, e, q), date_text, note)
                for p, s, e, q, date_text, note in cited
            ]
            write_event(Event.objects.get(pk=event_id), plan)


def _history_columns(model) -> list[str]:
    return [
        f.column
        for f in model.history.model._meta.concrete_fields
        if not f.name.startswith("history_")
    ]


def _search_documents(cursor, created: int, search: SearchStage) -> None:
    """The search documents of the new events not computed by the documents' ``Writer``,
    in ``search.rest`` (PostgreSQL).

    ``to_tsvector`` is most of the database's work in a load: computed by one parallel
    query (``CREATE TABLE AS`` may run in parallel where ``INSERT ... SELECT`` may not) it
    takes the machine's cores instead of one. When most staged events are stored already
    (a reload), only the new ones' are computed, by a query that cannot be parallel: it
    reads which are new from a temporary table. The events' INSERT takes each document from
    here (a missing one would be computed by the trigger of 0008_scale_search).
    """
    cursor.execute(f"SELECT count(*), (SELECT max(idx) FROM {search.documents}) FROM load_event")
    staged, documented = cursor.fetchone()
    only_new = (
        "" if created * 2 >= staged else "AND idx IN (SELECT idx FROM load_event WHERE action = 0)"
    )
    cursor.execute(f"ANALYZE {search.text}")
    cursor.execute(
        f"""CREATE UNLOGGED TABLE {search.rest} AS
            SELECT idx, {SEARCH_DOCUMENT} AS document FROM {search.text}
            WHERE idx > %s {only_new}""",
        [-1 if documented is None else documented],
    )
    cursor.execute(f"ANALYZE {search.documents}, {search.rest}")


# The order new events are written in: the timeline's (``EventQuerySet.chronological``).
WRITE_ORDER = "date_start, precision_rank, date_end, title, idx"


# Triggers a locked load writes without (``_insert_new``): the verbatim-quote check of
# 0012_verbatim_statement_trigger, and the participants' copy of their event's interval
# (0010_scale2_counts_and_spans), which the load writes itself; the tallies' (0018_tallies),
# which the load counts once from its staging tables (``events.tally.add``); and the
# citations' update of their events' search documents (0008_scale_search): a locked load's
# citations are all of new events, which are written after them with their documents (the
# trigger kept every new citation in a transition table to update no event: 2.6 million
# rows at a million events); the events' own document trigger (0008_scale_search), which
# returns at once when a document is given, as the load gives every new event's (a PL/pgSQL
# call per row all the same: a million calls).
UNNEEDED_TRIGGERS = {
    Citation: ("citation_quote_verbatim_insert", "citation_search_vector_insert"),
    Participation: ("participation_span", "events_tally_participation_insert"),
    Event: ("events_tally_event_insert", "event_search_vector"),
}


def _insert_new(
    cursor,
    timings: dict[str, float] | None = None,
    *,
    locked: bool = False,
    documents: Writer | None = None,
) -> int:
    """Write the new events, their participants, citations and "created" history records.

    ``documents`` (PostgreSQL): the writer computing the search documents, stopped when the
    events' are needed.

    ``locked``: the event tables are this transaction's alone (their indexes are set aside,
    ``_set_aside_indexes``). The INSERTs then run without the triggers whose work is done
    already or done once after them (``UNNEEDED_TRIGGERS``: the tallies are counted from
    the staging tables), and the new events' ids are one range of the sequence.
    The verbatim-quote check is the one ``staged_rule_violation`` made of the very rows
    written (quote, passage and offsets are copied from the staging table), against
    passages that cannot change until the commit (``load_archive`` holds them in SHARE
    mode): at a million events the trigger checked the same 2.6 million quotes a second
    time, one index lookup each (12 s). Disabling a trigger is part of the transaction: a
    failed load leaves it on.
    """
    postgres = connection.vendor == "postgresql"
    cursor.execute("SELECT count(*) FROM load_event WHERE action = 0")
    created = cursor.fetchone()[0]
    if not created:
        return 0
    # New events take their ids, and are written, in the timeline's order, not the file's:
    # a year's events, their participants and citations then lie together in the tables,
    # and reading them in that order (a dated list, an export) reads few pages, where
    # events written in file order left each one on a page of its own.
    if postgres and locked:
        # Nobody else can write events until the commit: the ids are one range of the
        # sequence, taken at once (a nextval() per event took 3.5 s at a million).
        cursor.execute("LOCK TABLE events_event IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            """SELECT setval(pg_get_serial_sequence('events_event', 'id'),
                             nextval(pg_get_serial_sequence('events_event', 'id')) + %s - 1)""",
            [created],
        )
        last = cursor.fetchone()[0]
        cursor.execute(
            f"""UPDATE load_event SET event_id = o.n + %s FROM (
                  SELECT idx, row_number() OVER (ORDER BY {WRITE_ORDER}) AS n
                  FROM load_event WHERE action = 0
                ) o
                WHERE o.idx = load_event.idx""",
            [last - created],
        )
    elif postgres:
        cursor.execute(
            f"""UPDATE load_event SET event_id = n.id FROM (
                  SELECT idx, nextval(pg_get_serial_sequence('events_event', 'id')) AS id
                  FROM (SELECT idx FROM load_event WHERE action = 0 ORDER BY {WRITE_ORDER}) o
                ) n
                WHERE n.idx = load_event.idx"""
        )
    else:
        cursor.execute(
            """SELECT max(
                 coalesce((SELECT max(id) FROM events_event), 0),
                 coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events_event'), 0))"""
        )
        base = cursor.fetchone()[0]
        cursor.execute(
            f"""CREATE TEMPORARY TABLE load_order AS
                SELECT idx, row_number() OVER (ORDER BY {WRITE_ORDER}) AS n
                FROM load_event WHERE action = 0"""
        )
        cursor.execute("CREATE INDEX temp.load_order_idx ON load_order (idx)")
        cursor.execute(
            """UPDATE load_event SET event_id = %s + (
                 SELECT n FROM load_order o WHERE o.idx = load_event.idx)
               WHERE action = 0""",
            [base],
        )
        cursor.execute("DROP TABLE temp.load_order")
    now = timezone.now()
    batch = current_batch()
    fields = [*EVENT_FIELDS, "span_start", "span_end", "precision_rank"]
    # A locked load numbers the rows of every table it writes itself, from the sequence's
    # next value on, and moves the sequence past them after (``_numbered``): a nextval()
    # per row cost ~2 s a table at a million events.
    numbered = postgres and locked
    row_id = "%s + row_number() OVER ({}) - 1, " if numbered else ""
    participants = f"""SELECT {row_id.format("ORDER BY e.event_id, p.pos")}
               e.event_id, p.actor_id, p.role, e.span_start, e.span_end
        FROM load_participation p
        JOIN load_event e ON e.idx = p.idx WHERE e.action = 0 ORDER BY e.event_id, p.pos"""
    citations = f"""SELECT {row_id.format("ORDER BY e.event_id, c.pos")}
               e.event_id, c.passage_id, c.quote, c.start, c."end",
               c.prefix, c.suffix, c.date_text, c.note
        FROM load_citation c JOIN load_event e ON e.idx = c.idx
        WHERE e.action = 0 ORDER BY e.event_id, c.pos"""
    own_id = "id, " if numbered else ""
    # Participants carry the event's interval (the trigger of 0010_scale2_counts_and_spans
    # would read it from events_event, which is written last). Events last: their search
    # document (0008_scale_search) reads their quotes on insert, and the foreign keys of
    # participants and citations are checked at commit.
    writes: list[tuple[Any, str, str, list]] = [
        (
            Participation,
            f"({own_id}event_id, actor_id, role, span_start, span_end)",
            participants,
            [],
        ),
        (
            Citation,
            f'({own_id}event_id, passage_id, quote, start, "end", prefix, suffix, date_text, note)',
            citations,
            [],
        ),
    ]
    search = documents.search if documents is not None else None
    if search is not None:
        events = f"""SELECT e.event_id, {", ".join("e." + f for f in fields)}, 1, %s, %s,
              d.document
            FROM load_event e LEFT JOIN (
              SELECT idx, document FROM {search.documents}
              UNION ALL SELECT idx, document FROM {search.rest}
            ) d ON d.idx = e.idx
            WHERE e.action = 0 ORDER BY e.event_id"""
        columns = f"(id, {', '.join(fields)}, version, created, updated, search_vector)"
    else:
        events = f"""SELECT event_id, {", ".join(fields)}, 1, %s, %s FROM load_event
            WHERE action = 0 ORDER BY event_id"""
        columns = f"(id, {', '.join(fields)}, version, created, updated)"
    writes.append((Event, columns, events, [now, now]))
    for model, columns, select, params in writes:
        if model is Event and documents is not None and search is not None:
            # The documents' writer has had the participants' and citations' writes to
            # compute them on the other core; the rest now, by one parallel query.
            with _step(timings, "  search documents"):
                with _step(timings, "    waited for the documents' batch under way"):
                    documents.close()
                _search_documents(cursor, created, search)
        table = model._meta.db_table
        history = model.history.model._meta.db_table
        kept = ", ".join(f'"{c}"' for c in _history_columns(model))
        with _step(timings, f"  {table} and its history"):
            unneeded = UNNEEDED_TRIGGERS[model] if locked else ()
            for trigger in unneeded:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
            if numbered:
                # (events have their ids: one range in the timeline's order, taken above)
                with (
                    _numbered(cursor, table, "id", skip=model is Event) as first,
                    _numbered(cursor, history, "history_id") as history_first,
                ):
                    cursor.execute(
                        f"""WITH written AS (
                              INSERT INTO {table} {columns} {select} RETURNING {kept})
                            INSERT INTO {history}
                              (history_id, {kept}, history_date, history_type, history_batch)
                            SELECT %s + row_number() OVER () - 1, {kept}, %s, '+', %s
                            FROM written""",
                        [
                            *([] if model is Event else [first.value]),
                            *params,
                            history_first.value,
                            now,
                            batch,
                        ],
                    )
                    first.count = history_first.count = cursor.rowcount
            elif postgres:
                # Each row and its "created" history record in one statement: the history is
                # written from the inserted rows as they come back, not read from the table.
                cursor.execute(
                    f"""WITH written AS (INSERT INTO {table} {columns} {select} RETURNING {kept})
                        INSERT INTO {history} ({kept}, history_date, history_type, history_batch)
                        SELECT {kept}, %s, '+', %s FROM written""",
                    [*params, now, batch],
                )
            else:
                cursor.execute(f"INSERT INTO {table} {columns} {select}", params)
                key = "id" if model is Event else "event_id"
                cursor.execute(
                    f"""INSERT INTO {history} ({kept}, history_date, history_type, history_batch)
                        SELECT {kept}, %s, '+', %s FROM {table} WHERE {key} IN
                          (SELECT event_id FROM load_event WHERE action = 0)
                        ORDER BY id""",
                    [now, batch],
                )
            for trigger in unneeded:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    if locked:
        with _step(timings, "  tallies"):
            tally.add(cursor, "load_event", "load_participation", "idx", "idx", "e.action = 0")
    return created


@dataclass
class _Range:
    """The first id of rows a statement numbers itself, and how many it wrote."""

    value: int = 0
    count: int = 0


@contextmanager
def _numbered(cursor, table: str, column: str, *, skip: bool = False) -> Iterator[_Range]:
    """The next value of ``table.column``'s sequence, for a statement that numbers its rows
    from it (a table this transaction alone writes: ``_insert_new``); afterwards the
    sequence is moved past the ``count`` rows it wrote, as a nextval() per row would have.
    ``skip``: the ids are taken already (events: one range in the timeline's order)."""
    taken = _Range()
    if skip:
        yield taken
        return
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, column])
    taken.value = cursor.fetchone()[0]
    yield taken
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, %s), %s, %s)",
        [table, column, taken.value + max(taken.count, 1) - 1, taken.count > 0],
    )


# Setting indexes aside (PostgreSQL) ---------------------------------------------------------

# A load of at least this many new events, and at least as many as are stored, writes the
# event tables without their secondary indexes and foreign keys and rebuilds them after.
REBUILD_MIN = 20_000
REBUILT = (Event, Participation, Citation)


def _rebuilds_indexes(cursor, created: int, rebuild: bool | None) -> bool:
    """Whether this load sets the event tables' indexes aside (see ``_set_aside_indexes``).

    Maintaining a dozen indexes row by row costs most of a large load once they outgrow the
    server's buffers, while building them afresh is a sort. But dropping an index locks its
    table against readers until the commit, so by default only a load that at least doubles
    the timeline does it (a first import, an archive); smaller loads keep the indexes and
    the site stays readable while they run.
    """
    if connection.vendor != "postgresql" or not created:
        return False
    if rebuild is not None:
        return rebuild
    if created < REBUILD_MIN:
        return False
    cursor.execute("SELECT count(*) FROM events_event")
    return created >= cursor.fetchone()[0]


def _set_aside_indexes(cursor) -> list[str]:
    """Drop the event tables' secondary indexes, unique and foreign-key constraints.

    Returns the statements that put them back, to run after the writes in the same
    transaction: unique constraints and indexes first, then the foreign keys, which
    PostgreSQL checks over the whole table as it adds them (one join, instead of one check
    per row at the commit). A duplicate or a dangling reference fails the load as it would
    have row by row, and a failed load rolls the drops back with everything else. Primary
    keys, checks and triggers (the verbatim-quote check among them) stay.
    """
    tables = [
        table
        for model in REBUILT
        for table in (model._meta.db_table, model.history.model._meta.db_table)
    ]
    cursor.execute(
        """SELECT c.contype, format('ALTER TABLE %%s DROP CONSTRAINT %%I', c.conrelid::regclass,
                                    c.conname),
                  format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', c.conrelid::regclass,
                         c.conname, pg_get_constraintdef(c.oid))
           FROM pg_constraint c
           WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u')
             AND NOT EXISTS (SELECT 1 FROM pg_constraint r
                             WHERE r.contype = 'f' AND r.conindid = c.conindid
                               AND c.contype = 'u')
           ORDER BY c.contype, c.conname""",
        [tables],
    )
    constraints = cursor.fetchall()  # 'f' before 'u': foreign keys are dropped first
    cursor.execute(
        """SELECT format('DROP INDEX %%s', i.indexrelid::regclass),
                  pg_get_indexdef(i.indexrelid)
           FROM pg_index i
           WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
           ORDER BY i.indexrelid""",
        [tables],
    )
    indexes = cursor.fetchall()
    # A referenced table (sources' passages, written earlier in this load) cannot be altered
    # with its checks still pending: run them now, then defer again (Django's foreign keys
    # are all "initially deferred").
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for _, drop, _ in constraints:
        cursor.execute(drop)
    for drop, _ in indexes:
        cursor.execute(drop)
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    unique = [add for kind, _, add in constraints if kind == "u"]
    foreign = [add for kind, _, add in constraints if kind == "f"]
    return [*unique, *(create for _, create in indexes), *foreign]


# The advisory lock that makes loads on PostgreSQL run one at a time ("TLLOAD" in ASCII).
LOAD_LOCK = 0x544C4C4F4144

# Settings for the load's transaction (PostgreSQL): ``SET LOCAL`` ends with it.
LOAD_SETTINGS = {
    "work_mem": "256MB",  # the staging joins and sorts in memory, not in temporary files
    "maintenance_work_mem": "256MB",  # the GIN index's pending-list merges
    "jit": "off",  # compiling the load's big statements cost more than it saved
}


def _tune_session(cursor) -> None:
    if connection.vendor != "postgresql":
        return
    for name, value in LOAD_SETTINGS.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    # Temporary tables' buffers can only grow before the session's first temporary table.
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL temp_buffers = '256MB'")
    except DatabaseError:
        pass


@contextmanager
def _step(timings: dict[str, float] | None, name: str) -> Iterator[None]:
    """Time one step of a load into ``timings`` (seconds by step name), when it is given."""
    began = time.monotonic()
    try:
        yield
    finally:
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.monotonic() - began


def load_archive(
    sources: Iterable,
    actors: Iterable,
    events: Iterable,
    base_dir: Path | None = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    rebuild: bool | None = None,
) -> dict[str, int]:
    """Load the three streams in one transaction; returns created/updated/unchanged counts.

    ``timings``, when given, receives the seconds each step took (``load_timeline -v 2``).
    ``rebuild``: whether the event tables' indexes and foreign keys are set aside during the
    writes and rebuilt after them (PostgreSQL); ``None`` decides by the load's size
    (``_rebuilds_indexes``).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One load at a time: a second waits for the first to end. Two at once could
            # deadlock, each holding locks the other's writes (or index drops) need.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOAD_LOCK])
        _tune_session(cursor)
        with _step(timings, "sources"):
            source_keys = load_sources(sources, base_dir)
        with _step(timings, "actors"):
            actor_lookup = load_actors(actors)
        _create_staging(cursor)
        if connection.vendor == "postgresql":
            # The quotes are checked against the passages as they are staged: no passage may
            # change (or be added) until the commit. (This lock holds up no reader.)
            cursor.execute("LOCK TABLE sources_passage IN SHARE MODE")
        documents = Writer(SearchStage()) if connection.vendor == "postgresql" else None
        try:
            with _step(timings, "events read and staged"):
                stager = Stager(cursor, documents)
                try:
                    stage_events(events, stager, actor_lookup, source_keys, progress)
                except BaseException:
                    stager.close(check=False)  # the writer's batches, before the rollback
                    raise
                stager.close()
                if connection.vendor == "postgresql":
                    # Temporary tables get no statistics by themselves: without them the
                    # planner takes a million staged rows for a few and joins them row by row.
                    cursor.execute("ANALYZE load_event, load_participation, load_citation")
            phase = getattr(progress, "phase", None)  # a reporter may also name its phases
            if phase is not None:
                phase("checking the rules and writing (one transaction)")
            with _step(timings, "rules checked"):
                if connection.vendor != "postgresql":
                    cursor.execute("CREATE INDEX temp.load_event_title ON load_event (title)")
                    cursor.execute("CREATE INDEX temp.load_citation_idx ON load_citation (idx)")
                    cursor.execute(
                        "CREATE INDEX temp.load_participation_idx ON load_participation (idx)"
                    )
                problem = staged_rule_violation(cursor)
            if problem:
                raise LoadError(problem)
            with _step(timings, "compared with stored events"):
                _mark_existing(cursor)
                cursor.execute("SELECT action, count(*) FROM load_event GROUP BY action")
                counts = dict(cursor.fetchall())
                _replace_changed(cursor)
            rebuilt = _rebuilds_indexes(cursor, counts.get(0, 0), rebuild)
            with _step(timings, "new events written"):
                set_aside = _set_aside_indexes(cursor) if rebuilt else []
                _insert_new(cursor, timings, locked=rebuilt, documents=documents)
            if set_aside:
                with _step(timings, "indexes and foreign keys rebuilt"):
                    for statement in set_aside:
                        cursor.execute(statement)
            if documents is not None:
                # Closed first: a DROP would wait for the batch under way, which would then
                # wait for this transaction's lock.
                documents.close()
                assert documents.search is not None
                cursor.execute(f"DROP TABLE IF EXISTS {', '.join(documents.search.tables)}")
        finally:
            if documents is not None:
                documents.close(check=False)  # a load that failed: the documents' thread ends
            _drop_staging(cursor)
    return {"created": counts.get(0, 0), "updated": counts.get(2, 0), "unchanged": counts.get(1, 0)}


WRITTEN = (Source, Passage, Actor, Alias, Event, Participation, Citation)


def _written_tables() -> list[str]:
    return [model._meta.db_table for model in WRITTEN] + [
        model.history.model._meta.db_table for model in (Source, Event, Participation, Citation)
    ]


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in _written_tables():
                cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


def vacuum_analyze() -> None:
    """After the load's commit: statistics, and on PostgreSQL a VACUUM of the tables written.

    A server may run without autovacuum; VACUUM sets the visibility map (index-only scans
    read no table pages) and merges the search index's pending list. Inside a transaction
    (VACUUM cannot run there) only ANALYZE runs.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        analyze()
        return
    with connection.cursor() as cursor:
        # Largest first, so that the last table to start is a small one.
        cursor.execute(
            """SELECT t FROM unnest(%s::text[]) t
               ORDER BY pg_total_relation_size(t::regclass) DESC""",
            [_written_tables()],
        )
        tables: queue.SimpleQueue[str] = queue.SimpleQueue()
        for (table,) in cursor.fetchall():
            tables.put(table)
    # A VACUUM is one backend's work: the tables are shared among as many connections as the
    # machine has cores (up to VACUUM_CONNECTIONS), each taking the next table as it is done.
    workers = max(1, min(VACUUM_CONNECTIONS, os.cpu_count() or 1, tables.qsize()))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="vacuum") as pool:
        for done in [pool.submit(_vacuum_each, tables) for _ in range(workers)]:
            done.result()  # an error of a thread raised here


VACUUM_CONNECTIONS = 4


def _vacuum_each(tables: queue.SimpleQueue[str]) -> None:
    """VACUUM (ANALYZE) the tables taken from ``tables`` until none is left, on this thread's
    own connection (closed after)."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            while True:
                try:
                    table = tables.get_nowait()
                except queue.Empty:
                    return
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        connections[DEFAULT_DB_ALIAS].close()
