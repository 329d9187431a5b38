"""Streamed exports of /api/events/: CSV, iCalendar and TimelineJS of any filter.

The matching events are read as plain rows of only the columns the format prints: no model
instances, no serializer, no source or passage text. Each event's actors and citations come
with its row, in the database's own order (participants and citations by id):

- PostgreSQL: one query, read through a server-side cursor inside a transaction (so the
  cursor streams instead of being materialised up front), each row carrying its actors and
  citations as arrays aggregated by correlated subqueries (``array_agg(... ORDER BY id)``).
  Two statements however many events match: ``SET LOCAL`` (no JIT, a longer
  statement_timeout, memory for the sort) and the query, which reads the matching events in
  their order first and computes each one's actors and citations as its row is read.
- SQLite (development and small archives): the events a chunk of CHUNK rows at a time, and
  for each chunk its participants and citations in one query each, ordered explicitly.

Rows become file pieces in the format's own function below, about 64 KB at a time; the
bytes are exactly those of the renderers' ``stream`` over the API's event shape
(``events.api.renderers``, which still renders one event from the detail view), as
``tests/test_export_fast_path.py`` checks on a varied dataset.
"""

from __future__ import annotations

import csv
import json
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from itertools import islice

from django.db import connections, models, transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse

from lib.dates import stated_precision
from sources.models import Passage, Source

from ..models import Actor, Citation, EventQuerySet, Participation
from .renderers import (
    CSV_COLUMNS,
    FORMULA_STARTS,
    ICS_HEAD,
    CSVRenderer,
    ICSRenderer,
    TimelineJSRenderer,
    ics_fold,
)

CHUNK = 2000
BLOCK = 65536  # characters handed to the server at a time
READ_TIMEOUT_MS = 600_000  # the longest one read of an export may take (PostgreSQL)
EXPORT_WORK_MEM = "32MB"  # the sort of a dated export's window (PostgreSQL; default 4MB)
RENDERERS: dict[str, type[CSVRenderer | ICSRenderer | TimelineJSRenderer]] = {
    "csv": CSVRenderer,
    "ics": ICSRenderer,
    "timelinejs": TimelineJSRenderer,
}

# The event columns each format prints, in the order its row function reads them.
DATE_COLUMNS = ("date_start", "date_end", "date_precision", "date_text")
COLUMNS = {
    "csv": ("id", *DATE_COLUMNS, "title", "type", "summary", "location", "attribution"),
    "ics": ("id", *DATE_COLUMNS, "date_approximate", "title", "type", "summary", "location"),
    "timelinejs": ("id", *DATE_COLUMNS, "date_approximate", "title", "type", "summary"),
}
COLUMNS["ics"] += ("updated",)
# Last before the relations: who says so (a claim), and the status (drafts are marked).
COLUMNS["csv"] += ("status",)
COLUMNS["ics"] += ("attribution", "status")
COLUMNS["timelinejs"] += ("attribution", "status")
# Which relations each format prints: actors (name, role) and citations (quote, passage
# index, source key, and the source title for the formats that print it).
WITH_ACTORS = {"csv": True, "ics": False, "timelinejs": False}
WITH_TITLES = {"csv": False, "ics": True, "timelinejs": True}


# Reading ----------------------------------------------------------------------------------


def _table(model: type[models.Model], connection) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _pg_relations(fmt: str, connection) -> list[str]:
    """The actors' and citations' arrays of the outer event ``e`` (PostgreSQL).

    Correlated subqueries giving two-dimensional text arrays (one row per participant or
    citation) that psycopg2 reads into lists of lists in C; ``ORDER BY`` inside the
    aggregate fixes the order (by id).
    """
    participation, actor = _table(Participation, connection), _table(Actor, connection)
    citation, passage = _table(Citation, connection), _table(Passage, connection)
    source = _table(Source, connection)
    title = ", s.title" if WITH_TITLES[fmt] else ""
    relations = []
    if WITH_ACTORS[fmt]:
        relations.append(
            "(SELECT array_agg(ARRAY[a.name, p.role] ORDER BY p.id) "
            f"FROM {participation} p JOIN {actor} a ON a.id = p.actor_id "
            "WHERE p.event_id = e.id)"
        )
    relations.append(
        f"(SELECT array_agg(ARRAY[c.quote, pa.index::text, s.key{title}] ORDER BY c.id) "
        f"FROM {citation} c JOIN {passage} pa ON pa.id = c.passage_id "
        f"JOIN {source} s ON s.id = pa.source_id WHERE c.event_id = e.id)"
    )
    return relations


def _rows_postgresql(events: QuerySet, fmt: str) -> Iterator[list[tuple]]:
    if isinstance(events, EventQuerySet):
        events = events.within_window()
    connection = connections[events.db]
    compiler = events.values_list(*COLUMNS[fmt]).query.get_compiler(using=events.db)
    sql, params = compiler.as_sql()
    selected = [alias for _, _, alias in compiler.select]
    if selected != [*COLUMNS[fmt]]:
        raise AssertionError(f"export columns out of order: {selected}")
    # The events in their order first, by the query the list would run; then each one's
    # actors and citations as its row is read. (A subquery with ORDER BY is planned on its
    # own, and its order kept.) Computed beside the events, they would all be computed
    # before the sort of a dated filter's window, and the file would start only then.
    query = f"SELECT e.*, {', '.join(_pg_relations(fmt, connection))} FROM ({sql}) e"
    # In a transaction the server-side cursor is not WITH HOLD: it streams as it is read,
    # where a holdable one would run the whole query before the first row. Joins the
    # caller's transaction if there is one (no savepoint).
    with transaction.atomic(using=events.db, savepoint=False):
        with connection.cursor() as cursor:
            # One statement: no JIT (compiling the plan costs more than it saves), and the
            # web process's statement_timeout lifted to READ_TIMEOUT for this transaction:
            # a read of the file may wait for a sort of every matching event (a year at a
            # million events took over the 10 s limit), which no page does.
            # The cursor is read to its end: plan for all its rows, not the first tenth.
            # A year's window is sorted in memory, not in temporary files (EXPORT_WORK_MEM).
            cursor.execute(
                f"SET LOCAL jit = off; SET LOCAL statement_timeout = {READ_TIMEOUT_MS}; "
                f"SET LOCAL cursor_tuple_fraction = 1; SET LOCAL work_mem = '{EXPORT_WORK_MEM}'"
            )
        # Plain rows: none of these columns has a converter on PostgreSQL.
        with connection.chunked_cursor() as cursor:
            cursor.execute(query, params)
            try:
                yield from _read_ahead(iter(lambda: cursor.fetchmany(CHUNK), []))
            except GeneratorExit:
                # A client gone mid-file: the read has stopped; nothing was written, so the
                # transaction ends as usual (not marked for rollback, as an error would).
                return


def _read_ahead(chunks: Iterator[list[tuple]]) -> Iterator[list[tuple]]:
    """The chunks, the next one fetched by a thread while the caller writes this one.

    The database computes the next rows while this process formats the last ones (psycopg2
    lets go of the GIL while it waits for the server): on two cores the export takes about
    the longer of the two instead of their sum. Only the thread touches the cursor until
    it has stopped; a caller that stops early (a client gone) stops it before the
    transaction ends.
    """
    ahead: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def fetch() -> None:
        try:
            for chunk in chunks:
                if not put(chunk):
                    return
            put(_DONE)
        except BaseException as error:  # handed to the caller, raised there
            put(error)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=fetch, name="export-read-ahead", daemon=True)
    reader.start()
    try:
        while (item := ahead.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


_DONE = object()


def _rows_prefetched(events: QuerySet, fmt: str) -> Iterator[list[tuple]]:
    """Any other database: a chunk of events, then its actors and citations (one query each)."""
    iterator = events.values_list(*COLUMNS[fmt]).iterator(chunk_size=CHUNK)
    while chunk := list(islice(iterator, CHUNK)):
        ids = [row[0] for row in chunk]
        actors: dict[int, list] = {}
        if WITH_ACTORS[fmt]:
            for event_id, name, role in (
                Participation.objects.using(events.db)
                .filter(event_id__in=ids)
                .order_by("event_id", "pk")
                .values_list("event_id", "actor__name", "role")
            ):
                actors.setdefault(event_id, []).append((name, role))
        citations: dict[int, list] = {}
        fields = ["quote", "passage__index", "passage__source__key"]
        if WITH_TITLES[fmt]:
            fields.append("passage__source__title")
        for event_id, *cited in (
            Citation.objects.using(events.db)
            .filter(event_id__in=ids)
            .order_by("event_id", "pk")
            .values_list("event_id", *fields)
        ):
            citations.setdefault(event_id, []).append(cited)
        if WITH_ACTORS[fmt]:
            yield [(*row, actors.get(row[0], ()), citations.get(row[0], ())) for row in chunk]
        else:
            yield [(*row, citations.get(row[0], ())) for row in chunk]


def export_rows(events: QuerySet, fmt: str) -> Iterator[list[tuple]]:
    """Chunks of the matching events' rows: COLUMNS[fmt], then [actors], then citations."""
    if connections[events.db].vendor == "postgresql":
        return _rows_postgresql(events, fmt)
    return _rows_prefetched(events, fmt)


# Writing ----------------------------------------------------------------------------------


class Links:
    """Absolute addresses of an event in the API and of its page, from one reverse() each."""

    SENTINEL = 987654321

    def __init__(self, request) -> None:
        def split(name: str) -> tuple[str, str]:
            url = request.build_absolute_uri(reverse(name, args=[self.SENTINEL]))
            head, _, tail = url.rpartition(str(self.SENTINEL))
            return head, tail

        self.api = split("api-event-detail")
        self.page = split("event-detail")


class _Appender:
    """A file-like object for csv.writer that keeps what it writes in a list."""

    def __init__(self, parts: list[str]) -> None:
        self.write = parts.append


def _text_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_pieces(chunks: Iterable[list[tuple]], links: Links) -> Generator[str, None, None]:
    """The CSV renderer's bytes (columns, quoting, formula escape), from plain rows."""
    api_head, api_tail = links.api
    page_head, page_tail = links.page
    cell = _text_cell
    parts: list[str] = []
    writer = csv.writer(_Appender(parts))
    writer.writerow(CSV_COLUMNS)

    def lines(chunk: list[tuple]) -> Iterator[tuple]:
        for row in chunk:
            pk, start, end, precision, text, title, type_, summary, location, attribution = row[:10]
            status = row[10]
            actors = row[11] or ()  # None: no participants (PostgreSQL's empty aggregate)
            citations = row[12] or ()
            keys = dict.fromkeys([c[2] for c in citations])
            yield (
                pk,
                start.isoformat() if start else "",
                end.isoformat() if end else "",
                precision if start else "",  # undated: no precision (lib.dates.stated_precision)
                cell(text),
                cell(title),
                type_,
                cell("; ".join([f"{name} ({role})" for name, role in actors])),
                cell("; ".join(keys)),
                f"{api_head}{pk}{api_tail}",
                cell(summary),
                cell(location),
                cell(attribution),
                cell("\n".join([f"“{quote}” ({key} ¶{index})" for quote, index, key in citations])),
                f"{page_head}{pk}{page_tail}",
                status,
            )

    for chunk in chunks:
        writer.writerows(lines(chunk))
        yield "".join(parts)
        parts.clear()
    yield "".join(parts)


def _event(row: tuple, links: Links) -> dict:
    """The part of the API's event shape the calendar and timeline renderers read."""
    pk, start, end, precision, text, approximate, title, type_, summary = row[:9]
    attribution, status = row[-3], row[-2]  # before the citations
    return {
        "id": pk,
        "url": f"{links.api[0]}{pk}{links.api[1]}",
        "title": title,
        "summary": summary,
        "attribution": attribution,
        "status": status,
        "type": type_,
        "date": {
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "precision": stated_precision(start, precision),
            "text": text,
            "approximate": approximate,
        },
        "citations": [
            {"source": {"key": key, "title": source}, "passage": index, "quote": quote}
            for quote, index, key, source in row[-1] or ()
        ],
    }


def ics_pieces(
    chunks: Iterable[list[tuple]], links: Links, host: str
) -> Generator[str, None, None]:
    yield ICS_HEAD
    vevent = ICSRenderer._vevent
    for chunk in chunks:
        pieces: list[str] = []
        for row in chunk:
            if row[1] is None:  # undated
                continue
            event = _event(row, links)
            event["location"] = row[9]
            event["updated"] = row[10].isoformat()
            page = f"{links.page[0]}{row[0]}{links.page[1]}"
            pieces.extend(ics_fold(line) + "\r\n" for line in vevent(event, host, page))
        yield "".join(pieces)
    yield "END:VCALENDAR\r\n"


def timelinejs_pieces(chunks: Iterable[list[tuple]], links: Links) -> Generator[str, None, None]:
    item = TimelineJSRenderer._item
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    yield '{"events": ['
    first = True
    for chunk in chunks:
        pieces = []
        for row in chunk:
            if row[1] is None:
                continue
            pieces.append(("" if first else ", ") + dumps(item(_event(row, links))))
            first = False
        yield "".join(pieces)
    yield "]}"


def _encoded(pieces: Iterable[str], charset: str = "utf-8") -> Iterator[bytes]:
    """Join small pieces into blocks of about 64 KB before they go to the client."""
    block: list[str] = []
    size = 0
    for piece in pieces:
        block.append(piece)
        size += len(piece)
        if size >= BLOCK:
            yield "".join(block).encode(charset)
            block, size = [], 0
    if block:
        yield "".join(block).encode(charset)


def export_pieces(events: QuerySet, fmt: str, request) -> Iterator[str]:
    """The export file of ``events`` in ``fmt``, as text pieces."""
    links = Links(request)
    chunks = export_rows(events, fmt)
    writers: dict[str, Callable[[], Generator[str, None, None]]] = {
        "csv": lambda: csv_pieces(chunks, links),
        "ics": lambda: ics_pieces(chunks, links, request.get_host()),
        "timelinejs": lambda: timelinejs_pieces(chunks, links),
    }
    pieces = writers[fmt]()
    try:
        yield from pieces
    finally:
        # A client gone mid-file: end the read (and its transaction) now, not at collection.
        pieces.close()
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def streamed_export(events: QuerySet, fmt: str, request) -> StreamingHttpResponse:
    renderer = RENDERERS[fmt]
    content_type = renderer.media_type + ("; charset=utf-8" if renderer.charset else "")
    response = StreamingHttpResponse(
        _encoded(export_pieces(events, fmt, request)), content_type=content_type
    )
    if fmt in ("csv", "ics"):
        response["Content-Disposition"] = f'attachment; filename="timeline.{fmt}"'
    return response
