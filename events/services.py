"""Writes that span models: every citation is made here."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify

from sources.models import Passage, Source

from .models import (
    CONTEXT_CHARS,
    EVENT_FIELDS,
    Actor,
    Alias,
    Citation,
    Event,
    Participation,
    Status,
    quote_mismatch,
)
from .positions import EventDate, event_date, refuse_title_as_actor


class CitationError(ValueError):
    """A citation that does not match its source; the message says what is wrong."""


@dataclass(frozen=True)
class Located:
    passage: Passage
    start: int
    end: int
    quote: str

    @property
    def prefix(self) -> str:
        return self.passage.text[max(0, self.start - CONTEXT_CHARS) : self.start]

    @property
    def suffix(self) -> str:
        return self.passage.text[self.end : self.end + CONTEXT_CHARS]


def _occurrences(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def locate(
    source: Source,
    quote: str,
    passage_index: int | None = None,
    start: int | None = None,
    end: int | None = None,
    passages: list[Passage] | None = None,
) -> Located:
    """Find where ``quote`` stands in ``source``, checking any offsets given."""
    if not quote:
        raise CitationError("The quote is empty: copy the exact words from the source.")
    passages = passages if passages is not None else list(source.passages.all())
    if passage_index is None:
        hits = _occurrences(source.text, quote)
        if not hits:
            raise CitationError(f"Quote not found in source “{source.key}”: “{quote[:80]}”.")
        if len(hits) > 1:
            raise CitationError(
                f"Quote occurs {len(hits)} times in source “{source.key}”; "
                "give passage and start to say which one."
            )
        for candidate in passages:
            if candidate.start <= hits[0] and hits[0] + len(quote) <= candidate.end:
                offset = hits[0] - candidate.start
                return Located(candidate, offset, offset + len(quote), quote)
        raise CitationError("The quote spans two passages; cite within one paragraph.")
    passage = next((p for p in passages if p.index == passage_index), None)
    if passage is None:
        raise CitationError(
            f"Source “{source.key}” has no passage {passage_index} "
            f"(it has passages 0 to {len(passages) - 1})."
        )
    if start is None:
        hits = _occurrences(passage.text, quote)
        if len(hits) != 1:
            word = "not found" if not hits else f"occurs {len(hits)} times"
            raise CitationError(f"Quote {word} in passage {passage_index}; give start and end.")
        start = hits[0]
    end = start + len(quote) if end is None else end
    problem = quote_mismatch(passage.text, quote, start, end)
    if problem:
        raise CitationError(problem)
    return Located(passage, start, end, quote)


# The writer ----------------------------------------------------------------------------------
#
# ``save_event`` is the one way an event, its participants and its citations are written: the
# event form, the API, the reader's cite, the suggestion queue, a restore and the admin call
# it. It owns the row lock, the version (claimed once per write), the no-op check, the slug
# rule for new actors, the diffing of participants and citations, and the rules every stored
# event keeps. A bulk import (``events.bulk``) keeps the same rules set-wise, in SQL over its
# staged rows: ``events.bulk.staged_rule_violation``.


class WriteError(ValueError):
    """A write refused by a rule; nothing was written. ``field`` is the input it is about."""

    field = "non_field_errors"


class EditConflict(WriteError):
    """Someone else saved the event after ``base_version``: nothing was written."""

    def __init__(self, event: Event, base_version) -> None:
        super().__init__(
            f"Event {event.pk} is at version {event.version}, not {base_version}: "
            "another analyst saved it in between."
        )
        self.event = event
        self.base_version = base_version


class EvidenceRequired(CitationError, WriteError):
    """A published event would be left without a citation."""

    field = "citations"


class DuplicateCitation(CitationError, WriteError):
    """The event already cites this span; ``citation`` is the one it has."""

    field = "citations"

    def __init__(self, citation: Citation) -> None:
        super().__init__(
            f"Event {citation.event_id} already cites this span of “{citation.passage.source.key}” "
            f"¶{citation.passage.index} (citation {citation.pk}); cite it once."
        )
        self.citation = citation


class RepeatedSpan(CitationError, WriteError):
    """A batch cites the same span twice for one event."""

    field = "citations"


class CitationGone(CitationError, WriteError):
    """A citation to remove is no longer there (removed by someone else, or never was)."""

    field = "citations"


EVIDENCE_MESSAGE = "A published event needs at least one citation: add one, or save it as a draft."


@dataclass(frozen=True)
class ActorChoice:
    """A participant: an existing actor, or a new one to create (``actor`` is None)."""

    role: str
    actor: Actor | None = None
    name: str = ""
    kind: str = ""
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class NewCitation:
    """A citation wanted on an event. ``pk`` reuses an old id when free (a restore)."""

    located: Located
    date_text: str = ""
    note: str = ""
    pk: int | None = None

    @property
    def span(self) -> tuple[int, int, int]:
        return (self.located.passage.pk, self.located.start, self.located.end)


Span = tuple[int, int, int]  # (passage id, start, end): what a citation cites


def span_of(citation: Citation) -> Span:
    return (citation.passage_id, citation.start, citation.end)


# The rules.


def missing_evidence(statuses: dict, cited: dict) -> list:
    """Keys (event ids or rows of a batch) of published events with no citation.

    ``statuses`` maps each key to its status; ``cited`` to how many citations it will have.
    """
    return [
        key for key, status in statuses.items() if status == Status.PUBLISHED and not cited.get(key)
    ]


def new_actor_slug(name: str, taken=None) -> str:
    """The slug of a new actor: its name slugified, ``-2``, ``-3``… when taken.

    ``taken`` (a set of slugs) lets a bulk import allocate many without a query each.
    """
    base = slugify(name)[:190] or "actor"
    slug, n = base, 2
    while (slug in taken) if taken is not None else Actor.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _stamp(instance, user, reason: str):
    """Who made a historical record and why (else simple-history's request user)."""
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    if reason:
        instance._change_reason = reason[:100]
    return instance


def _create_actor(choice: ActorChoice, user, reason: str, when: EventDate | None) -> Actor:
    """A new actor named by a writer; a title ("the coup leader") is refused, naming whoever
    held it at the event's date (``events.positions.title_clash``)."""
    actor = Actor(
        name=choice.name,
        kind=choice.kind,
        description=choice.description,
        slug=new_actor_slug(choice.name),
    )
    refuse_title_as_actor(actor.name, actor.slug, choice.aliases, when)
    actor.full_clean()
    actor.save()
    for alias in choice.aliases:
        Alias.objects.create(actor=actor, name=alias)
    return actor


def _matches_version(version: int, base_version) -> bool:
    if base_version is None:
        return True
    if isinstance(base_version, set | frozenset | list | tuple):
        return version in base_version
    return version == base_version


@dataclass
class _Plan:
    """What a write changes, worked out under the lock before anything is written."""

    fields: bool = False
    add_parts: list = field(default_factory=list)  # ActorChoice
    drop_parts: list = field(default_factory=list)  # Participation
    add_cites: list = field(default_factory=list)  # NewCitation
    change_cites: list = field(default_factory=list)  # (Citation, NewCitation)
    drop_cites: list = field(default_factory=list)  # Citation
    cited: int = 0  # citations after the write

    @property
    def empty(self) -> bool:
        return not (
            self.fields
            or self.add_parts
            or self.drop_parts
            or self.add_cites
            or self.change_cites
            or self.drop_cites
        )


def _plan(
    event: Event,
    stored: Event | None,
    actors,
    citations,
    add_citations,
    remove_citations,
) -> _Plan:
    plan = _Plan()
    plan.fields = stored is None or any(
        getattr(stored, name) != getattr(event, name) for name in EVENT_FIELDS
    )
    parts = list(stored.participations.all()) if stored is not None else []
    if actors is not None:
        wanted, seen = [], set()
        for choice in actors:
            key = (choice.actor.pk if choice.actor else choice.name.lower(), choice.role)
            if key not in seen:
                seen.add(key)
                wanted.append(choice)
        have = {(p.actor_id, p.role) for p in parts}
        keep = {(c.actor.pk, c.role) for c in wanted if c.actor is not None}
        plan.add_parts = [c for c in wanted if c.actor is None or (c.actor.pk, c.role) not in have]
        plan.drop_parts = [p for p in parts if (p.actor_id, p.role) not in keep]

    current = list(stored.citations.select_related("passage__source")) if stored else []
    by_span = {span_of(c): c for c in current}
    by_pk = {c.pk: c for c in current}
    gone = []
    for item in remove_citations:
        pk = item.pk if isinstance(item, Citation) else int(item)
        if pk in by_pk:
            plan.drop_cites.append(by_pk[pk])
        else:
            gone.append(pk)
    if gone:
        raise CitationGone(
            f"Citation {', '.join(map(str, gone))} is no longer on this event "
            "(someone removed it in between): nothing was saved; reload and try again."
        )
    dropped = {c.pk for c in plan.drop_cites}
    if citations is not None:
        wanted_spans: dict[Span, NewCitation] = {}
        for new in citations:
            wanted_spans.setdefault(new.span, new)  # a span listed twice is cited once
        for span, new in wanted_spans.items():
            old = by_span.get(span)
            if old is None:
                plan.add_cites.append(new)
            elif (old.date_text, old.note) != (new.date_text or "", new.note or ""):
                plan.change_cites.append((old, new))
        plan.drop_cites += [c for s, c in by_span.items() if s not in wanted_spans]
        dropped = {c.pk for c in plan.drop_cites}
    adding = {new.span for new in plan.add_cites}
    for new in add_citations:
        old = by_span.get(new.span)
        if old is not None and old.pk not in dropped:
            raise DuplicateCitation(old)
        if new.span in adding:
            raise RepeatedSpan("The same quote is added twice; add it once.")
        adding.add(new.span)
        plan.add_cites.append(new)
    plan.cited = len(current) - len(plan.drop_cites) + len(plan.add_cites)
    return plan


@transaction.atomic
def save_event(
    event: Event,
    *,
    actors: list[ActorChoice] | None = None,
    citations: list[NewCitation] | None = None,
    add_citations: Sequence[NewCitation] = (),
    remove_citations: Sequence = (),
    base_version=None,
    user=None,
    reason: str = "",
) -> Event:
    """Create or change ``event`` (its fields already set), its participants and citations.

    ``actors``, when given, is the whole list of participants (new actors are created);
    ``citations``, when given, the whole list of citations (same span: kept, its date text
    and note updated). ``add_citations`` adds to the event's citations (a span it already
    cites is a ``DuplicateCitation``) and ``remove_citations`` (citations or ids) removes
    from them (one that is no longer there is ``CitationGone``).

    ``base_version`` is the version the writer read (an int, a set of acceptable ones, or
    None for "whatever it is now"): another version is an ``EditConflict``. The event row is
    locked for the rest of the transaction. All or nothing; the version goes up by exactly one,
    and a write that changes nothing writes nothing (same version, same ETag, no history).
    """
    stored = None
    if event.pk is not None:
        stored = Event.objects.select_for_update().filter(pk=event.pk).first()
        if stored is None:
            raise Event.DoesNotExist(f"Event {event.pk} no longer exists.")
        if not _matches_version(stored.version, base_version):
            raise EditConflict(stored, base_version)
    plan = _plan(event, stored, actors, citations, add_citations, remove_citations)
    if stored is not None and plan.empty:
        for name in ("version", "created", "updated", "author_id"):
            setattr(event, name, getattr(stored, name))
        return event
    if missing_evidence({0: event.status}, {0: plan.cited}):
        raise EvidenceRequired(EVIDENCE_MESSAGE)

    if stored is None:
        if user is not None and user.is_authenticated and event.author_id is None:
            event.author = user
        event.version = 1
    else:
        # Claimed with a conditional UPDATE as well as the lock: of two writes from the same
        # version exactly one wins, on any database.
        if not Event.objects.filter(pk=stored.pk, version=stored.version).update(
            version=F("version") + 1
        ):
            raise EditConflict(Event.objects.get(pk=stored.pk), base_version)
        event.version = stored.version + 1
    _stamp(event, user, reason).save()

    # The same actor in another role is the same participant changed, not removed and added.
    dropped = {p.actor_id: p for p in plan.drop_parts}
    for choice in list(plan.add_parts):
        moved = dropped.pop(choice.actor.pk, None) if choice.actor is not None else None
        if moved is not None:
            moved.role = choice.role
            _stamp(moved, user, reason).save()
            plan.add_parts.remove(choice)
    for participation in dropped.values():
        _stamp(participation, user, reason).delete()
    made: dict[str, Actor] = {}
    for choice in plan.add_parts:
        actor = choice.actor
        if actor is None:
            key = choice.name.lower()
            if key not in made:
                when = event_date(event.date_start, event.date_end, event.date_precision)
                made[key] = _create_actor(choice, user, reason, when)
            actor = made[key]
            if event.participations.filter(actor=actor, role=choice.role).exists():
                continue
        _stamp(Participation(event=event, actor=actor, role=choice.role), user, reason).save()

    for citation in plan.drop_cites:
        _stamp(citation, user, reason).delete()
    for old, new in plan.change_cites:
        old.date_text, old.note = new.date_text or "", new.note or ""
        _stamp(old, user, reason).save()
    for new in plan.add_cites:
        try:
            with transaction.atomic():
                _stamp(_citation(event, new), user, reason).save(force_insert=True)
        except IntegrityError:
            # Only a write that did not lock the event can get here (the lock orders the rest).
            same_passage = Citation.objects.filter(event=event, passage_id=new.span[0])
            existing = same_passage.filter(start=new.span[1], end=new.span[2]).first()
            if existing is None:
                raise
            raise DuplicateCitation(existing) from None
    return event


def cite(event: Event, located: Located, date_text: str = "", note: str = "") -> Citation:
    """The bare insert of one citation, without the writer's lock, version or rules.

    For tests that set up data only: the app writes citations through ``save_event`` and
    ``add_citation``, the bulk import through its set-wise rules (``events.bulk``).
    """
    return Citation.objects.create(**_citation_values(event, located, date_text, note))


def _citation_values(event: Event, located: Located, date_text: str, note: str) -> dict:
    return {
        "event": event,
        "passage": located.passage,
        "quote": located.quote,
        "start": located.start,
        "end": located.end,
        "prefix": located.prefix,
        "suffix": located.suffix,
        "date_text": date_text or "",
        "note": note or "",
    }


def _citation(event: Event, new: NewCitation) -> Citation:
    pk = new.pk
    if pk is not None and Citation.objects.filter(pk=pk).exists():
        pk = None
    return Citation(pk=pk, **_citation_values(event, new.located, new.date_text, new.note))


def add_citation(
    event: Event, located: Located, date_text: str = "", note: str = "", *, user=None
) -> Citation:
    """Add one citation to ``event`` (the reader, the suggestion queue, the API), version + 1.

    A span the event already cites is a ``DuplicateCitation`` (and nothing is written).
    """
    save_event(
        Event.objects.get(pk=event.pk),
        add_citations=[NewCitation(located, date_text, note)],
        user=user,
    )
    return Citation.objects.get(
        event=event, passage=located.passage, start=located.start, end=located.end
    )


def uncite(citation_pk: int, *, user=None, base_version=None) -> Event:
    """Remove one citation; the second of two concurrent removals is ``CitationGone``."""
    event_id = Citation.objects.filter(pk=citation_pk).values_list("event_id", flat=True).first()
    if event_id is None:
        raise CitationGone(f"There is no citation {citation_pk} (it may have been removed).")
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event_id)
        return save_event(
            event, remove_citations=[citation_pk], base_version=base_version, user=user
        )


@transaction.atomic
def delete_event(event: Event, *, base_version=None, user=None) -> None:
    """Delete the event with its participants and citations, if still at ``base_version``.

    Its history keeps the deletion (by ``user``, else the request's) and every version
    before it: ``events.history.restore`` brings it back."""
    stored = Event.objects.select_for_update().get(pk=event.pk)
    if not _matches_version(stored.version, base_version):
        raise EditConflict(stored, base_version)
    _stamp(stored, user, "").delete()
