"""Prefill of a new event: GET /events/new/?passage=&start=&end=&date_text=&title=&type=&actor=."""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict

from lib.datesearch import find_dates
from lib.inputs import whole_number
from sources.models import Passage

from .forms import located_from_offsets, source_reference
from .models import EventType
from .services import CitationError


def nearest_date(passage: Passage, start: int, end: int, reference: dt.date):
    """The date expression nearest to ``passage.text[start:end]``: in the passage, else the
    source; None when the text has none."""

    def distance(found, a: int, b: int) -> int:
        return max(0, found.start - b, a - found.end)

    found = find_dates(passage.text, reference)
    if found:
        return min(found, key=lambda f: distance(f, start, end))
    source = passage.source
    found = find_dates(source.text, reference)
    if found:
        a, b = passage.start + start, passage.start + end
        return min(found, key=lambda f: distance(f, a, b))
    return None


def _int(params: QueryDict, name: str, notices: list[str]) -> int | None:
    value = params.get(name, "").strip()
    if not value:
        notices.append(f"{name}: missing; give the offsets of the selection (start and end).")
        return None
    number = whole_number(value)
    if number is None:
        notices.append(f"{name}={value}: write a whole number of characters (for example 0).")
    return number


def prefill(params: QueryDict) -> dict:
    """Initial values of a new event from the public prefill parameters.

    ``passage`` (id), ``start`` and ``end`` (offsets in it) make the citation, checked verbatim;
    ``date_text`` (else the date nearest to the selection), ``title``, ``type`` and ``actor``
    (repeatable) fill the form. What cannot be used is reported in ``notices``.
    """
    notices: list[str] = []
    event: dict = {}
    citations: list[dict] = []
    date_text = params.get("date_text", "").strip()
    if title := params.get("title", "").strip():
        event["title"] = title[:300]
    if kind := params.get("type", "").strip():
        if kind in EventType.values:
            event["type"] = kind
        else:
            notices.append(
                f"type={kind}: not an event type; choose one of {', '.join(EventType.values)}."
            )
    if passage_id := params.get("passage", "").strip():
        pk = whole_number(passage_id)
        passage = (
            Passage.objects.select_related("source").filter(pk=pk).first()
            if pk is not None
            else None
        )
        start, end = _int(params, "start", notices), _int(params, "end", notices)
        if passage is None:
            notices.append(f"passage={passage_id}: no such passage; select the text again.")
        elif start is not None and end is not None:
            reference = source_reference(passage.source)
            event["reference"] = reference
            try:
                located = located_from_offsets(passage, start, end)
            except CitationError as exc:
                notices.append(f"The selection cannot be cited: {exc}")
            else:
                if not date_text:
                    found = nearest_date(passage, located.start, located.end, reference)
                    date_text = found.text if found else ""
                citations.append(
                    {
                        "source": passage.source,
                        "quote": located.quote,
                        "passage": passage.index,
                        "start": located.start,
                        "end": located.end,
                        "date_text": date_text,
                    }
                )
    if date_text:
        event["date_text"] = date_text[:200]
    actors = [{"name": name.strip()} for name in params.getlist("actor") if name.strip()]
    return {"event": event, "citations": citations, "actors": actors, "notices": notices}
