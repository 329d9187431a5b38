"""Streamed exports of /api/events/: CSV, iCalendar and TimelineJS of any filter.

The events are read in chunks (``QuerySet.iterator(chunk_size=...)``, a server-side cursor on
PostgreSQL) as plain rows of only the columns the files print: no model instances, no
serializer, no source or passage text. Each chunk becomes dicts in the shape the renderers read
(the API's event shape, minus what no export prints), so memory stays flat however many events
match.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse

from ..models import Citation, Participation
from .renderers import CSVRenderer, ICSRenderer, TimelineJSRenderer

CHUNK = 2000
RENDERERS: dict[str, type[CSVRenderer | ICSRenderer | TimelineJSRenderer]] = {
    "csv": CSVRenderer,
    "ics": ICSRenderer,
    "timelinejs": TimelineJSRenderer,
}
EVENT_COLUMNS = (
    "id",
    "title",
    "summary",
    "type",
    "status",
    "location",
    "attribution",
    "date_start",
    "date_end",
    "date_precision",
    "date_text",
    "date_approximate",
    "updated",
)


def export_items(events: QuerySet, request) -> Iterator[dict]:
    """The matching events as dicts the renderers read, a chunk of rows at a time.

    Plain rows (``values_list``), no model instances: the events through one server-side
    cursor, and for each chunk of CHUNK events their actors and citations in one query each.
    """
    link = request.build_absolute_uri(reverse("api-event-detail", kwargs={"pk": 0}))
    prefix = link[: link.rindex("0/")]
    rows = events.values_list(*EVENT_COLUMNS).iterator(chunk_size=CHUNK)
    while True:
        chunk = list(islice(rows, CHUNK))
        if not chunk:
            return
        ids = [row[0] for row in chunk]
        actors: dict[int, list] = {}
        for event_id, name, slug, role in (
            Participation.objects.filter(event_id__in=ids)
            .order_by("event_id", "pk")
            .values_list("event_id", "actor__name", "actor__slug", "role")
        ):
            actors.setdefault(event_id, []).append({"name": name, "slug": slug, "role": role})
        citations: dict[int, list] = {}
        for event_id, quote, index, key, title in (
            Citation.objects.filter(event_id__in=ids)
            .order_by("event_id", "pk")
            .values_list(
                "event_id",
                "quote",
                "passage__index",
                "passage__source__key",
                "passage__source__title",
            )
        ):
            citations.setdefault(event_id, []).append(
                {"source": {"key": key, "title": title}, "passage": index, "quote": quote}
            )
        for (
            pk,
            title,
            summary,
            type_,
            status,
            location,
            attribution,
            start,
            end,
            precision,
            text,
            approx,
            updated,
        ) in chunk:
            yield {
                "id": pk,
                "url": f"{prefix}{pk}/",
                "title": title,
                "summary": summary,
                "type": type_,
                "status": status,
                "location": location,
                "attribution": attribution,
                "date": {
                    "start": start.isoformat() if start else None,
                    "end": end.isoformat() if end else None,
                    "precision": precision,
                    "text": text,
                    "approximate": approx,
                },
                "actors": actors.get(pk, []),
                "citations": citations.get(pk, []),
                "updated": updated.isoformat(),
            }


def _encoded(chunks: Iterable[str], charset: str = "utf-8") -> Iterator[bytes]:
    """Join small pieces into blocks of about 64 KB before they go to the client."""
    block: list[str] = []
    size = 0
    for chunk in chunks:
        block.append(chunk)
        size += len(chunk)
        if size >= 65536:
            yield "".join(block).encode(charset)
            block, size = [], 0
    if block:
        yield "".join(block).encode(charset)


def streamed_export(events: QuerySet, fmt: str, request) -> StreamingHttpResponse:
    renderer = RENDERERS[fmt]()
    chunks = renderer.stream(export_items(events, request), {"request": request})
    content_type = renderer.media_type + ("; charset=utf-8" if renderer.charset else "")
    response = StreamingHttpResponse(_encoded(chunks), content_type=content_type)
    if fmt in ("csv", "ics"):
        response["Content-Disposition"] = f'attachment; filename="timeline.{fmt}"'
    return response
