"""The interchange format: one JSON object with sources, actors and events.

``load`` is idempotent (loading the same data twice changes nothing) and
all-or-nothing; ``dump`` writes the whole database in the same format, so a
dump loaded into an empty database dumps identically.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction

from lib.dates import Precision
from sources.models import Source
from sources.services import SourceError, decode_text, import_source

from .models import EVENT_FIELDS, Actor, ActorKind, Alias, Event, EventType, Role, Status
from .services import CitationError, cite, locate


class LoadError(ValueError):
    """Data that cannot be loaded; the message names the item and the problem."""


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise LoadError(f"{where}: {value!r} is not a date written YYYY-MM-DD.") from None


def _choice(value: Any, choices, where: str) -> str:
    if value not in choices.values:
        raise LoadError(f"{where}: {value!r} is not one of {', '.join(choices.values)}.")
    return value


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


def dump() -> dict:
    return {
        "sources": [source_payload(s) for s in Source.objects.order_by("key")],
        "actors": [
            actor_payload(a) for a in Actor.objects.prefetch_related("aliases").order_by("name")
        ],
        "events": [event_payload(e) for e in events_with_relations().chronological()],
    }


# Load ----------------------------------------------------------------------


def _load_source(raw: dict, where: str, base_dir: Path | None) -> Source:
    key = raw.get("key")
    if not key or not raw.get("title"):
        raise LoadError(f"{where}: a source needs a key and a title.")
    if "text" in raw:
        text = raw["text"]
    elif "text_file" in raw and base_dir is not None:
        path = base_dir / raw["text_file"]
        try:
            text = decode_text(path.read_bytes(), str(raw["text_file"]))
        except (OSError, SourceError) as exc:
            raise LoadError(f"{where}: {exc}") from None
    else:
        raise LoadError(f"{where}: a source needs its text.")
    published = raw.get("published") or {}
    meta = {
        "title": raw["title"],
        "publisher": raw.get("publisher") or "",
        "author": raw.get("author") or "",
        "url": raw.get("url") or "",
        "published_date": _date(published.get("date"), f"{where}.published"),
        "published_precision": _choice(
            published.get("precision", Precision.DAY), Precision, f"{where}.published.precision"
        ),
        "published_on_or_after": bool(published.get("on_or_after", False)),
    }
    meta["reference_date"] = (
        _date(raw.get("reference_date"), f"{where}.reference_date") or meta["published_date"]
    )
    existing = Source.objects.filter(key=key).first()
    if existing is not None and existing.text != text:
        raise LoadError(f"{where}: source “{key}” exists with a different text.")
    try:
        source, _created = import_source(text, key=key, **meta)
    except SourceError as exc:
        raise LoadError(f"{where}: {exc}") from None
    if source.key != key:
        raise LoadError(f"{where}: this text is already imported as source “{source.key}”.")
    changed = [name for name, value in meta.items() if getattr(source, name) != value]
    if changed:
        for name in changed:
            setattr(source, name, meta[name])
        source.save(update_fields=changed)
    return source


def _load_actor(raw: dict, where: str) -> Actor:
    name = (raw.get("name") or "").strip()
    if not name:
        raise LoadError(f"{where}: an actor needs a name.")
    kind = _choice(raw.get("kind"), ActorKind, f"{where}.kind")
    alias = Alias.objects.filter(name__iexact=name).exclude(actor__name__iexact=name).first()
    if alias is not None:
        raise LoadError(f"{where}: “{name}” is already an alias of {alias.actor}.")
    actor = Actor.objects.filter(name__iexact=name).first()
    if actor is None:
        actor = Actor.objects.create(name=name, kind=kind, description=raw.get("description", ""))
    elif (actor.kind, actor.description) != (kind, raw.get("description", "")):
        actor.kind, actor.description = kind, raw.get("description", "")
        actor.save(update_fields=["kind", "description"])
    wanted = {alias.strip() for alias in raw.get("aliases", []) if alias.strip()}
    have = {alias.name: alias for alias in actor.aliases.all()}
    for spelling in wanted - set(have):
        taken = Alias.objects.filter(name__iexact=spelling).exclude(actor=actor).first()
        clash = taken.actor if taken else Actor.objects.filter(name__iexact=spelling).first()
        if clash is not None and clash != actor:
            raise LoadError(f"{where}: alias “{spelling}” already names {clash}.")
        Alias.objects.create(actor=actor, name=spelling)
    Alias.objects.filter(pk__in=[have[s].pk for s in set(have) - wanted]).delete()
    return actor


def _resolve_event(raw: dict, where: str, sources: dict, actors: dict) -> dict:
    """Validate an event: its field values, participants and located citations."""
    if not raw.get("title"):
        raise LoadError(f"{where}: an event needs a title.")
    date = raw.get("date") or {}
    start = _date(date.get("start"), f"{where}.date.start")
    end = _date(date.get("end"), f"{where}.date.end")
    if end and (not start or end < start):
        raise LoadError(f"{where}.date: the end is before the start (or there is no start).")
    fields = {
        "title": raw["title"],
        "summary": raw.get("summary", ""),
        "attribution": raw.get("attribution") or "",
        "type": _choice(raw.get("type", EventType.OTHER), EventType, f"{where}.type"),
        "status": _choice(raw.get("status", Status.PUBLISHED), Status, f"{where}.status"),
        "location": raw.get("location") or "",
        "date_start": start,
        "date_end": end,
        "date_precision": _choice(
            date.get("precision", Precision.DAY), Precision, f"{where}.date.precision"
        ),
        "date_text": date.get("text") or "",
        "date_approximate": bool(date.get("approximate", False)),
    }
    participants = []
    for i, item in enumerate(raw.get("actors", [])):
        name = item.get("name", "")
        actor = actors.get(name.lower()) or Actor.objects.named(name).first()
        if actor is None:
            raise LoadError(f"{where}.actors[{i}]: no actor is named or aliased “{name}”.")
        role = _choice(item.get("role", Role.PARTICIPANT), Role, f"{where}.actors[{i}].role")
        participants.append((actor, role))
    citations = []
    for i, item in enumerate(raw.get("citations", [])):
        key = item.get("source")
        source = sources.get(key) or Source.objects.filter(key=key).first()
        if source is None:
            raise LoadError(f"{where}.citations[{i}]: no source has the key “{key}”.")
        try:
            located = locate(
                source,
                item.get("quote", ""),
                item.get("passage"),
                item.get("start"),
                item.get("end"),
                passages=sources.get(("passages", source.pk)),
            )
        except CitationError as exc:
            raise LoadError(f"{where}.citations[{i}]: {exc}") from None
        citations.append((located, item.get("date_text") or "", item.get("note") or ""))
    return {**fields, "participants": participants, "citations": citations}


def _planned_payload(plan: dict) -> dict:
    return _event_shape(
        plan,
        [(actor.name, role) for actor, role in plan["participants"]],
        [
            _citation_shape(loc.passage, loc.quote, loc.start, loc.end, date_text, note)
            for loc, date_text, note in plan["citations"]
        ],
    )


def write_event(event: Event | None, plan: dict) -> Event:
    """Create or replace an event from a validated plan."""
    fields = {k: v for k, v in plan.items() if k not in {"participants", "citations"}}
    if event is None:
        event = Event(**fields)
    else:
        for name, value in fields.items():
            setattr(event, name, value)
        event.version += 1
        event.participations.all().delete()
        event.citations.all().delete()
    event.save()
    for actor, role in plan["participants"]:
        event.participations.get_or_create(actor=actor, role=role)
    for located, date_text, note in plan["citations"]:
        cite(event, located, date_text, note)
    return event


@transaction.atomic
def load(data: dict, base_dir: Path | None = None) -> dict[str, int]:
    """Load the format; returns counts of what was created, updated and left alone."""
    if not isinstance(data, dict):
        raise LoadError("The file must hold one JSON object with sources, actors and events.")
    sources: dict = {}
    for i, raw in enumerate(data.get("sources", [])):
        source = _load_source(raw, f"sources[{i}]", base_dir)
        sources[source.key] = source
        sources[("passages", source.pk)] = list(source.passages.all())
    actors: dict = {}
    for i, raw in enumerate(data.get("actors", [])):
        actor = _load_actor(raw, f"actors[{i}]")
        actors[actor.name.lower()] = actor
    stats = {"created": 0, "updated": 0, "unchanged": 0}
    existing = {(e.title, e.date_start): e for e in events_with_relations()}
    seen: dict = {}
    for i, raw in enumerate(data.get("events", [])):
        plan = _resolve_event(raw, f"events[{i}]", sources, actors)
        identity = (plan["title"], plan["date_start"])
        if identity in seen:
            raise LoadError(
                f"events[{i}]: same title and start date as events[{seen[identity]}]; "
                "an event is identified by them, so give one a distinct title."
            )
        seen[identity] = i
        event = existing.get((plan["title"], plan["date_start"]))
        if event is not None and event_payload(event) == _planned_payload(plan):
            stats["unchanged"] += 1
            continue
        write_event(event, plan)
        stats["updated" if event else "created"] += 1
    return stats
