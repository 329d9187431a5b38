"""The review queue of a source's proposals: accept, add to an event, dismiss (analysts only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.access import analyst_required
from events.models import Event
from events.services import DuplicateCitation
from lib.htmx import HtmxHttpRequest, for_htmx
from lib.inputs import whole_number
from lib.paging import found_or_404, page_of
from sources.models import Source

from .extract import Proposal, Unread
from .services import (
    Review,
    SuggestionError,
    add_to_event,
    dismiss,
    enrich,
    find_proposal,
    source_reference,
    standings,
)

CONTEXT_CHARS = 240


@dataclass
class Piece:
    text: str
    kind: str = ""  # "", "sentence", "date", "actor"


def pieces(item: Review) -> list[Piece]:
    """The passage around the sentence, cut at the sentence, date and actor offsets.

    Built from offsets only; the template escapes every piece.
    """
    p = item.proposal
    text = item.passage.text
    marks: list[tuple[int, int, str]] = [(m.start, m.end, "actor") for m in p.actors]
    if not p.inherited:
        marks.append((p.date.start, p.date.end, "date"))
    marks = sorted(m for m in marks if p.start <= m[0] < m[1] <= p.end)
    first = max(0, p.start - CONTEXT_CHARS)
    last = min(len(text), p.end + CONTEXT_CHARS)
    out = [Piece(("…" if first else "") + text[first : p.start])]
    cursor = p.start
    for start, end, kind in marks:
        if start < cursor:  # overlapping marks: keep the first
            continue
        out += [Piece(text[cursor:start], "sentence"), Piece(text[start:end], kind)]
        cursor = end
    out += [
        Piece(text[cursor : p.end], "sentence"),
        Piece(text[p.end : last] + ("…" if last < len(text) else "")),
    ]
    return [piece for piece in out if piece.text]


def accept_url(p: Proposal, back: str = "") -> str:
    """The event form, prefilled (its GET contract: passage, start, end, date_text or date_at,
    type, actor; ``next``: where to go once saved)."""
    if p.needs_review or p.date.relative:
        # Not a date the sentence writes as such: the form reads it from where it is, and
        # says so.
        date = ("date_at", f"{p.date_passage_index}:{p.date.start}:{p.date.end}")
    else:
        date = ("date_text", p.date.text)
    names = [ref.name for ref in p.actor_refs]
    return _new_event_url(p.passage_id, p.start, p.end, [date, ("type", p.type)], names, back)


def unread_url(u: Unread, back: str = "") -> str:
    """The event form for a sentence whose date is refused: the citation and actors, the date
    left for the analyst (the form says why)."""
    names = list(dict.fromkeys(m.actor.name for m in u.actors))
    return _new_event_url(u.passage_id, u.start, u.end, [], names, back)


def _new_event_url(
    passage_id: int, start: int, end: int, fields: list, names: list[str], back: str
) -> str:
    """The prefill link: the citation, ``fields`` (date, type), the actors and ``next``."""
    query: list[tuple[str, str | int]] = [("passage", passage_id), ("start", start), ("end", end)]
    query += fields + [("actor", name) for name in names]
    if back:
        query.append(("next", back))
    return f"{reverse('event-new')}?{urlencode(query)}"


@dataclass
class UnreadItem:
    unread: Unread
    accept_url: str


def next_proposal_url(source: Source) -> str:
    """The queue at its next open proposal (the first one not yet cited)."""
    return reverse("source-suggestions", args=[source.pk]) + "#next"


@dataclass
class QueueItem(Review):
    """A proposal as the queue shows it: its review, the sentence in context, the accept link."""

    pieces: list[Piece] = field(default_factory=list)
    accept_url: str = ""


# Proposals (and sentences whose date was not read) a page: a long report proposed thousands
# (a 1.1 MB source: 4,561 proposals in a 20.7 MB page of 5.3 s), each with its forms.
QUEUE_PAGE = 50


def _queue_context(request: HttpRequest, source: Source) -> dict:
    back = next_proposal_url(source)
    # Which proposals are done needs only the source's citations: the page is chosen from
    # those standings, and only its proposals are compared with the events (a long report's
    # thousands took most of the request).
    found = standings(source)
    reviews = [item for item in found.reviews if not item.done]
    done = [item for item in found.reviews if item.done]
    # One page number pages the open proposals (in the source's order), the done ones
    # folded after them and the sentences not read: page 1 holds the next to review, as
    # accepting or dismissing takes a proposal out of the open ones.
    longest = max(len(reviews), len(done), len(found.unread), 1)
    page_obj, problem = page_of(Paginator(range(longest), QUEUE_PAGE), request.GET.get("page"))
    shown = slice(page_obj.start_index() - 1, page_obj.end_index())
    open_page, done_page = reviews[shown], done[shown]
    enrich(open_page + done_page)

    def item(review: Review) -> QueueItem:
        return QueueItem(
            **vars(review), pieces=pieces(review), accept_url=accept_url(review.proposal, back)
        )

    return {
        "source": source,
        "reference": source_reference(source),
        "unread": [UnreadItem(u, unread_url(u, back)) for u in found.unread[shown]],
        "unread_count": len(found.unread),
        "count": len(found.reviews),
        "open_count": len(reviews),
        "done_count": len(done),
        "open_items": [item(review) for review in open_page],
        "done_items": [item(review) for review in done_page],
        "page_obj": page_obj,
        "page_problem": problem,
        "page_size": QUEUE_PAGE,
        "open_pages": -(-len(reviews) // QUEUE_PAGE),
        "done_shown": _shown_range(shown, len(done)),
        "unread_shown": _shown_range(shown, len(found.unread)),
    }


def _shown_range(shown: slice, total: int) -> str:
    """Which of ``total`` items this page shows ("51–100"), when not all of them."""
    first, last = shown.start + 1, min(shown.stop, total)
    if total <= QUEUE_PAGE or first > last:
        return ""
    return f"{first:,}–{last:,}"


@require_safe
@for_htmx(use_partial="queue")
@analyst_required
def source_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    source = found_or_404(Source, pk)
    context = _queue_context(request, source)
    return TemplateResponse(request, "suggestions/queue.html", context)


def _date(request: HttpRequest) -> int | None:
    """The optional offset of the proposal's date: a sentence may propose one event per date."""
    value = request.POST.get("date", "").strip()
    return int(value) if value.isdigit() else None


def _int(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "").strip()
    number = whole_number(value)
    if number is None:
        raise SuggestionError(f"{name}: expected a whole number, got “{value[:20]}”.")
    return number


def _done(
    request: HtmxHttpRequest, source: Source, error: str = "", notice: str = ""
) -> HttpResponse:
    """After a POST: the queue fragment for htmx (400 on error), else a redirect to the queue."""
    if request.htmx:
        context = _queue_context(request, source) | {"error": error, "notice": notice}
        return TemplateResponse(
            request, "suggestions/queue.html", context, status=400 if error else 200
        )
    if error:
        messages.error(request, error)
        return redirect("source-suggestions", pk=source.pk)
    if notice:
        messages.success(request, notice)
    return redirect(next_proposal_url(source))


def _chosen_event(request: HttpRequest) -> Event:
    """The event the POST names (``event``); SuggestionError when it names none."""
    event_id = request.POST.get("event", "").strip()
    pk = whole_number(event_id)
    event = Event.objects.filter(pk=pk).first() if pk is not None else None
    if event is None:
        raise SuggestionError("event: choose the event to add this citation to.")
    return event


@require_POST
@for_htmx(use_partial="queue")
@analyst_required
def add_to_existing(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Cite the proposed sentence on an existing event (one transaction; version + 1)."""
    source = found_or_404(Source, pk)
    try:
        proposal = find_proposal(
            source,
            _int(request, "passage"),
            _int(request, "start"),
            _int(request, "end"),
            _date(request),
        )
        event = _chosen_event(request)
        add_to_event(source, proposal, event)
    except SuggestionError as exc:
        return _done(request, source, error=str(exc))
    except DuplicateCitation:  # another analyst added it at the same moment
        return _done(request, source, error=f"“{event.title}” already cites this sentence.")
    return _done(request, source, notice=f"Added the sentence to “{event.title}”.")


@require_POST
@for_htmx(use_partial="queue")
@analyst_required
def dismiss_proposal(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Dismiss a proposal: it is not proposed again."""
    source = found_or_404(Source, pk)
    try:
        proposal = find_proposal(
            source, _int(request, "passage"), _int(request, "start"), _int(request, "end")
        )
    except SuggestionError as exc:
        return _done(request, source, error=str(exc))
    dismiss(proposal, request.user)
    return _done(request, source, notice="Dismissed: it will not be proposed again.")
