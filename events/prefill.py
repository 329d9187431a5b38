"""Prefill of a new event.

GET /events/new/?passage=&start=&end=&date_text=&date_at=&title=&type=&actor=

The date of a selection is read as the suggestions read it (``suggestions.services.
selection_date``): a date written in the selection fills "Date" as written; a date taken
from elsewhere (an earlier sentence or paragraph, a chronology entry, or the date "the next
day" counts from) fills start, end and precision, never the citation's "date as written",
and says where it comes from, for the analyst to check.
"""

from __future__ import annotations

import re

from django.http import QueryDict

from lib.datesearch import Refusal
from lib.inputs import has_nul, nul_message, shown, whole_number
from sources.models import Passage

from .forms import located_from_offsets
from .models import EventType
from .services import CitationError


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
    ``date_text`` (else the date of the selection, or of ``date_at``, read as the suggestions
    read it), ``title``, ``type`` (without it, the type the selection's words suggest) and
    ``actor`` (repeatable; without any, the actors the selection names) fill the form. What
    cannot be used is reported in ``notices``; a date not written in the selection says where
    it comes from in ``date_notice``.
    """
    notices: list[str] = []
    date_notice = ""
    event: dict = {}
    citations: list[dict] = []
    # A value holding a NUL is left out, and said so (no field may hold one).
    unusable = [name for name, values in params.lists() if any(map(has_nul, values))]
    if unusable:
        params = params.copy()
        for name in unusable:
            notices.append(nul_message(shown(name)))
            del params[name]
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
            reference = passage.source.date_reference()
            event["reference"] = reference
            try:
                located = located_from_offsets(passage, start, end)
            except CitationError as exc:
                notices.append(f"The selection cannot be cited: {exc}")
            else:
                citation = {
                    "source": passage.source,
                    "quote": located.quote,
                    "passage": passage.index,
                    "start": located.start,
                    "end": located.end,
                    "date_text": date_text,
                }
                if not date_text:
                    date_text, date_notice = _read_date(
                        params, passage, located, event, citation, notices
                    )
                citations.append(citation)
    if date_text:
        event["date_text"] = date_text[:200]
    actors = [{"name": name.strip()} for name in params.getlist("actor") if name.strip()]
    if not params.getlist("actor") and citations:
        # Selected while reading: the actors the selected words name (by name or alias).
        actors = [{"name": name} for name in _actors_named(citations[0]["quote"])]
    if citations and (claim := _attributed(citations[0]["quote"])):
        # "..., according to Myanmar state media": a claim, not told as fact by the source.
        event["attribution"] = claim
    if "type" not in event and not params.get("type", "").strip() and citations:
        # And the type their words suggest, as the suggestions guess it ("signed an
        # agreement": agreement); none suggested, the form's own default.
        from suggestions.extract import guess_type

        kind, _cues = guess_type(citations[0]["quote"])
        if kind != "other":
            event["type"] = kind
    return {
        "event": event,
        "citations": citations,
        "actors": actors,
        "notices": notices,
        "date_notice": date_notice,
    }


# "according to Myanmar state media", up to the end of its clause; "according to reports" too.
_ACCORDING_TO = re.compile(r"\baccording to\s+((?:[^,.;:()\u201c\u201d\"]|\.(?=\w))+)", re.I)


def _attributed(text: str) -> str:
    """Whom ``text`` attributes what it says to, as it writes it ("according to …"), or ""."""
    match = _ACCORDING_TO.search(text)
    if match is None:
        return ""
    return f"according to {match.group(1).strip()}"[:300]


def _actors_named(text: str) -> list[str]:
    """The actors ``text`` names, in order, once each, as the suggestions recognise them."""
    from suggestions.services import load_lexicon

    return list(dict.fromkeys(m.actor.name for m in load_lexicon().mentions(text)))


def _date_at(params: QueryDict, notices: list[str]) -> tuple[int, int, int] | None:
    """``date_at=<passage index>:<start>:<end>``: the date expression a proposal chose."""
    value = params.get("date_at", "").strip()
    if not value:
        return None
    numbers = [whole_number(part) for part in value.split(":")]  # ASCII digits: not "²"
    read = [number for number in numbers if number is not None]
    if len(numbers) != 3 or len(read) != 3:
        notices.append(
            f"date_at={value[:40]}: write the passage index and offsets of the date, like 3:10:20."
        )
        return None
    index, start, end = read
    return index, start, end


def _planned_when_written(passage, parsed) -> str:
    """Why a date after the source's own is no happening ("" when it is not after it): a
    source of 5 March 2024 saying "will arrive on Friday" tells a plan for 8 March."""
    from suggestions.services import source_reference

    reference = source_reference(passage.source)
    if not reference.known or not reference.precedes(parsed):
        return ""
    return (
        f"{parsed.describe()} is after the source was written ({reference.describe()}): "
        "planned or foreseen as of the source's date, not yet a happening, unless the text "
        "says it took place"
    )


def _read_date(params, passage, located, event: dict, citation: dict, notices: list[str]):
    """Fill the date of the selection; returns (date as written, where it comes from)."""
    from suggestions.extract import DateSource
    from suggestions.services import selection_date

    at = _date_at(params, notices)
    chosen = selection_date(passage.source, passage.index, located.start, located.end, at)
    if isinstance(chosen, Refusal):
        # Said beside the date ("Check the date: ..."), not among unusable parameters.
        return "", f"it is not filled in: {chosen.message}"
    if chosen is None:
        if at is not None:
            notices.append("date_at: no date expression there; fill in the date below.")
        return "", ""
    parsed = chosen.date.parsed
    # Kept with the citation (its note) and said beside the date: accepted as it stood, a
    # plan was saved as a plain event of that day (a reviewer's finding).
    planned = _planned_when_written(passage, parsed)
    if planned:
        citation["note"] = f"Check the date: {planned}."
    if chosen.written_in_selection and not chosen.date.relative:
        citation["date_text"] = chosen.date.text
        return chosen.date.text, planned
    # Not a date the selection writes as such: fill start, end and precision, and say why.
    event.update(
        date_start=parsed.start,
        date_end=parsed.end,
        date_precision=parsed.precision,
        date_approximate=parsed.approximate,
    )
    # A relative date ("the day before the February 1 coup", "the same day") is the source's
    # words for the citation; the event's date is the start and precision it resolves to.
    if chosen.written_in_selection:
        citation["date_text"] = chosen.date.text
        return "", planned
    if chosen.source == DateSource.ANCHOR:
        citation["date_text"] = chosen.date.text
    origin = f"{chosen.origin}; {planned}" if planned else chosen.origin
    notice = (
        f"{parsed.describe()} is not written in the selected text: {origin}. "
        "Check it before saving."
    )
    citation["note"] = f"Check the date: {origin}."
    return "", notice
