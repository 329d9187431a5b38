"""Recording events: the event form (new and edit), live date parsing, cite while reading.

Analysts only. Every page works as plain GET forms and POSTs (redirect after success); htmx
re-renders the form with its errors (``event_form.html#form``) and follows ``HX-Redirect``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from lib.dates import DateTextError, ParsedDate, format_date, interval, parse_date_text
from lib.datesearch import find_dates
from sources.models import Passage, Source

from .access import analyst_required
from .forms import (
    CiteForm,
    EventForm,
    NewCitationFormSet,
    ParticipantFormSet,
    RemoveCitationsForm,
    located_from_offsets,
    parse_reference,
    source_reference,
)
from .models import Citation, Event, EventType, Participation, Status
from .services import CitationError, EditConflict, NewCitation, add_citation, save_event

FORM_TEMPLATE = "events/event_form.html"
SEARCH_LIMIT = 10


# The date, parsed live -----------------------------------------------------------------------


@dataclass
class DatePreview:
    text: str = ""
    parsed: ParsedDate | None = None
    error: str = ""

    @property
    def description(self) -> str:
        if self.parsed is None:
            return ""
        return f"{self.parsed.describe()}, {self.parsed.precision} precision" + (
            ", approximate" if self.parsed.approximate else ""
        )


def preview_date(text: str, reference: dt.date) -> DatePreview:
    text = (text or "").strip()
    if not text:
        return DatePreview()
    try:
        return DatePreview(text, parse_date_text(text, reference))
    except DateTextError as exc:
        return DatePreview(text, error=str(exc))


@require_GET
@analyst_required
def parse_date(request: HttpRequest) -> HttpResponse:
    """``?date_text=...&reference=<source id or YYYY-MM-DD>``: the resolved date, or why not."""
    reference = parse_reference(request.GET.get("reference")) or dt.date.today()
    preview = preview_date(request.GET.get("date_text", ""), reference)
    return render(
        request, f"{FORM_TEMPLATE}#date-preview", {"preview": preview, "reference": reference}
    )


# The event form -----------------------------------------------------------------------------


@dataclass
class EventForms:
    """The form and formsets of one event form, validated together."""

    event: Event
    form: EventForm
    actors: ParticipantFormSet
    new_citations: NewCitationFormSet
    removals: RemoveCitationsForm
    citations: list[Citation]
    notices: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, event: Event, data: QueryDict | None = None, initial: dict | None = None):
        initial = initial or {}
        citations = (
            list(Citation.objects.filter(event=event).select_related("passage__source"))
            if event.pk
            else []
        )
        actors_initial = initial.get("actors")
        if actors_initial is None and event.pk:
            actors_initial = [
                {"name": p.actor.name, "role": p.role}
                for p in Participation.objects.filter(event=event).select_related("actor")
            ]
        if data is not None and not data.get("reference"):
            # No reference yet (a new event cited by hand): read dates against its source.
            chosen = data.get("citations-0-source", "")
            source = Source.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
            if source is not None:
                data = data.copy()
                data["reference"] = source_reference(source).isoformat()
        event_initial = dict(initial.get("event") or {})
        if citations and "reference" not in event_initial:
            event_initial["reference"] = source_reference(citations[0].passage.source)
        return cls(
            event=event,
            form=EventForm(data, instance=event, initial=event_initial),
            actors=ParticipantFormSet(data, prefix="actors", initial=actors_initial or []),
            new_citations=NewCitationFormSet(
                data, prefix="citations", initial=initial.get("citations") or []
            ),
            removals=RemoveCitationsForm(data, event=event),
            citations=citations,
            notices=list(initial.get("notices", [])),
        )

    def is_valid(self) -> bool:
        valid = all(
            [
                self.form.is_valid(),
                self.actors.is_valid(),
                self.new_citations.is_valid(),
                self.removals.is_valid(),
            ]
        )
        if not valid:
            return False
        if self.event.pk and self.form.cleaned_data.get("version") is None:
            self.form.add_error(None, "This form lost its version number: reload the page.")
            return False
        if self.form.cleaned_data["status"] == Status.PUBLISHED:
            removed = {c.pk for c in self.removals.cleaned_data["remove_citation"]}
            kept = [c for c in self.citations if c.pk not in removed]
            if not kept and not self.new_citations.citations():
                self.form.add_error(
                    "status",
                    "A published event needs at least one citation: add one below, "
                    "or save it as a draft.",
                )
                return False
        return True

    def save(self, user) -> Event:
        return save_event(
            self.form.save(commit=False),
            actors=self.actors.choices(),
            add_citations=[
                NewCitation(located, date_text, note)
                for located, date_text, note in self.new_citations.citations()
            ],
            remove_citations=list(self.removals.cleaned_data["remove_citation"]),
            base_version=self.form.cleaned_data.get("version"),
            user=user,
        )

    def context(self, **extra) -> dict:
        form = self.form
        if form.is_bound:
            text = form.data.get("date_text", "")
            reference = (
                form.cleaned_data.get("reference") if hasattr(form, "cleaned_data") else None
            )
        else:
            text = form.initial.get("date_text", self.event.date_text)
            reference = form.initial.get("reference")
        reference = reference or form.reference_date()
        removals = self.removals
        removed = set(removals.data.getlist("remove_citation")) if removals.is_bound else set()
        return {
            "event": self.event,
            "form": form,
            "actors": self.actors,
            "new_citations": self.new_citations,
            "removals": self.removals,
            "citations": [(c, str(c.pk) in removed) for c in self.citations],
            "notices": self.notices,
            "preview": preview_date(text, reference),
            "reference": reference,
            **extra,
        }


def _render_form(request: HttpRequest, forms: EventForms, status: int = 200, **extra):
    template = f"{FORM_TEMPLATE}#form" if request.htmx else FORM_TEMPLATE
    return render(request, template, forms.context(**extra), status=status)


def _saved(request: HttpRequest, event: Event) -> HttpResponse:
    url = reverse("event-detail", args=[event.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _submit(request: HttpRequest, event: Event) -> HttpResponse:
    forms = EventForms.build(event, request.POST)
    if not forms.is_valid():
        return _render_form(request, forms, status=400)
    base_version = forms.form.cleaned_data.get("version")
    try:
        saved = forms.save(request.user)
    except EditConflict as conflict:
        return _conflict(request, conflict, forms, base_version)
    except (CitationError, ValidationError, IntegrityError) as exc:
        # Only a race gets here (the forms checked everything): nothing was written.
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        for message in messages:
            forms.form.add_error(None, f"Not saved: {message}")
        return _render_form(request, forms, status=400)
    return _saved(request, saved)


@require_http_methods(["GET", "POST"])
@analyst_required
def event_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, Event())
    return _render_form(request, EventForms.build(Event(), initial=prefill(request.GET)))


@require_http_methods(["GET", "POST"])
@analyst_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    if request.method == "POST":
        return _submit(request, event)
    return _render_form(request, EventForms.build(event))


# Prefill: GET /events/new/?passage=&start=&end=&date_text=&title=&type=&actor= ---------------


def nearest_date(passage: Passage, start: int, end: int, reference: dt.date):
    """The date expression nearest to ``passage.text[start:end]``: in the passage, else the
    source; None when the text has none."""

    def distance(found, a: int, b: int) -> int:
        return max(0, found.start - b, a - found.end)

    found = find_dates(passage.text, reference)
    if found:
        return min(found, key=lambda f: distance(f, start, end))
    source = passage.source
    found = find_dates(source.text, reference)
    if found:
        a, b = passage.start + start, passage.start + end
        return min(found, key=lambda f: distance(f, a, b))
    return None


def _int(params: QueryDict, name: str, notices: list[str]) -> int | None:
    value = params.get(name, "").strip()
    if not value:
        notices.append(f"{name}: missing; give the offsets of the selection (start and end).")
        return None
    if not value.isdigit():
        notices.append(f"{name}={value}: write a whole number of characters (for example 0).")
        return None
    return int(value)


def prefill(params: QueryDict) -> dict:
    """Initial values of a new event from the public prefill parameters.

    ``passage`` (id), ``start`` and ``end`` (offsets in it) make the citation, checked verbatim;
    ``date_text`` (else the date nearest to the selection), ``title``, ``type`` and ``actor``
    (repeatable) fill the form. What cannot be used is reported in ``notices``.
    """
    notices: list[str] = []
    event: dict = {}
    citations: list[dict] = []
    date_text = params.get("date_text", "").strip()
    if title := params.get("title", "").strip():
        event["title"] = title[:300]
    if kind := params.get("type", "").strip():
        if kind in EventType.values:
            event["type"] = kind
        else:
            notices.append(
                f"type={kind}: not an event type; choose one of {', '.join(EventType.values)}."
            )
    if passage_id := params.get("passage", "").strip():
        passage = (
            Passage.objects.select_related("source").filter(pk=int(passage_id)).first()
            if passage_id.isdigit()
            else None
        )
        start, end = _int(params, "start", notices), _int(params, "end", notices)
        if passage is None:
            notices.append(f"passage={passage_id}: no such passage; select the text again.")
        elif start is not None and end is not None:
            reference = source_reference(passage.source)
            event["reference"] = reference
            try:
                located = located_from_offsets(passage, start, end)
            except CitationError as exc:
                notices.append(f"The selection cannot be cited: {exc}")
            else:
                if not date_text:
                    found = nearest_date(passage, located.start, located.end, reference)
                    date_text = found.text if found else ""
                citations.append(
                    {
                        "source": passage.source,
                        "quote": located.quote,
                        "passage": passage.index,
                        "start": located.start,
                        "end": located.end,
                        "date_text": date_text,
                    }
                )
    if date_text:
        event["date_text"] = date_text[:200]
    actors = [{"name": name.strip()} for name in params.getlist("actor") if name.strip()]
    return {"event": event, "citations": citations, "actors": actors, "notices": notices}


# Two analysts at once ------------------------------------------------------------------------

COMPARED = [
    ("title", "Title"),
    ("type", "Type"),
    ("status", "Status"),
    ("summary", "Summary"),
    ("location", "Location"),
    ("date_text", "Date as written"),
    ("date", "Date"),
]


def _values(obj, labels: bool = True) -> dict[str, str]:
    values = {name: str(getattr(obj, name, "") or "") for name, _label in COMPARED[:-1]}
    if labels:
        values["type"] = dict(EventType.choices).get(values["type"], values["type"])
    values["date"] = format_date(
        obj.date_start, obj.date_end, obj.date_precision, obj.date_approximate
    )
    return values


def _base_record(event: Event, base_version: int | None):
    """The event as the second analyst loaded it, from the history when it is kept."""
    history = getattr(event, "history", None)
    if history is None or base_version is None:
        return None
    return history.filter(version=base_version).order_by("-history_date").first()


def _conflict(
    request: HttpRequest, conflict: EditConflict, forms: EventForms, base_version: int | None
) -> HttpResponse:
    current = conflict.event
    theirs = _values(current)
    yours = _values(forms.form.instance)
    base = _base_record(current, base_version)
    before = _values(base) if base is not None else None
    changes = []
    for name, label in COMPARED:
        changed = (
            before[name] != theirs[name] if before is not None else theirs[name] != yours[name]
        )
        if changed:
            changes.append(
                {
                    "label": label,
                    "before": before[name] if before is not None else None,
                    "theirs": theirs[name],
                    "yours": yours[name],
                }
            )
    current_actors = sorted(
        f"{p.actor.name} ({p.role})"
        for p in Participation.objects.filter(event=current).select_related("actor")
    )
    your_actors = sorted(
        f"{c.actor.name if c.actor else c.name} ({c.role})" for c in forms.actors.choices()
    )
    if current_actors != your_actors:
        changes.append(
            {
                "label": "Actors",
                "before": None,
                "theirs": "; ".join(current_actors) or "none",
                "yours": "; ".join(your_actors) or "none",
            }
        )
    current_citations = list(
        Citation.objects.filter(event=current).select_related("passage__source")
    )
    # The citations the second analyst's form listed (hidden "shown" inputs) against now.
    shown = {int(pk) for pk in request.POST.getlist("shown") if pk.isdigit()}
    added = [c for c in current_citations if c.pk not in shown]
    gone = shown - {c.pk for c in current_citations}
    if added or gone:
        theirs = [f"added “{c.quote}”" for c in added]
        if gone:
            theirs.append(f"removed {len(gone)} citation{'s' if len(gone) > 1 else ''}")
        changes.append(
            {
                "label": "Citations",
                "before": f"{len(shown)} citation{'s' if len(shown) != 1 else ''}",
                "theirs": "; ".join(theirs),
                "yours": "your additions and removals are kept below",
            }
        )
    # Keep everything typed; carry the current version so that saving again is deliberate.
    data = request.POST.copy()
    data["version"] = str(current.version)
    again = EventForms.build(current, data)
    again.is_valid()
    latest = current.history.order_by("-history_id").first() if base is not None else None
    context = {
        "conflict": {
            "base_version": base_version,
            "version": current.version,
            "changes": changes,
            "history": base is not None,
            "by": getattr(latest, "history_user", None),
            "when": getattr(latest, "history_date", None),
        }
    }
    return _render_form(request, again, status=409, **context)


# Cite while reading --------------------------------------------------------------------------


def _matching_events(q: str, reference: dt.date):
    events = Event.objects.all()
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
    return events.chronological()[:SEARCH_LIMIT]


@require_GET
@analyst_required
def cite_search(request: HttpRequest) -> HttpResponse:
    """Events to add a selection to: ``?q=`` (title words or a date) with the selection."""
    form = CiteForm(request.GET)
    valid = form.is_valid()
    q = request.GET.get("q", "")
    reference = source_reference(form.cleaned_data["passage"].source) if valid else dt.date.today()
    context = {
        "form": form,
        "q": q,
        "located": form.cleaned_data.get("located") if valid else None,
        "events": list(_matching_events(q, reference)) if valid else [],
    }
    template = "events/cite_search.html#results" if request.htmx else "events/cite_search.html"
    return render(request, template, context, status=200 if valid else 400)


@require_POST
@analyst_required
def event_cite(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a reader selection (``passage``, ``start``, ``end``) to event ``pk``."""
    event = get_object_or_404(Event, pk=pk)
    form = CiteForm(request.POST)
    if not form.is_valid():
        context = {"form": form, "q": "", "located": None, "events": [], "target": event}
        template = "events/cite_search.html#results" if request.htmx else "events/cite_search.html"
        return render(request, template, context, status=400)
    located = form.cleaned_data["located"]
    if Citation.objects.filter(
        event=event, passage=located.passage, start=located.start, end=located.end
    ).exists():
        return _saved(request, event)
    citation = add_citation(event, located)
    url = reverse("event-detail", args=[event.pk]) + f"#c-{citation.pk}"
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
