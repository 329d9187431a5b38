"""Proposals for a source, matched against the events already recorded.

Proposals are computed, not stored: they depend only on the source's text and reference date
and on the actors' spellings, and computing them takes well under a second for a long article
(``bench/suggest.py``). The result is cached under those inputs; importing a source computes
it at once (``source_imported``). What changes as analysts work is read at request time, in a
fixed number of queries: which sentences are already cited ("done"), which events a proposal
corroborates, which sentences were dismissed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import IntegrityError, transaction

from events.models import Actor, Alias, Citation, Event
from events.positions import load_title_book
from events.services import CitationError, Located, add_citation, locate
from sources.models import Passage, Source

from .extract import (
    ActorRef,
    Lexicon,
    PassageData,
    Proposal,
    SelectionDate,
    date_for_selection,
    extract,
)
from .models import Dismissal
from .titles import with_title_holders

CACHE_SECONDS = 24 * 3600


def source_reference(source: Source) -> dt.date:
    """The date bare dates in the source are read against."""
    return source.dates_read_against or source.imported_at.date()


def load_lexicon() -> Lexicon:
    """Every actor's name and aliases (two queries)."""
    actors = {
        a.pk: ActorRef(a.pk, a.name, a.slug, a.kind)
        for a in Actor.objects.only("pk", "name", "slug", "kind")
    }
    spellings = [(ref.name, ref) for ref in actors.values()]
    spellings += [
        (name, actors[actor_id])
        for actor_id, name in Alias.objects.values_list("actor_id", "name")
        if actor_id in actors
    ]
    return Lexicon(spellings)


def passages_of(source: Source) -> list[PassageData]:
    return [
        PassageData(p.pk, p.index, p.text)
        for p in Passage.objects.filter(source=source).only("pk", "index", "text")
    ]


def proposals_for_source(
    source: Source, lexicon: Lexicon | None = None, passages: list[PassageData] | None = None
) -> list[Proposal]:
    """Every proposal in ``source``, from the cache when its inputs have not changed."""
    lexicon = lexicon or load_lexicon()
    passages = passages if passages is not None else passages_of(source)
    reference = source_reference(source)
    # Proposals carry passage and actor ids: the key covers them as well as the text.
    ids = hashlib.sha256(",".join(str(p.id) for p in passages).encode()).hexdigest()[:16]
    titles = load_title_book()  # "the Russian Defense Minister": its holder at the date
    key = (
        f"suggestions:v2:{source.sha256}:{ids}:{reference.isoformat()}:{lexicon.fingerprint}"
        f":{titles.fingerprint}"
    )
    found = cache.get(key)
    if found is None:
        found = with_title_holders(extract(passages, reference, lexicon), titles, lexicon)
        cache.set(key, found, CACHE_SECONDS)
    return found


def selection_date(
    source: Source,
    index: int,
    start: int,
    end: int,
    at: tuple[int, int, int] | None = None,
) -> SelectionDate | None:
    """The date of a selection in passage ``index`` of ``source`` (one query), read as the
    proposals read it; ``at`` names the date expression a proposal chose."""
    return date_for_selection(passages_of(source), source_reference(source), index, start, end, at)


# --- Review: proposals against the events recorded ----------------------------------------


@dataclass
class Review:
    proposal: Proposal
    passage: Passage
    # Events that already cite this sentence: the proposal is done.
    cited_by: list[Event] = field(default_factory=list)
    # Events whose dates overlap and that share actors: add the citation there.
    corroborates: list[Event] = field(default_factory=list)
    # Other events whose dates overlap: choices for "add to an existing event".
    overlapping: list[Event] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.cited_by:
            return "done"
        if self.corroborates:
            return "corroboration"
        return "new"


def _shares_actors(proposal: Proposal, actor_ids: set[int], kinds: dict[int, str]) -> bool:
    """At least one person or organization in common, or two actors of any kind."""
    shared = {ref.id for ref in proposal.actor_refs} & actor_ids
    return any(kinds[i] in {"person", "organization"} for i in shared) or len(shared) >= 2


def corroborated(proposal: Proposal, events: list[Event]) -> list[Event]:
    """The events whose date interval overlaps the proposal's and that share its actors.

    Uses the events' prefetched participations: no query.
    """
    first, last = proposal.interval
    kinds = {ref.id: ref.kind for ref in proposal.actor_refs}
    matches = []
    for event in events:
        if event.span_start is None or event.span_end is None:  # undated: both or neither
            continue
        if event.span_end < first or event.span_start > last:
            continue
        actor_ids = {p.actor_id for p in event.participations.all()}
        if _shares_actors(proposal, actor_ids, kinds):
            matches.append(event)
    return matches


def review(source: Source, include_dismissed: bool = False) -> list[Review]:
    """The queue of ``source``: every proposal not dismissed, with its standing.

    A fixed number of queries however many proposals: passages, actors, aliases, dismissals,
    citations of the source, and the events overlapping the proposals with their participants.
    """
    passages = list(Passage.objects.filter(source=source).order_by("index"))
    by_id = {p.pk: p for p in passages}
    proposals = proposals_for_source(
        source, passages=[PassageData(p.pk, p.index, p.text) for p in passages]
    )
    dismissed = set(
        Dismissal.objects.filter(passage__source=source).values_list("passage_id", "start", "end")
    )
    if not include_dismissed:
        proposals = [p for p in proposals if (p.passage_id, p.start, p.end) not in dismissed]
    citations = list(
        Citation.objects.filter(passage__source=source).select_related("event").order_by("pk")
    )
    events: list[Event] = []
    if proposals:
        first = min(p.interval[0] for p in proposals)
        last = max(p.interval[1] for p in proposals)
        events = list(
            Event.objects.overlapping(first, last)
            .prefetch_related("participations")
            .order_by("span_start", "pk")
        )
    reviews = []
    for proposal in proposals:
        cited_by = list(
            {
                c.event_id: c.event
                for c in citations
                if c.passage_id == proposal.passage_id
                and c.start < proposal.end
                and proposal.start < c.end
            }.values()
        )
        matches = [] if cited_by else corroborated(proposal, events)
        first, last = proposal.interval
        reviews.append(
            Review(
                proposal=proposal,
                passage=by_id[proposal.passage_id],
                cited_by=cited_by,
                corroborates=matches,
                overlapping=[
                    e
                    for e in events
                    if e not in matches
                    and e.span_start is not None
                    and e.span_end is not None
                    and e.span_start <= last
                    and first <= e.span_end
                ],
            )
        )
    return reviews


# --- Actions ---------------------------------------------------------------------------------


class SuggestionError(ValueError):
    """An action on a proposal that cannot be done; the message says why."""


def find_proposal(
    source: Source, passage_id: int, start: int, end: int, date: int | None = None
) -> Proposal:
    """The proposal of a sentence; ``date`` (the offset of its date expression) picks one
    when the sentence proposes several events, one per date."""
    for proposal in proposals_for_source(source):
        if (proposal.passage_id, proposal.start, proposal.end) == (passage_id, start, end) and (
            date is None or proposal.date.start == date
        ):
            return proposal
    raise SuggestionError(
        "This sentence is not among the source's proposals (the page may be out of date): "
        "reload the queue."
    )


def locate_proposal(source: Source, proposal: Proposal) -> Located:
    """The proposal's sentence as a verbatim citation, checked by ``events.services.locate``."""
    try:
        return locate(source, proposal.quote, proposal.passage_index, proposal.start, proposal.end)
    except CitationError as exc:
        raise SuggestionError(str(exc)) from None


@transaction.atomic
def add_to_event(source: Source, proposal: Proposal, event: Event) -> Citation:
    """Cite the proposal's sentence on ``event``; the event's version goes up by one."""
    located = locate_proposal(source, proposal)
    if Citation.objects.filter(
        event=event, passage=located.passage, start=located.start, end=located.end
    ).exists():
        raise SuggestionError(f"“{event.title}” already cites this sentence.")
    # Only a date the cited sentence writes is stored as the source's; one taken from
    # elsewhere is said in the note, for review.
    note = f"Check the date: {proposal.date_origin}." if proposal.needs_review else ""
    return add_citation(event, located, date_text=proposal.date_text, note=note)


def dismiss(proposal: Proposal, user=None) -> Dismissal:
    """Remember that the proposal was dismissed (dismissing twice is one dismissal)."""
    try:
        with transaction.atomic():
            dismissal, _ = Dismissal.objects.get_or_create(
                passage_id=proposal.passage_id,
                start=proposal.start,
                end=proposal.end,
                defaults={"user": user if user is not None and user.is_authenticated else None},
            )
    except IntegrityError:  # dismissed at the same moment by someone else
        dismissal = Dismissal.objects.get(
            passage_id=proposal.passage_id, start=proposal.start, end=proposal.end
        )
    return dismissal
