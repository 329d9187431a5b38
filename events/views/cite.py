"""Cite while reading: find an event for a selection, add the selection to it (analysts only)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from accounts.access import analyst_required
from lib.dates import DateTextError, Reference, interval, parse_date_text
from lib.datesearch import Refusal
from lib.htmx import HtmxHttpRequest, for_htmx
from lib.paging import found_or_404

from ..forms import CiteForm
from ..models import Event
from ..services import DuplicateCitation, add_citation

SEARCH_LIMIT = 10


def _selection_date(located):
    """The selection's date as the suggestions read it (``SelectionDate``: its own words', a
    chronology entry's "March 26", its paragraph's), or None when none is read."""
    from suggestions.services import selection_date

    passage = located.passage
    chosen = selection_date(passage.source, passage.index, located.start, located.end)
    return None if chosen is None or isinstance(chosen, Refusal) else chosen


def _selection_day(located, reference: Reference) -> dt.date | None:
    """The day the selection is about: its date as the suggestions read it (a chronology's
    entry under "March 26", a paragraph's), else the source's own; None when neither is
    known."""
    if (chosen := _selection_date(located)) is not None:
        return chosen.date.parsed.start
    return reference.day if reference.known else None


def _written_date(event: Event, located) -> tuple[str, str]:
    """The date the selected words write, kept as the citation's date as written (as the
    queue keeps a proposal's), and a note to check it when the event's date does not overlap
    it (a reviewer cited "a joint exercise … next year" on an arrival of 1 December unwarned).
    ("", "") when the words write no date of their own."""
    chosen = _selection_date(located)
    if chosen is None or not chosen.written_in_selection:
        return "", ""
    parsed = chosen.date.parsed
    first, last = interval(parsed.start, parsed.end, parsed.precision)
    span_start, span_end = event.span_start, event.span_end
    if span_start is None or span_end is None or (first <= span_end and last >= span_start):
        return chosen.date.text, ""
    return chosen.date.text, (
        f"Check the date: these words write “{chosen.date.text}” ({parsed.describe()}), "
        f"and the event is dated {event.date_display()}."
    )


def _apart(event: Event, day: dt.date) -> tuple[int, int]:
    """How far ``event`` lies from ``day``: days from its interval (0 when it holds the day:
    "c. August 2021" for words of 24 August, before events of early September), then its
    length (the day's own event before its month's)."""
    first = event.span_start or event.date_start or day
    last = event.span_end or first
    return max((first - day).days, (day - last).days, 0), (last - first).days


def _matching_events(user, q: str, reference: Reference, near: dt.date | None):
    events = Event.objects.visible_to(user)
    q = q.strip()
    if q:
        match = Q(title__icontains=q)
        try:
            parsed = parse_date_text(q, reference)
        except DateTextError:
            parsed = None
        if parsed is not None:
            first, last = interval(parsed.start, parsed.end, parsed.precision)
            match |= Q(span_end__gte=first, span_start__lte=last)
        events = events.filter(match)
    if near is None:
        return events.chronological()[:SEARCH_LIMIT]
    # Nearest the selection's date first: a passage of June 2021 is about June 2021's events,
    # not the oldest (a reviewer's list began in 1947). The nearest on either side come from
    # the date order's index, then the undated.
    day = near
    before = events.filter(date_start__lte=day).order_by(F("date_start").desc(), "-pk")
    after = events.filter(date_start__gt=day).order_by("date_start", "pk")
    dated = [*before[:SEARCH_LIMIT], *after[:SEARCH_LIMIT]]
    nearest = sorted(dated, key=lambda event: _apart(event, day))
    undated = events.filter(date_start=None).order_by("title", "pk")[:SEARCH_LIMIT]
    return [*nearest, *undated][:SEARCH_LIMIT]


@require_safe
@for_htmx(use_partial="results")
@analyst_required
def cite_search(request: HttpRequest) -> HttpResponse:
    """Events to add a selection to: ``?q=`` (title words or a date) with the selection."""
    form = CiteForm(request.GET)
    valid = form.is_valid()
    q = form.cleaned_data.get("q", "") if valid else ""
    reference = (
        form.cleaned_data["passage"].source.date_reference() if valid else Reference.uncited()
    )
    context = {
        "form": form,
        "q": q,
        "located": form.cleaned_data.get("located") if valid else None,
        "events": list(
            _matching_events(
                request.user, q, reference, _selection_day(form.cleaned_data["located"], reference)
            )
        )
        if valid
        else [],
    }
    return TemplateResponse(
        request, "events/cite_search.html", context, status=200 if valid else 400
    )


@require_POST
@for_htmx(use_partial="results")
@analyst_required
def event_cite(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Add a reader selection (``passage``, ``start``, ``end``) to event ``pk``."""
    event = found_or_404(Event, pk)
    form = CiteForm(request.POST)
    if not form.is_valid():
        context = {"form": form, "q": "", "located": None, "events": [], "target": event}
        return TemplateResponse(request, "events/cite_search.html", context, status=400)
    located = form.cleaned_data["located"]
    date_text, check = _written_date(event, located)
    try:
        citation = add_citation(event, located, date_text, check, user=request.user)
    except DuplicateCitation as already:  # cited before, or by another analyst just now
        citation = already.citation
        messages.info(request, f"“{event.title}” already cites these words.")
    else:
        if check:
            messages.warning(request, f"Cited on “{event.title}”. {check}")
        else:
            messages.success(request, f"Cited on “{event.title}”.")
    url = reverse("event-detail", args=[event.pk]) + f"#c-{citation.pk}"
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
