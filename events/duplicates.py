"""Possible duplicates: recorded events likely the same as a candidate event.

A candidate is a date interval, its actors and a text (its title, or the cited sentence).
An existing event is a possible duplicate when its date interval overlaps the candidate's and
it shares a person or an organization with it, or two actors of any kind (a country alone is
in most events), or at least two of its title's words; the most alike come first. One query,
whatever the number of events: the interval filter uses ``event_span_idx``, the shared actors
``participation_actor_idx``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from lib.dates import DateTextError, Reference, interval, parse_date_text

from .models import ActorKind, Event, Participation
from .models import actor_ids_named as ids_named

LIMIT = 5
MAX_WORDS = 12
_WORD = re.compile(r"[^\W\d_][\w'’-]{3,}")
# Words too common in this domain's titles to say two events are alike.
STOPWORDS = frozenset(
    [
        "about",
        "after",
        "against",
        "also",
        "among",
        "been",
        "before",
        "between",
        "both",
        "from",
        "have",
        "into",
        "more",
        "over",
        "said",
        "says",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "with",
        "were",
        "what",
        "when",
        "which",
        "while",
        "will",
        "would",
        "russia",
        "russian",
        "myanmar",
        "event",
        "events",
        "visit",
        "visits",
        "meets",
        "meeting",
        "talks",
        "holds",
    ]
)


@dataclass(frozen=True)
class Candidate:
    first: dt.date
    last: dt.date
    actor_ids: tuple[int, ...] = ()
    text: str = ""


# Actors whose presence in both events suggests the same happening on its own.
TELLING_KINDS = (ActorKind.PERSON, ActorKind.ORGANIZATION)


def title_words(text: str) -> list[str]:
    """The distinctive words of ``text``, lower case, each once, at most ``MAX_WORDS``."""
    words: list[str] = []
    for match in _WORD.finditer(text or ""):
        word = match.group(0).lower().replace("’", "'")
        word = word.removesuffix("'s")
        if len(word) >= 4 and word not in STOPWORDS and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def possible_duplicates(candidate: Candidate, events=None, exclude: int | None = None) -> list:
    """Up to ``LIMIT`` events of ``events`` (default all) likely the same as ``candidate``."""
    events = Event.objects.all() if events is None else events
    words = title_words(candidate.text)
    shared = (
        Participation.objects.filter(event_id=OuterRef("pk"), actor_id__in=candidate.actor_ids)
        .order_by()
        .values("event_id")
        .annotate(n=Count("actor_id", distinct=True))
        .values("n")
    )
    # A country or a place is in most events of this archive: alone it says nothing, as in the
    # suggestions' corroboration (one person or organization in common, or two actors).
    shared_telling = shared.filter(actor__kind__in=TELLING_KINDS)
    word_hits = sum(
        (SqlCase(When(title__icontains=word, then=Value(1)), default=Value(0)) for word in words),
        Value(0),
    )
    qs = (
        events.overlapping(candidate.first, candidate.last)
        .annotate(
            shared_actors=Coalesce(Subquery(shared, output_field=IntegerField()), 0)
            if candidate.actor_ids
            else Value(0),
            shared_telling=Coalesce(Subquery(shared_telling, output_field=IntegerField()), 0)
            if candidate.actor_ids
            else Value(0),
            shared_words=word_hits,
        )
        .filter(Q(shared_telling__gte=1) | Q(shared_actors__gte=2) | Q(shared_words__gte=2))
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return list(
        qs.order_by("-shared_telling", "-shared_actors", "-shared_words", "span_start", "pk").only(
            "pk",
            "title",
            "date_start",
            "date_end",
            "date_precision",
            "date_approximate",
            "span_start",
            "span_end",
        )[:LIMIT]
    )


def candidate_from_text(
    date_text: str,
    reference: dt.date | Reference,
    actor_names: Iterable[str] = (),
    text: str = "",
) -> Candidate | None:
    """A candidate from a date as written, actor names and a text; None without a readable
    date (the date interval is what makes two events comparable)."""
    try:
        parsed = parse_date_text(date_text or "", reference)
    except DateTextError:
        return None
    if parsed is None:
        return None
    first, last = interval(parsed.start, parsed.end, parsed.precision)
    return Candidate(first, last, actor_ids_named(actor_names), text)


def candidate_from_fields(
    start: dt.date | None,
    end: dt.date | None,
    precision: str | None,
    actor_names: Iterable[str] = (),
    text: str = "",
) -> Candidate | None:
    """A candidate from explicit date fields (start, end, precision); None without a start."""
    if start is None:
        return None
    first, last = interval(start, end, precision or "day")
    return Candidate(first, last, actor_ids_named(actor_names), text)


def actor_ids_named(names: Iterable[str]) -> tuple[int, ...]:
    """The pks of the actors named (by name, slug or alias) in ``names``: one query."""
    names = {n.strip() for n in names if n and n.strip()}
    if not names:
        return ()
    return tuple(sorted(set(ids_named(names).values_list("pk", flat=True))))


def candidate_from_event(event: Event) -> Candidate | None:
    """The candidate a saved event makes (its span, actors and title); None when undated."""
    if event.span_start is None or event.span_end is None:  # both are set, or neither
        return None
    actor_ids = tuple(event.participations.values_list("actor_id", flat=True).distinct())
    return Candidate(event.span_start, event.span_end, actor_ids, event.title)
