"""The API's event shape for a page of a list, from plain rows: ``EventSerializer``'s output.

A list page serializes the events nobody asked for since the last write (the others come
from the cache, ``events.counts.Counts.representations``). Through DRF that is about 750
model instances (events' participants, actors, citations, passages, sources) and some 30
field objects per event, most of an uncached page's time in Python at a million events.
Here the page's participants and citations are read as tuples of only the columns the shape
prints (two queries, as the prefetch they replace), and each event's dict is written
directly. ``EventSerializer`` stays the definition (it serves one event, its writes and the
schema); ``tests/test_api_list_rows.py`` checks both give the same JSON on varied events.
"""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from lib.dates import Reference, stated_precision
from sources.models import date_reference

from ...models import Citation, Event, Participation, planned_as_of

PLACEHOLDER = "123456789"  # an id the detail path accepts (events.api.views.ID)


def _date(value) -> str | None:
    return None if value is None else value.isoformat()


def _datetime(value, zone) -> str | None:
    # As rest_framework.fields.DateTimeField: in the current time zone, ISO 8601, "Z" for UTC.
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def event_representations(events: list[Event], site: str) -> list[dict]:
    """Each of ``events`` (their own fields loaded) as the API lists it; ``site`` is the
    request's absolute root (``request.build_absolute_uri("/")``) for the links."""
    if not events:
        return []
    ids = [event.pk for event in events]
    actors: dict[int, list[dict]] = defaultdict(list)
    participants = (
        Participation.objects.filter(event_id__in=ids)
        .order_by("event_id", "pk")
        .values_list("event_id", "actor_id", "actor__slug", "actor__name", "role")
    )
    for event_id, actor_id, slug, name, role in participants:
        actors[event_id].append({"id": actor_id, "slug": slug, "name": name, "role": role})
    citations: dict[int, list[dict]] = defaultdict(list)
    references: dict[int, list[Reference]] = defaultdict(list)
    cited = (
        Citation.objects.filter(event_id__in=ids)
        .order_by("event_id", "pk")
        .values_list(
            "event_id",
            "pk",
            "passage__source_id",
            "passage__source__key",
            "passage__source__title",
            "passage__index",
            "quote",
            "start",
            "end",
            "date_text",
            "note",
            "passage__source__published_date",
            "passage__source__published_precision",
            "passage__source__published_on_or_after",
            "passage__source__reference_date",
        )
    )
    for (
        event_id, pk, source_id, key, title, index, quote, start, end, date_text, note,
        published, precision, on_or_after, reference_date,
    ) in cited:  # fmt: skip
        references[event_id].append(
            date_reference(published, precision, on_or_after, reference_date, source_id)
        )
        citations[event_id].append(
            {
                "id": pk,
                "source": {"id": source_id, "key": key, "title": title},
                "passage": index,
                "quote": quote,
                "start": start,
                "end": end,
                "date_text": date_text,
                "note": note,
            }
        )
    # The detail path once, with a placeholder for each id (reversing 50 times costs more).
    path = site.rstrip("/") + reverse("api-event-detail", kwargs={"pk": PLACEHOLDER})
    before, _, after = path.rpartition(PLACEHOLDER)
    zone = timezone.get_current_timezone()
    return [
        {
            "id": event.pk,
            "url": f"{before}{event.pk}{after}",
            "title": event.title,
            "summary": event.summary,
            "attribution": event.attribution,
            "type": event.type,
            "status": event.status,
            "location": event.location,
            "date": {
                "start": _date(event.date_start),
                "end": _date(event.date_end),
                "precision": stated_precision(event.date_start, event.date_precision),
                "text": event.date_text,
                "approximate": event.date_approximate,
            },
            "actors": actors.get(event.pk, []),
            "citations": citations.get(event.pk, []),
            "created": _datetime(event.created, zone),
            "updated": _datetime(event.updated, zone),
            "planned_when_written": bool(
                planned_as_of(event.date_start, references.get(event.pk, []))
            ),
        }
        for event in events
    ]
