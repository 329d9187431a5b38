"""An event's history, read from django-simple-history's tables: versions, diffs and restore.

Every save of an event, a participation or a citation leaves a historical record (who, when,
the values after the change). A *version* of an event is one record of the event itself:
every write saves the event once (bumping ``event.version``) and changes its participants and
citations in the same request or transaction. Those child records belong to that version: they
carry the same ``history_batch`` (``events.history_base``), whichever the writer saved first;
records of no known write belong to the last version recorded before them. The state of a
version is the event's fields in its record and the participants and citations after its
child records (and every earlier one) are applied.
"""

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models, transaction

from sources.models import Passage

from .models import EVENT_FIELDS, Actor, Citation, Event, Participation, quote_mismatch
from .services import ActorChoice, Located, NewCitation, WriteError, save_event

PARTICIPATION_FIELDS = ("actor_id", "role")
CITATION_FIELDS = ("passage_id", "quote", "start", "end", "prefix", "suffix", "date_text", "note")
REASON_CHARS = 100  # simple-history's history_change_reason column

# A row of a table django-simple-history builds at run time (HistoricalEvent, ...): untyped.
HistoricalRecord = Any
# The models whose children are recorded with the event: they carry ``event`` and ``history``.
ChildModel = type[Participation] | type[Citation]


class RestoreError(ValueError):
    """A version that cannot be restored; the message says why."""


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ItemChange:
    """A participant or citation added, removed or changed in one version."""

    kind: str  # "added", "removed", "changed"
    label: str
    changes: tuple[FieldChange, ...] = ()


class RecordView:
    """What a history page shows of a version's record (``record``): its id, who, when, why."""

    record: HistoricalRecord

    @property
    def history_id(self) -> int:
        return self.record.history_id

    @property
    def user(self):
        return self.record.history_user

    @property
    def date(self) -> dt.datetime:
        return self.record.history_date

    @property
    def reason(self) -> str:
        return self.record.history_change_reason or ""


@dataclass
class Version(RecordView):
    record: HistoricalRecord  # the HistoricalEvent row
    number: int
    previous: HistoricalRecord | None
    participations: dict[int, HistoricalRecord] = field(default_factory=dict)
    citations: dict[int, HistoricalRecord] = field(default_factory=dict)
    fields: list[FieldChange] = field(default_factory=list)
    participants: list[ItemChange] = field(default_factory=list)
    evidence: list[ItemChange] = field(default_factory=list)
    # The first version: the fields it was created with (label, value), empty ones left out.
    initial: list[tuple[str, str]] = field(default_factory=list)
    is_current: bool = False

    @property
    def created(self) -> bool:
        return self.previous is None

    @property
    def deleted(self) -> bool:
        """The record of the event's deletion (its participants and citations went with it)."""
        return self.record.history_type == "-"

    @property
    def empty(self) -> bool:
        return not (self.fields or self.participants or self.evidence)


def _field(model: type[models.Model], name: str) -> models.Field:
    """A concrete field of ``model``: history records only those, never reverse relations."""
    return cast(models.Field, model._meta.get_field(name))


def display(model: type[models.Model], name: str, value, empty: str = "(empty)") -> str:
    """A field's value as people read it (choice labels, dates, yes/no): history and conflicts."""
    model_field = _field(model, name)
    if value is None or value == "":
        return empty
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.strftime("%-d %B %Y")
    return str(value)


def label(model: type[models.Model], name: str) -> str:
    return str(_field(model, name).verbose_name)


def _child_records(model: ChildModel, event: Event) -> list[HistoricalRecord]:
    """Every historical record of the children that ever belonged to ``event``, oldest first."""
    historical = model.history.model
    ever = historical.objects.filter(event_id=event.pk).values("id")
    return list(historical.objects.filter(id__in=ever).order_by("history_date", "history_id"))


def _present(records: dict[int, HistoricalRecord], event_pk: int) -> dict[int, HistoricalRecord]:
    return {
        pk: rec
        for pk, rec in records.items()
        if rec.history_type != "-" and rec.event_id == event_pk
    }


def timeline(event: Event) -> list[Version]:
    """The event's versions, oldest first, each with its children as they stood after it.

    A constant number of queries: the event's records, the participants' and the citations'.
    """
    records = list(
        event.history.select_related("history_user").order_by("history_date", "history_id")
    )
    if not records:
        return []
    children = {
        "participations": _child_records(Participation, event),
        "citations": _child_records(Citation, event),
    }
    batches: dict[str, list[int]] = {}
    for i, rec in enumerate(records):
        if rec.history_batch:
            batches.setdefault(rec.history_batch, []).append(i)
    dates = [rec.history_date for rec in records]

    def assign(row: HistoricalRecord) -> int:
        same = batches.get(row.history_batch) if row.history_batch else None
        if same:
            before = [i for i in same if dates[i] <= row.history_date]
            return before[-1] if before else same[0]
        return max(bisect_right(dates, row.history_date) - 1, 0)

    per_version: dict[str, list[list[HistoricalRecord]]] = {}
    for name, rows in children.items():
        per_version[name] = [[] for _ in records]
        for row in rows:  # oldest first, so each version applies its rows in order
            per_version[name][assign(row)].append(row)

    state: dict[str, dict[int, HistoricalRecord]] = {name: {} for name in children}
    versions: list[Version] = []
    for i, record in enumerate(records):
        version = Version(
            record=record, number=record.version, previous=versions[-1].record if versions else None
        )
        for name in children:
            for row in per_version[name][i]:
                state[name][row.id] = row
            setattr(version, name, _present(state[name], event.pk))
        versions.append(version)
    versions[-1].is_current = True
    return versions


def _changes(
    model: type[models.Model], fields: Iterable[str], before, after, render=None
) -> tuple[FieldChange, ...]:
    """Fields that differ, by verbose name, before → after; ``render`` shows related rows."""
    show = render or (lambda name, value: display(model, name, value))
    return tuple(
        FieldChange(
            label(model, name.removesuffix("_id")),
            show(name, getattr(before, name)),
            show(name, getattr(after, name)),
        )
        for name in fields
        if getattr(before, name) != getattr(after, name)
    )


def _item_changes(model, fields, before: dict, after: dict, describe, render) -> list[ItemChange]:
    items = []
    for pk in sorted(before.keys() | after.keys()):
        old, new = before.get(pk), after.get(pk)
        if old is None:
            items.append(ItemChange("added", describe(new)))
        elif new is None:
            items.append(ItemChange("removed", describe(old)))
        else:
            changes = _changes(model, fields, old, new, render)
            if changes:
                items.append(ItemChange("changed", describe(new), changes))
    return items


def history(event: Event) -> list[Version]:
    """The versions newest first, each with a readable diff against the version before it."""
    versions = timeline(event)
    actor_ids = {rec.actor_id for v in versions for rec in v.participations.values()}
    passage_ids = {rec.passage_id for v in versions for rec in v.citations.values()}
    actors = Actor.objects.only("name").in_bulk(actor_ids)
    passages = (
        Passage.objects.select_related("source").only("index", "source__key").in_bulk(passage_ids)
    )
    roles = dict(Participation._meta.get_field("role").flatchoices)

    def actor_name(actor_id: int) -> str:
        actor = actors.get(actor_id)
        return actor.name if actor else f"actor #{actor_id} (deleted)"

    def participant(rec) -> str:
        return f"{actor_name(rec.actor_id)} ({roles.get(rec.role, rec.role)})"

    def where(passage_id: int) -> str:
        passage = passages.get(passage_id)
        return f"{passage.source.key} ¶{passage.index}" if passage else "a deleted passage"

    def render_participation(name: str, value) -> str:
        return actor_name(value) if name == "actor_id" else display(Participation, name, value)

    def render_citation(name: str, value) -> str:
        return where(value) if name == "passage_id" else display(Citation, name, value)

    def citation(rec) -> str:
        quote = rec.quote if len(rec.quote) <= 120 else rec.quote[:119] + "…"
        return f"“{quote}” ({where(rec.passage_id)})"

    empty: dict[int, HistoricalRecord] = {}
    before_parts, before_cites = empty, empty
    for version in versions:
        if version.previous is not None:
            version.fields = list(_changes(Event, EVENT_FIELDS, version.previous, version.record))
        else:
            version.initial = [
                (label(Event, name), display(Event, name, getattr(version.record, name)))
                for name in EVENT_FIELDS
                if getattr(version.record, name) not in (None, "")
            ]
        version.participants = _item_changes(
            Participation,
            PARTICIPATION_FIELDS,
            before_parts,
            version.participations,
            participant,
            render_participation,
        )
        version.evidence = _item_changes(
            Citation, CITATION_FIELDS, before_cites, version.citations, citation, render_citation
        )
        before_parts, before_cites = version.participations, version.citations
    return versions[::-1]


def _unrecorded(model: ChildModel, rows: Mapping[int, models.Model]) -> set[int]:
    """Rows written without history (``bulk_create``): a restore cannot know them, so keeps them."""
    recorded = model.history.filter(id__in=rows.keys()).values_list("id", flat=True)
    return rows.keys() - set(recorded)


def deleted_event(pk: int) -> Event | None:
    """A deleted event as it stood when it was deleted (its history's last record), or None
    when it has no history or is not deleted. Its history stays readable and restorable."""
    record = Event.history.filter(id=pk).order_by("history_date", "history_id").last()
    if record is None or record.history_type != "-":
        return None
    return record.instance


@transaction.atomic
def restore(event: Event, history_id: int, user, expected_version: int | None = None) -> Event:
    """Put the event, its participants and its citations back as they were at a version.

    The restore is itself a new version (recorded with ``user``), written by
    ``events.services.save_event`` like any other, and writes nothing when it is refused.
    A deleted event comes back under its id: its row as it was deleted (not recorded again),
    then the version chosen put back on it.
    """
    stored = Event.objects.select_for_update().filter(pk=event.pk).first()
    if stored is None:
        stored = deleted_event(event.pk)
        if stored is None:
            raise RestoreError(f"No event has the id {event.pk}, and none was deleted under it.")
        stored.skip_history_when_saving = True  # type: ignore[attr-defined]
        stored.save(force_insert=True)
        del stored.skip_history_when_saving  # type: ignore[attr-defined]
    event = stored
    if expected_version is not None and expected_version != event.version:
        raise RestoreError(
            f"The event changed since you opened its history (it is now version "
            f"{event.version}); review the latest changes and restore again."
        )
    versions = timeline(event)
    version = next((v for v in versions if v.history_id == history_id), None)
    if version is None:
        raise RestoreError("That version is not in this event's history.")
    if version.is_current:
        raise RestoreError(f"Version {version.number} is the current version: nothing to restore.")
    parts, cites = version.participations, version.citations

    actors = Actor.objects.in_bulk({rec.actor_id for rec in parts.values()})
    gone = sorted({rec.actor_id for rec in parts.values()} - actors.keys())
    if gone:
        raise RestoreError(
            f"Version {version.number} names actors that no longer exist "
            f"(ids {', '.join(map(str, gone))}); nothing was restored."
        )
    passages = Passage.objects.in_bulk({rec.passage_id for rec in cites.values()})
    for rec in cites.values():
        passage = passages.get(rec.passage_id)
        if passage is None:
            raise RestoreError(
                f"Version {version.number} cites “{rec.quote[:80]}” from a passage that no "
                "longer exists; nothing was restored."
            )
        problem = quote_mismatch(passage.text, rec.quote, rec.start, rec.end)
        if problem:
            raise RestoreError(
                f"Version {version.number} cites “{rec.quote[:80]}”, which is no longer the "
                f"text of its passage ({problem}); nothing was restored."
            )

    reason = f"Restored version {version.number}"
    for name in EVENT_FIELDS:
        setattr(event, name, getattr(version.record, name))
    # Rows written without history (bulk_create) are unknown to every version: they stay.
    current_parts = {p.pk: p for p in event.participations.select_related("actor")}
    current_cites = {c.pk: c for c in event.citations.select_related("passage")}
    kept_parts = _unrecorded(Participation, current_parts)
    kept_cites = _unrecorded(Citation, current_cites)
    participants = [
        ActorChoice(role=rec.role, actor=actors[rec.actor_id]) for rec in parts.values()
    ] + [
        ActorChoice(role=current_parts[pk].role, actor=current_parts[pk].actor) for pk in kept_parts
    ]
    citations = [
        NewCitation(
            Located(passages[rec.passage_id], rec.start, rec.end, rec.quote),
            rec.date_text,
            rec.note,
            pk=pk,  # back with its old id when free: the reader's anchors still work
        )
        for pk, rec in cites.items()
    ] + [
        NewCitation(
            Located(row.passage, row.start, row.end, row.quote), row.date_text, row.note, pk=pk
        )
        for pk, row in ((pk, current_cites[pk]) for pk in kept_cites)
    ]
    try:
        return save_event(
            event,
            actors=participants,
            citations=citations,
            base_version=event.version,
            user=user,
            reason=reason,
        )
    except WriteError as refused:
        raise RestoreError(f"Version {version.number} cannot be restored: {refused}") from None
