"""Streamed exports of /api/events/: CSV, iCalendar and TimelineJS of any filter.

The events are read in chunks (``QuerySet.iterator(chunk_size=...)``, a server-side cursor on
PostgreSQL) with only the columns the files print: no serializer, no source or passage text.
Each chunk becomes plain dicts in the shape the renderers read (the API's event shape, minus
what no export prints), so memory stays flat however many events match.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse

from ..models import Citation, Participation
from .renderers import CSVRenderer, ICSRenderer, TimelineJSRenderer

CHUNK = 2000
RENDERERS = {"csv": CSVRenderer, "ics": ICSRenderer, "timelinejs": TimelineJSRenderer}
EVENT_COLUMNS = (
    "id",
    "title",
    "summary",
    "type",
    "status",
    "location",
    "date_start",
    "date_end",
    "date_precision",
    "date_text",
    "date_approximate",
    "updated",
)


def export_queryset(events: QuerySet) -> QuerySet:
    """``events`` with only what the exports print, and their actors and citations."""
    return events.only(*EVENT_COLUMNS).prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("actor").only(
                "event_id", "role", "actor__name", "actor__slug"
            ),
        ),
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("passage__source").only(
                "event_id",
                "quote",
                "passage__index",
                "passage__source__key",
                "passage__source__title",
            ),
        ),
    )


def export_items(events: QuerySet, request) -> Iterator[dict]:
    """The matching events as dicts the renderers read, a chunk of rows at a time."""
    link = request.build_absolute_uri(reverse("api-event-detail", kwargs={"pk": 0}))
    prefix = link[: link.rindex("0/")]
    for event in export_queryset(events).iterator(chunk_size=CHUNK):
        yield {
            "id": event.pk,
            "url": f"{prefix}{event.pk}/",
            "title": event.title,
            "summary": event.summary,
            "type": event.type,
            "status": event.status,
            "location": event.location,
            "date": {
                "start": event.date_start.isoformat() if event.date_start else None,
                "end": event.date_end.isoformat() if event.date_end else None,
                "precision": event.date_precision,
                "text": event.date_text,
                "approximate": event.date_approximate,
            },
            "actors": [
                {"name": p.actor.name, "slug": p.actor.slug, "role": p.role}
                for p in event.participations.all()
            ],
            "citations": [
                {
                    "source": {
                        "key": c.passage.source.key,
                        "title": c.passage.source.title,
                    },
                    "passage": c.passage.index,
                    "quote": c.quote,
                }
                for c in event.citations.all()
            ],
            "updated": event.updated.isoformat(),
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
