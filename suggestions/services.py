"""Proposals for a source, matched against the events already recorded.

Proposals are computed, not stored: they depend only on the source's text and reference date
and on the actors' spellings, and computing them takes well under a second for a long article
(``bench/suggest.py``). The result is cached under those inputs; importing a source computes
it at once (``source_imported``). What changes as analysts work is read at request time, in a
fixed number of queries: which sentences are already cited ("done"), which events a proposal
corroborates (for the proposals a page shows: ``standings``, then ``enrich``), which sentences
were dismissed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction

from events.models import Actor, Alias, Citation, Event
from events.positions import load_title_book
from events.services import CitationError, Located, add_citation, locate
from lib.dates import Reference
from lib.datesearch import Refusal
from sources.models import Passage, Source

from .extract import (
    ActorRef,
    Extraction,
    Lexicon,
    PassageData,
    Proposal,
    SelectionDate,
    Unread,
    date_for_selection,
    read_proposals,
)
from .models import Dismissal
from .titles import with_title_holders

CACHE_SECONDS = 24 * 3600


def source_reference(source: Source) -> Reference:
    """What the source's dates are read against: its own date as far as it is known
    (``Source.date_reference``); an undated source lends its bare dates the year it was
    imported, and nothing is counted from it ("on Monday" is refused)."""
    reference = source.date_reference()
    if not reference.known:
        return Reference(source.imported_at.date(), known=False, source=source.pk)
    return reference


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
    return extraction_for_source(source, lexicon, passages).proposals


def extraction_for_source(
    source: Source, lexicon: Lexicon | None = None, passages: list[PassageData] | None = None
) -> Extraction:
    """The proposals of ``source`` and its sentences whose date is refused (``Unread``),
    from the cache when its inputs have not changed."""
    lexicon = lexicon or load_lexicon()
    passages = passages if passages is not None else passages_of(source)
    reference = source_reference(source)
    # Proposals carry passage and actor ids: the key covers them as well as the text.
    ids = hashlib.sha256(",".join(str(p.id) for p in passages).encode()).hexdigest()[:16]
    titles = load_title_book()  # "the Russian Defense Minister": its holder at the date
    key = (
        f"suggestions:v7:{source.sha256}:{ids}:{reference.key}:{lexicon.fingerprint}"
        f":{titles.fingerprint}"
    )
    found = cache.get(key)
    if found is None:
        read = read_proposals(passages, reference, lexicon)
        found = Extraction(with_title_holders(read.proposals, titles, lexicon), read.unread)
        cache.set(key, found, CACHE_SECONDS)
    return found


def selection_date(
    source: Source,
    index: int,
    start: int,
    end: int,
    at: tuple[int, int, int] | None = None,
) -> SelectionDate | Refusal | None:
    """The date of a selection in passage ``index`` of ``source`` (one query), read as the
    proposals read it; ``at`` names the date expression a proposal chose; a ``Refusal`` when
    the date the selection writes cannot be read."""
    return date_for_selection(passages_of(source), source_reference(source), index, start, end, at)


# --- Review: proposals against the events recorded ----------------------------------------


class Cited(NamedTuple):
    """An event citing a proposal's sentence: what the queue shows of it (its link)."""

    pk: int
    title: str


@dataclass
class Review:
    proposal: Proposal
    passage: Passage
    # Events that already cite this sentence: the proposal is done (``review_source``).
    cited_by: list[Cited] = field(default_factory=list)
    # Events that cite this sentence for the dates of its other proposals only: a sentence
    # may report two events ("arrived on June 20 ... signed on June 22"), and citing it for
    # one is not citing it for the other.
    cited_for_other_dates: list[Cited] = field(default_factory=list)
    # Events whose dates overlap and that share actors: add the citation there.
    corroborates: list[Event] = field(default_factory=list)
    # Other events whose dates overlap, those sharing an actor first: choices for "add to an
    # existing event" (at most ``EVENTS_PER_PROPOSAL``); with a date to check, the events it
    # corroborates first.
    overlapping: list[Event] = field(default_factory=list)
    # Whether ``corroborates`` and ``overlapping`` were read (``enrich``): a queue reads them
    # for the proposals of the page it shows only.
    enriched: bool = False

    @property
    def one_click(self) -> bool:
        """Whether "Add to" each corroborated event is a button of its own: not when the
        date is not the sentence's own or is to be checked ("has visited Russia numerous
        times" under a chronology entry's date would cite it on every event of that day);
        then they are the first choices of the deliberate "Add to" list."""
        return not self.proposal.needs_review

    @property
    def done(self) -> bool:
        """Already cited (``cited_by``): known before ``enrich``, which the open ones need."""
        return bool(self.cited_by)

    @property
    def status(self) -> str:
        if self.cited_by:
            return "done"
        if not self.enriched:
            # "new" would be a guess: the events it corroborates were not read.
            raise ValueError("An open proposal's standing needs enrich() first.")
        if self.corroborates:
            return "corroboration"
        return "new"


# At most this many events per proposal it corroborates, and as many other events of its dates
# (the choices of "add to an existing event"), those sharing one of its actors first.
EVENTS_PER_PROPOSAL = 20


@dataclass
class SourceReview:
    reviews: list[Review]
    # Sentences naming an actor whose date is refused, not cited yet: said, not proposed.
    unread: list[Unread]


def review(source: Source, include_dismissed: bool = False) -> list[Review]:
    """The queue of ``source``: every proposal not dismissed, with its standing."""
    return review_source(source, include_dismissed).reviews


def review_source(source: Source, include_dismissed: bool = False) -> SourceReview:
    """The queue of ``source``: every proposal not dismissed, with its standing, and the
    sentences whose date could not be read (``Unread``) that no event cites yet.

    ``standings`` then ``enrich`` of every proposal: a fixed number of queries however many
    proposals, but reading their events takes time in proportion (most of a long report's
    review); a page of the queue or of its API enriches only the proposals it shows.
    """
    found = standings(source, include_dismissed)
    enrich(found.reviews)
    return found


def standings(source: Source, include_dismissed: bool = False) -> SourceReview:
    """Every proposal of ``source`` not dismissed with what the source's own rows tell of
    it: the events citing its sentence (``cited_by``: done; ``cited_for_other_dates``), and
    the sentences whose date could not be read that no event cites yet. Which events an open
    proposal corroborates or overlaps is not read: ``enrich`` the ones shown.

    A fixed number of queries, none per proposal: passages, actors, aliases, title holders
    and their aliases (for the cached proposals' key), dismissals, citations of the source.
    """
    passages = list(Passage.objects.filter(source=source).order_by("index"))
    by_id = {p.pk: p for p in passages}
    extraction = extraction_for_source(
        source, passages=[PassageData(p.pk, p.index, p.text) for p in passages]
    )
    proposals = extraction.proposals
    dismissed = set(
        Dismissal.objects.filter(passage__source=source).values_list("passage_id", "start", "end")
    )
    if not include_dismissed:
        proposals = [p for p in proposals if (p.passage_id, p.start, p.end) not in dismissed]
    # The source's citations by passage, as plain rows (a source cited by thousands of
    # events is read in a fraction of the time of as many model instances).
    citations: dict[int, list[tuple[int, int, int, str, dt.date | None, dt.date | None]]] = {}
    for passage_id, start, end, event_id, title, span_start, span_end in (
        Citation.objects.filter(passage__source=source)
        .order_by("pk")
        .values_list(
            "passage_id",
            "start",
            "end",
            "event_id",
            "event__title",
            "event__span_start",
            "event__span_end",
        )
    ):
        citations.setdefault(passage_id, []).append(
            (start, end, event_id, title, span_start, span_end)
        )
    # For each proposal, the events citing its sentence and whether their dates meet the
    # proposal's; for each sentence, the events whose dates meet one of its proposals.
    citing: list[dict[int, tuple[str, bool]]] = []
    explained: dict[tuple[int, int, int], set[int]] = {}
    for proposal in proposals:
        rows = citations.get(proposal.passage_id)
        cites: dict[int, tuple[str, bool]] = {}
        if rows:  # (a proposal's interval is worked out, not stored: only when needed)
            first, last = proposal.interval
            cites = {
                event_id: (
                    title,
                    span_start is None
                    or span_end is None
                    or (span_start <= last and first <= span_end),
                )
                for start, end, event_id, title, span_start, span_end in rows
                if start < proposal.end and proposal.start < end
            }
        citing.append(cites)
        sentence = explained.setdefault((proposal.passage_id, proposal.start, proposal.end), set())
        sentence.update(pk for pk, (_title, meets) in cites.items() if meets)
    reviews = []
    for proposal, cites in zip(proposals, citing, strict=True):
        # Done: an event citing the sentence meets the proposal's dates, or one meets none of
        # the sentence's proposals (its date is the analyst's reading, not one proposed).
        # Left open: a sentence cited only for its other dates ("arrived on June 20 ...
        # signed on June 22", cited for the arrival: the signing is still to review).
        sentence = explained[(proposal.passage_id, proposal.start, proposal.end)]
        if any(meets or pk not in sentence for pk, (_title, meets) in cites.items()):
            cited_by, other_dates = [Cited(pk, title) for pk, (title, _) in cites.items()], []
        else:
            cited_by, other_dates = [], [Cited(pk, title) for pk, (title, _) in cites.items()]
        reviews.append(
            Review(
                proposal=proposal,
                passage=by_id[proposal.passage_id],
                cited_by=cited_by,
                cited_for_other_dates=other_dates,
            )
        )
    unread = [
        u
        for u in extraction.unread
        if not any(
            start < u.end and u.start < end for start, end, *_ in citations.get(u.passage_id, [])
        )
    ]
    return SourceReview(reviews, unread)


def enrich(reviews: list[Review]) -> list[Review]:
    """Read, for each of ``reviews`` (from ``standings``), the events it corroborates and
    the others of its dates to add it to; each is read as in the review of every proposal
    (a proposal's events do not depend on the others asked with it). Three queries however
    many (``events_for``, ``events_of_dates``, those events), none for none."""
    proposals = [item.proposal for item in reviews]
    found = events_for(proposals)
    of_dates = events_of_dates(proposals)
    events = Event.objects.in_bulk(
        {pk for rows in found for pk, _strong in rows} | {pk for pks in of_dates for pk in pks}
    )
    for item, rows, dated in zip(reviews, found, of_dates, strict=True):
        proposal = item.proposal
        matches = (
            []
            if item.cited_by
            else _closest_first([pk for pk, strong in rows if strong], proposal, events)
        )
        # Add to another event: those sharing an actor first, then the other events of the
        # dates (a sentence may name none of its event's actors: "talks with him").
        others = [pk for pk, _strong in rows if pk not in matches]
        if proposal.needs_review:
            others = matches + others
        # (the latest of its dates, shown oldest first as the others are)
        others += [pk for pk in reversed(dated) if pk not in matches and pk not in others]
        item.corroborates = [events[pk] for pk in matches]
        item.overlapping = [events[pk] for pk in others[:EVENTS_PER_PROPOSAL]]
        item.enriched = True
    return reviews


def _closest_first(pks: list[int], proposal: Proposal, events: dict) -> list[int]:
    """The events ``pks`` a proposal corroborates, the likeliest first: those of its type,
    then those whose dates are nearest its own (a reviewer's first "Add to" was a month's
    interviews, the conference of that very day last of twelve); ties as found."""
    first, last = proposal.interval

    def distance(pk: int) -> tuple[bool, int]:
        event = events[pk]
        apart = abs((event.span_start - first).days) + abs((event.span_end - last).days)
        return event.type != proposal.type, apart

    return sorted(pks, key=distance)


def events_of_dates(proposals: list[Proposal]) -> list[list[int]]:
    """For each proposal, the last ``EVENTS_PER_PROPOSAL`` events (by the start of their
    interval) whose date interval overlaps its own. One query: on PostgreSQL each proposal's
    from the interval index (``event_span_idx``) walked back from the proposal's end and
    stopping at the limit (LATERAL); on SQLite every overlapping event is ranked."""
    found: list[list[int]] = [[] for _ in proposals]
    if not proposals:
        return found
    postgres = connection.vendor == "postgresql"
    row = "(%s::int, %s::date, %s::date)" if postgres else "(%s, %s, %s)"
    values = ", ".join([row] * len(proposals))
    params = [value for i, p in enumerate(proposals) for value in (i, *p.interval)]
    wanted = f"WITH wanted (idx, first, last) AS (VALUES {values})"
    if postgres:
        sql = f"""{wanted}
            SELECT w.idx, e.id FROM wanted w CROSS JOIN LATERAL (
              SELECT id FROM events_event
              WHERE span_start <= w.last AND span_end >= w.first
              ORDER BY span_start DESC, span_end DESC, id DESC LIMIT %s
            ) e"""
    else:
        sql = f"""{wanted}
            SELECT idx, id FROM (
              SELECT w.idx, e.id, row_number() OVER (
                PARTITION BY w.idx ORDER BY e.span_start DESC, e.span_end DESC, e.id DESC) AS n
              FROM wanted w JOIN events_event e
                ON e.span_start <= w.last AND e.span_end >= w.first
            ) ranked WHERE n <= %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, EVENTS_PER_PROPOSAL])
        for idx, event_id in cursor.fetchall():
            found[idx].append(event_id)
    return found


# The longest event a proposal corroborates whatever its own length, in days: a visit, a
# conference, a month's talks; an event longer than the proposal's interval and this is a
# period ("1999-2018"), not corroborated by one sentence of it.
CORROBORATED_DAYS = 31


def events_for(proposals: list[Proposal]) -> list[list[tuple[int, bool]]]:
    """For each proposal, the events whose date interval overlaps its own and that share at
    least one of its actors: (event id, whether it corroborates the proposal), those it
    corroborates first, then by date; at most ``EVENTS_PER_PROPOSAL``. One query.

    It corroborates an event with a person or organization in common, or two actors
    (``_shares_actors``), whose interval is no longer than the proposal's or a month
    (``CORROBORATED_DAYS``): a sentence of 2015 does not corroborate "arms purchases,
    1999-2018" (a one-click "Add to" would cite it for twenty years' figures); such an
    event is among the choices of "add to an existing event". Read from the participants'
    copy of their event's interval, by
    actor (``participation_actor_span_idx``): at a million events the events of a year are
    tens of thousands, of which a proposal's actors take part in a few.
    """
    wanted = [
        (i, ref.id, first, last, ref.kind in {"person", "organization"})
        for i, proposal in enumerate(proposals)
        for first, last in [proposal.interval]
        for ref in {ref.id: ref for ref in proposal.actor_refs}.values()
    ]
    found: list[list[tuple[int, bool]]] = [[] for _ in proposals]
    if not wanted:
        return found
    postgres = connection.vendor == "postgresql"
    row = (
        "(%s::int, %s::bigint, %s::date, %s::date, %s::boolean)"
        if postgres
        else "(%s, %s, %s, %s, %s)"
    )
    values = ", ".join([row] * len(wanted))
    params = [value for item in wanted for value in item]
    any_strong = "bool_or(w.strong)" if postgres else "max(w.strong)"
    if postgres:
        narrow = "min(p.span_end) - min(p.span_start) <= greatest(max(w.last - w.first), %s)"
    else:
        narrow = """julianday(min(p.span_end)) - julianday(min(p.span_start))
                    <= max(max(julianday(w.last) - julianday(w.first)), %s)"""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH wanted (idx, actor_id, first, last, strong) AS (VALUES {values}),
                shared AS (
                  SELECT w.idx, p.event_id,
                    ({any_strong} OR count(DISTINCT w.actor_id) >= 2) AND {narrow} AS strong,
                    min(p.span_start) AS start
                  FROM wanted w JOIN events_participation p ON p.actor_id = w.actor_id
                    AND p.span_start <= w.last AND p.span_end >= w.first
                  GROUP BY w.idx, p.event_id
                )
                SELECT idx, event_id, strong FROM (
                  SELECT idx, event_id, strong, row_number() OVER (
                    PARTITION BY idx ORDER BY strong DESC, start, event_id) AS n
                  FROM shared
                ) ranked
                WHERE n <= %s
                ORDER BY idx, n""",
            [*params, CORROBORATED_DAYS, EVENTS_PER_PROPOSAL],
        )
        for idx, event_id, is_strong in cursor.fetchall():
            found[idx].append((event_id, bool(is_strong)))
    return found


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
