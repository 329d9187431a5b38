"""Writes that span models: every citation is made here."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
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


def cite(event: Event, located: Located, date_text: str = "", note: str = "") -> Citation:
    """Create a citation; the database checks the quote again."""
    return Citation.objects.create(
        event=event,
        passage=located.passage,
        quote=located.quote,
        start=located.start,
        end=located.end,
        prefix=located.prefix,
        suffix=located.suffix,
        date_text=date_text or "",
        note=note or "",
    )


# The event form and cite-while-reading -----------------------------------------------------


class EditConflict(Exception):
    """Someone else saved the event after ``base_version``: nothing was written."""

    def __init__(self, event: Event, base_version: int | None) -> None:
        super().__init__(
            f"Event {event.pk} is at version {event.version}, not {base_version}: "
            "another analyst saved it in between."
        )
        self.event = event
        self.base_version = base_version


@dataclass(frozen=True)
class NewCitation:
    located: Located
    date_text: str = ""
    note: str = ""


def _claim_version(event: Event, base_version: int | None) -> None:
    """Take the next version of ``event`` if it is still at ``base_version`` (or any, if None).

    One conditional UPDATE: of two concurrent saves from the same version, exactly one wins.
    """
    rows = Event.objects.filter(pk=event.pk)
    if base_version is not None:
        rows = rows.filter(version=base_version)
    if not rows.update(version=F("version") + 1):
        raise EditConflict(Event.objects.get(pk=event.pk), base_version)
    event.version = Event.objects.filter(pk=event.pk).values_list("version", flat=True).get()


def _actor_for(choice, created: dict[str, Actor]) -> Actor:
    if choice.actor is not None:
        return choice.actor
    key = choice.name.lower()
    if key not in created:
        base = slugify(choice.name)[:190] or "actor"
        slug, n = base, 2
        while Actor.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        actor = Actor(name=choice.name, kind=choice.kind, slug=slug)
        actor.full_clean()
        actor.save()
        for alias in choice.aliases:
            Alias.objects.create(actor=actor, name=alias)
        created[key] = actor
    return created[key]


def _changes(event: Event, actors, add_citations, remove_citations) -> bool:
    """Whether saving would change the stored event, its participants or its citations."""
    if add_citations or remove_citations:
        return True
    stored = Event.objects.filter(pk=event.pk).values(*EVENT_FIELDS).first()
    if stored is None or any(stored[name] != getattr(event, name) for name in EVENT_FIELDS):
        return True
    if actors is None:
        return False
    if any(choice.actor is None for choice in actors):
        return True
    wanted = {(choice.actor.pk, choice.role) for choice in actors}
    return wanted != set(event.participations.values_list("actor_id", "role"))


@transaction.atomic
def save_event(
    event: Event,
    *,
    actors: list | None = None,
    add_citations: Sequence[NewCitation] = (),
    remove_citations: Sequence[Citation] = (),
    base_version: int | None = None,
    user=None,
) -> Event:
    """Create or change ``event`` (its fields already set), its actors and its citations.

    ``actors`` (``events.forms.ActorChoice``: an existing actor or a new one to create, with a
    role) replaces the participants when given. Editing needs ``base_version``, the version the
    form was loaded from: if someone saved since, ``EditConflict`` and nothing is written.
    All or nothing, and the event's version goes up by exactly one; a save that changes
    nothing writes nothing (so it takes no version and can't conflict).
    """
    if event.pk is not None and not _changes(event, actors, add_citations, remove_citations):
        event.refresh_from_db()
        return event
    if event.pk is None:
        if user is not None and user.is_authenticated and event.author_id is None:
            event.author = user
        event.version = 1
        event.save()
    else:
        _claim_version(event, base_version)
        event.save()
    if actors is not None:
        created: dict[str, Actor] = {}
        wanted = [(_actor_for(choice, created), choice.role) for choice in actors]
        current = {(p.actor_id, p.role): p for p in event.participations.all()}
        keep = {(actor.pk, role) for actor, role in wanted}
        for key, participation in current.items():
            if key not in keep:
                participation.delete()
        for actor, role in wanted:
            if (actor.pk, role) not in current:
                Participation.objects.create(event=event, actor=actor, role=role)
    for citation in remove_citations:
        if citation.event_id != event.pk:
            raise CitationError(f"Citation {citation.pk} belongs to another event.")
        citation.delete()
    for new in add_citations:
        cite(event, new.located, date_text=new.date_text, note=new.note)
    if event.status == Status.PUBLISHED and not event.citations.exists():
        raise CitationError(
            "A published event needs at least one citation: add one, or save it as a draft."
        )
    return event


@transaction.atomic
def add_citation(event: Event, located: Located, date_text: str = "", note: str = "") -> Citation:
    """Cite ``located`` on ``event`` (from the source reader), bumping its version once."""
    _claim_version(event, None)
    event.save(update_fields=["version", "updated"])
    return cite(event, located, date_text=date_text, note=note)
