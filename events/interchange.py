"""The interchange format: one JSON object with sources, actors and events.

``load`` is idempotent (loading the same data twice changes nothing) and
all-or-nothing; ``dump`` writes the whole database in the same format, so a
dump loaded into an empty database dumps identically.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import ijson

from sources.models import Source

from .bulk import LoadError, NotJSON, Progress, analyze, load_archive
from .models import EVENT_FIELDS, Actor, Event
from .services import ActorChoice, NewCitation, save_event

__all__ = ["LoadError", "NotJSON", "dump", "dump_pieces", "load", "load_file", "write_event"]


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


# Dump ----------------------------------------------------------------------


def source_payload(source: Source) -> dict:
    published = None
    if source.published_date:
        published = {
            "date": source.published_date.isoformat(),
            "precision": source.published_precision,
            "on_or_after": source.published_on_or_after,
        }
    return {
        "key": source.key,
        "title": source.title,
        "publisher": source.publisher or None,
        "author": source.author or None,
        "url": source.url or None,
        "published": published,
        "reference_date": _iso(source.reference_date),
        "text": source.text,
    }


def actor_payload(actor: Actor) -> dict:
    return {
        "name": actor.name,
        "kind": actor.kind,
        "description": actor.description,
        "aliases": sorted(alias.name for alias in actor.aliases.all()),
    }


def _event_shape(values: dict, actors: list[tuple[str, str]], citations: list[dict]) -> dict:
    return {
        "title": values["title"],
        "summary": values["summary"],
        "attribution": values.get("attribution", ""),
        "type": values["type"],
        "status": values["status"],
        "location": values["location"],
        "date": {
            "start": _iso(values["date_start"]),
            "end": _iso(values["date_end"]),
            "precision": values["date_precision"],
            "text": values["date_text"],
            "approximate": values["date_approximate"],
        },
        "actors": [{"name": name, "role": role} for name, role in actors],
        "citations": citations,
    }


def _citation_shape(passage, quote: str, start: int, end: int, date_text: str, note: str) -> dict:
    return {
        "source": passage.source.key,
        "passage": passage.index,
        "quote": quote,
        "start": start,
        "end": end,
        "date_text": date_text,
        "note": note,
    }


def event_payload(event: Event) -> dict:
    """The event shape of the format; needs participations and citations prefetched."""
    return _event_shape(
        {name: getattr(event, name) for name in EVENT_FIELDS},
        [(p.actor.name, p.role) for p in event.participations.all()],
        [
            _citation_shape(c.passage, c.quote, c.start, c.end, c.date_text, c.note)
            for c in event.citations.all()
        ],
    )


def events_with_relations(queryset=None):
    return (Event.objects.all() if queryset is None else queryset).with_evidence()


DUMP_CHUNK = 500


def _dump_sections() -> dict[str, Iterator[dict]]:
    """The format's three lists as iterators over the database, a chunk of rows at a time."""
    return {
        "sources": (
            source_payload(s) for s in Source.objects.order_by("key").iterator(chunk_size=100)
        ),
        "actors": (
            actor_payload(a)
            for a in Actor.objects.prefetch_related("aliases")
            .order_by("name")
            .iterator(chunk_size=DUMP_CHUNK)
        ),
        "events": (
            event_payload(e)
            for e in events_with_relations().chronological().iterator(chunk_size=DUMP_CHUNK)
        ),
    }


def dump() -> dict:
    return {name: list(items) for name, items in _dump_sections().items()}


def dump_pieces() -> Iterator[str]:
    """``json.dumps(dump(), ensure_ascii=False, indent=2)`` piece by piece: memory does not
    grow with the archive (each chunk of events is read with its relations, then written)."""
    yield "{"
    for number, (name, items) in enumerate(_dump_sections().items()):
        yield ("," if number else "") + f"\n  {json.dumps(name)}: ["
        empty = True
        for item in items:
            text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            yield ("\n    " if empty else ",\n    ") + text
            empty = False
        yield "]" if empty else "\n  ]"
    yield "\n}"


# Load ----------------------------------------------------------------------


def write_event(event: Event | None, plan: dict) -> Event:
    """Create or change an event from a validated plan, through the one writer.

    Participants and citations are diffed like every other write (the same span and the same
    actor in the same role are kept), so the history records only what changed.
    """
    fields = {k: v for k, v in plan.items() if k not in {"participants", "citations"}}
    if event is None:
        event = Event(**fields)
    else:
        for name, value in fields.items():
            setattr(event, name, value)
    return save_event(
        event,
        actors=[ActorChoice(role, actor) for actor, role in plan["participants"]],
        citations=[
            NewCitation(located, date_text, note) for located, date_text, note in plan["citations"]
        ],
    )


def load(data: dict, base_dir: Path | None = None) -> dict[str, int]:
    """Load the format; returns counts of what was created, updated and left alone."""
    if not isinstance(data, dict):
        raise LoadError("The file must hold one JSON object with sources, actors and events.")
    streams = [data.get(name) or [] for name in ("sources", "actors", "events")]
    for name, items in zip(("sources", "actors", "events"), streams, strict=True):
        if not isinstance(items, list):
            raise LoadError(
                f"{name}: {type(items).__name__} is not a list; write a JSON list [...]."
            )
    sources, actors, events = streams
    stats = load_archive(sources, actors, events, base_dir=base_dir)
    analyze()
    return stats


SECTIONS = ("sources", "actors", "events")
KINDS = {"start_map": "an object", "string": "text", "number": "a number", "boolean": "true/false"}


def _refuse_non_list(prefix: str, event: str, sections) -> None:
    """A parse event at the top of a section (``prefix`` one of ``sections``) that shows it
    is not a list, nor null, refuses the file."""
    if prefix in sections and event not in ("start_array", "end_array", "null"):
        raise LoadError(
            f"{prefix}: {KINDS.get(event, event)} is not a list; write a JSON list [...] (or "
            "leave it out)."
        )


def _until_end(parsed: Iterator[tuple], name: str) -> Iterator[tuple]:
    """ijson's parse events up to the end of the top-level list ``name``; a section that is
    not a list (nor null) is refused at its first event."""
    for item in parsed:
        _refuse_non_list(item[0], item[1], (name,))
        yield item
        if item[1] == "end_array" and item[0] == name:
            return


def _check_sections(path: Path) -> None:
    """A file that gave no events: each of its sections is a list, and it has one.

    (Read event by event in Python, so only when there were no events to read: a file of
    events has its sources and actors checked as they are read, ``_until_end``.)"""
    keys = set()
    with path.open("rb") as stream:
        for prefix, event, value in ijson.parse(stream):
            if prefix == "" and event == "map_key":
                keys.add(value)
            _refuse_non_list(prefix, event, SECTIONS)
    if not keys & set(SECTIONS):
        found = ", ".join(sorted(keys)) or "nothing"
        raise LoadError(
            f"The file holds none of sources, actors and events (it holds {found}); "
            'write {"sources": [...], "actors": [...], "events": [...]}.'
        )


def load_file(
    path: Path,
    progress: Progress | None = None,
    *,
    statistics: bool = True,
    timings: dict[str, float] | None = None,
    rebuild: bool | None = None,
) -> dict[str, int]:
    """Load a file in the format, streamed: memory does not grow with the number of events.

    The file is read once per section (sources, actors, events), so their order in it does
    not matter. ``progress`` is called with the number of events staged so far and the share
    of the file read. ``statistics=False`` leaves ANALYZE to the caller (``load_timeline``
    runs ``bulk.vacuum_analyze`` after its commit). ``timings`` receives each step's seconds;
    ``rebuild`` is ``bulk.load_archive``'s (None: by the load's size).
    """
    size = max(path.stat().st_size, 1)
    with path.open("rb") as head:
        try:
            first = next(ijson.parse(head), None)
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            raise NotJSON(f"{exc}.") from None
        if first is None or first[1] != "start_map":
            raise LoadError("The file must hold one JSON object with sources, actors and events.")
    reading: dict = {}

    def section(name: str):
        read = 0  # items of the section read whole: the place of an error
        with path.open("rb") as stream:
            reading[name] = stream
            try:
                if name == "events":
                    items = ijson.items(stream, f"{name}.item", use_float=True)
                else:
                    # Stop at the end of the section instead of reading the rest of the
                    # file (the events, most of it) for a second list of the same name.
                    parsed = _until_end(ijson.parse(stream, use_float=True), name)
                    items = ijson.items(parsed, f"{name}.item")
                for item in items:
                    read += 1
                    yield item
                if name == "events" and not read:
                    _check_sections(path)
            except (ijson.JSONError, UnicodeDecodeError) as exc:
                place = f"in {name}, after {name}[{read - 1}]" if read else f"in {name}"
                raise NotJSON(f"{exc} ({place}).") from None

    class Staged:
        def __init__(self, report: Progress) -> None:
            self.report = report

        def __call__(self, events: int) -> None:
            stream = reading.get("events")
            done = stream.tell() / size if stream is not None and not stream.closed else 1.0
            self.report(events, done)

        def phase(self, text: str) -> None:
            phase = getattr(self.report, "phase", None)
            if phase is not None:
                phase(text)

    stats = load_archive(
        section("sources"),
        section("actors"),
        section("events"),
        base_dir=path.parent,
        progress=Staged(progress) if progress else None,
        timings=timings,
        rebuild=rebuild,
    )
    if statistics:
        analyze()
    return stats
