"""Recording events: the event form (new and edit) and live date parsing.

Analysts only. Every page works as plain GET forms and POSTs (redirect after success); htmx
re-renders the form with its errors (``event_form.html#form``) and follows ``HX-Redirect``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from accounts.access import analyst_required
from lib.dates import DateTextError, ParsedDate, Precision, Reference, format_date
from lib.datesearch import read_as_cited
from lib.htmx import HtmxHttpRequest, for_htmx
from lib.inputs import has_nul, nul_message, shown, whole_number
from lib.paging import found_or_404, missing
from sources.models import Passage, Source

from ..conflict import compare, keep_theirs
from ..duplicates import (
    candidate_from_event,
    candidate_from_fields,
    candidate_from_text,
    possible_duplicates,
)
from ..forms import (
    BaseNewCitationFormSet,
    BaseParticipantFormSet,
    EventForm,
    NewCitationFormSet,
    ParticipantFormSet,
    RemoveCitationsForm,
    kept_approximate,
    parse_reference,
)
from ..history import deleted_event
from ..models import Citation, Event, Participation, Status
from ..positions import event_date
from ..prefill import prefill
from ..services import CitationError, EditConflict, NewCitation, delete_event, save_event

FORM_TEMPLATE = "events/event_form.html"


# The date, parsed live -----------------------------------------------------------------------


@dataclass
class DatePreview:
    text: str = ""
    parsed: ParsedDate | None = None
    error: str = ""
    # The start, end and precision filled below, described, when they disagree with the
    # reading: they win on save ("12 March 2025" where the text reads "March 2025").
    overridden: str = ""
    # Whether the save will store it approximate (``kept_approximate``: the text's, or the
    # box's); None: the reading's own.
    approximate: bool | None = None

    @property
    def description(self) -> str:
        if self.parsed is None:
            return ""
        approximate = self.parsed.approximate if self.approximate is None else self.approximate
        return f"{self.parsed.describe()}, {self.parsed.precision} precision" + (
            ", approximate" if approximate else ""
        )

    def as_saved(
        self, start: str, end: str, precision: str, ticked: bool, before: tuple[str, bool]
    ) -> DatePreview:
        """Said as the form will save it: the start, end and precision filled (ISO dates,
        as the form sends them) when they are not the reading, and "approximate" as
        ``kept_approximate`` decides (``before``: the date as written and the box as
        they were when the form was opened)."""
        if self.parsed is not None:
            self.overridden = _filled_date(start, end, precision, self.parsed)
            self.approximate = kept_approximate(
                read=self.parsed.approximate,
                ticked=ticked,
                ticked_before=before[1],
                text=self.text,
                text_before=before[0],
            )
        return self


def preview_date(
    text: str, reference: Reference, cited: tuple[str, int, int] = ("", 0, 0)
) -> DatePreview:
    """The date as written read as the form will save it (``read_as_cited``), in ``cited``
    (a passage and the quote's offsets in it)."""
    text = (text or "").strip()
    if not text:
        return DatePreview()
    if has_nul(text):
        return DatePreview(shown(text), error=nul_message("date_text"))
    try:
        return DatePreview(text, read_as_cited(text, reference, *cited))
    except DateTextError as exc:
        return DatePreview(text, error=str(exc))


def _filled_date(start_text: str, end_text: str, precision: str, parsed: ParsedDate) -> str:
    """The form's start, end and precision, described, when a start is filled and they are
    not the reading ``parsed``; else ""."""
    try:
        start = dt.date.fromisoformat(start_text)
        end = dt.date.fromisoformat(end_text) if end_text else None
    except ValueError:
        return ""
    precision = precision or Precision.DAY
    if precision not in Precision.values:
        return ""
    if (start, end, precision) == (parsed.start, parsed.end, parsed.precision):
        return ""
    return f"{format_date(start, end, precision)} ({precision} precision)"


@require_safe
@for_htmx()
@analyst_required
def parse_date(request: HttpRequest) -> HttpResponse:
    """``?date_text=...&reference=<source id or YYYY-MM-DD>``: the resolved date, or why not.

    Read as the form reads it on save: against the reference, else the source of the
    citation the form adds (``citations-0-source``), and in the passage that citation cites
    (``citations-0-passage``, ``-start``, ``-quote``), else the event's first (``context``,
    ``context_start``, ``context_end``)."""
    get = request.GET
    chosen = _chosen_source(get)
    reference = parse_reference(get.get("reference") or chosen) or Reference.uncited()
    cited = _cited_in(get, chosen) or (
        get.get("context", ""),
        whole_number(get.get("context_start", "")) or 0,
        whole_number(get.get("context_end", "")) or 0,
    )
    preview = preview_date(get.get("date_text", ""), reference, cited).as_saved(
        get.get("date_start", ""),
        get.get("date_end", ""),
        get.get("date_precision", ""),
        ticked=bool(get.get("date_approximate")),
        before=(get.get("saved_date_text", ""), get.get("saved_date_approximate") == "1"),
    )
    return render(
        request, f"{FORM_TEMPLATE}#date-preview", {"preview": preview, "reference": reference}
    )


# The event form -----------------------------------------------------------------------------


def _cited_in(data: QueryDict, source: str) -> tuple[str, int, int] | None:
    """The passage the form's first new citation cites (in ``source``, ``_chosen_source``)
    and its quote's offsets in it."""
    return _cited(
        data.get("citations-0-quote", ""),
        source,
        whole_number(data.get("citations-0-passage", "")),
        whole_number(data.get("citations-0-start", "")),
    )


def _cited(
    quote: str, source: str, index: int | None, start: int | None
) -> tuple[str, int, int] | None:
    """A passage (``source``'s ``index``) and ``quote``'s offsets in it; the quote alone when
    its passage is not given; None without a quote."""
    quote = quote.strip()
    if not quote:
        return None
    if source and index is not None and start is not None:
        passage = Passage.objects.filter(source_id=int(source), index=index)
        text = passage.values_list("text", flat=True).first()
        if text is not None:
            return text, start, start + len(quote)
    return quote, 0, len(quote)


def _chosen_source(data: QueryDict) -> str:
    """The id of the source the form's first new citation names (key or id), or ""."""
    chosen = data.get("citations-0-source", "").strip()
    if has_nul(chosen):  # no key holds one (PostgreSQL cannot even compare it); said by the form
        return ""
    source = Source.objects.by_key_or_id(chosen).first() if chosen else None
    return str(source.pk) if source is not None else ""


@dataclass
class EventForms:
    """The form and formsets of one event form, validated together."""

    event: Event
    form: EventForm
    actors: BaseParticipantFormSet
    new_citations: BaseNewCitationFormSet
    removals: RemoveCitationsForm
    citations: list[Citation]
    notices: list[str] = field(default_factory=list)
    date_notice: str = ""  # where a prefilled date comes from, when not the selection

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
        chosen = _chosen_source(data) if data is not None else ""
        if data is not None and not data.get("reference") and chosen:
            # No reference yet (a new event cited by hand): read dates against its source.
            data = data.copy()
            data["reference"] = chosen
        event_initial = dict(initial.get("event") or {})
        if citations and "reference" not in event_initial:
            event_initial["reference"] = citations[0].passage.source.date_reference()
        # The date as written is read in the passage the form cites, else in the event's
        # first citation's (the one its reference comes from).
        selected: dict = next(iter(initial.get("citations") or []), {})
        cited = (
            _cited_in(data, chosen)
            if data is not None
            else _cited(
                selected.get("quote", ""),
                str(getattr(selected.get("source"), "pk", "")),
                selected.get("passage"),
                selected.get("start"),
            )
        )
        if cited is None and citations:
            first = citations[0]
            cited = (first.passage.text, first.start, first.end)
        return cls(
            event=event,
            form=EventForm(data, instance=event, initial=event_initial, cited=cited),
            actors=ParticipantFormSet(data, prefix="actors", initial=actors_initial or []),
            new_citations=NewCitationFormSet(
                data, prefix="citations", initial=initial.get("citations") or []
            ),
            removals=RemoveCitationsForm(data, event=event),
            citations=citations,
            notices=list(initial.get("notices", [])),
            date_notice=initial.get("date_notice", ""),
        )

    def is_valid(self) -> bool:
        event_valid = self.form.is_valid()
        # A title typed as an actor is answered with whoever held it at the event's date.
        data = self.form.cleaned_data
        self.actors.when = event_date(
            data.get("date_start"), data.get("date_end"), data.get("date_precision")
        )
        valid = all(
            [
                event_valid,
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

    def date_before(self) -> tuple[str, bool]:
        """The date as written and "approximate" as the form opened with them."""
        initial = self.form.initial
        return initial.get("date_text") or "", bool(initial.get("date_approximate"))

    def filled_date(self) -> tuple[str, str, str]:
        """The start, end and precision the form shows (ISO dates), as its fields hold them."""

        def shown(name: str) -> str:
            value = self.form[name].value()
            return value.isoformat() if isinstance(value, dt.date) else str(value or "")

        return shown("date_start"), shown("date_end"), shown("date_precision")

    def ticked(self) -> bool:
        return bool(self.form["date_approximate"].value())

    def context(self, **extra) -> dict:
        form = self.form
        text = (
            form.data.get("date_text", "")
            if form.is_bound
            else form.initial.get("date_text", self.event.date_text)
        )
        reference, context, start, end = form.date_context()
        removals = self.removals
        # Bound forms are built from request.POST (``build``).
        removed = (
            set(cast(QueryDict, removals.data).getlist("remove_citation"))
            if removals.is_bound
            else set()
        )
        return {
            "event": self.event,
            "form": form,
            "actors": self.actors,
            "new_citations": self.new_citations,
            "removals": self.removals,
            "citations": [(c, str(c.pk) in removed) for c in self.citations],
            "notices": self.notices,
            "date_notice": self.date_notice,
            # A refused date is said once: at the field, not again in the live preview.
            "preview": DatePreview(text)
            if form.is_bound and form.errors.get("date_text")
            else preview_date(text, reference, (context, start, end)).as_saved(
                *self.filled_date(), ticked=self.ticked(), before=self.date_before()
            ),
            "date_before": self.date_before(),
            "reference": reference,
            # Sent with the live preview: the passage its reading is made in.
            "date_context": (context, start, end),
            **extra,
        }


def _next(request: HttpRequest) -> str:
    """Where to go after saving (``next``, e.g. back to a suggestions queue), if ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else ""


def _render_form(request: HttpRequest, forms: EventForms, status: int = 200, **extra):
    # The page; for htmx its form (``for_htmx`` on the views below).
    context = forms.context(next=_next(request), **extra)
    return TemplateResponse(request, FORM_TEMPLATE, context, status=status)


def _saved(request: HtmxHttpRequest, event: Event, *, created: bool = False) -> HttpResponse:
    flash.success(request, f"{'Created' if created else 'Saved'} “{event.title}”.")
    url = _next(request) or reverse("event-detail", args=[event.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _submit(request: HtmxHttpRequest, event: Event, duplicates=None) -> HttpResponse:
    created = event.pk is None
    forms = EventForms.build(event, request.POST)
    if not forms.is_valid():
        extra = {"duplicates": duplicates(request)} if duplicates else {}
        return _render_form(request, forms, status=400, **extra)
    base_version = forms.form.cleaned_data.get("version")
    try:
        saved = forms.save(request.user)
    except EditConflict as conflict:
        return _conflict(request, conflict, forms, base_version)
    except (CitationError, ValidationError, IntegrityError) as exc:
        # Only a race gets here (the forms checked everything): nothing was written.
        problems = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        for message in problems:
            forms.form.add_error(None, f"Not saved: {message}")
        return _render_form(request, forms, status=400)
    if duplicates is not None:
        _tell_duplicates(request, saved)
    return _saved(request, saved, created=created)


def _tell_duplicates(request: HttpRequest, event: Event) -> None:
    """After creating an event: say which recorded events may be the same one."""
    candidate = candidate_from_event(event)
    if candidate is None:
        return
    found = possible_duplicates(candidate, Event.objects.visible_to(request.user), event.pk)
    if found:
        titles = "; ".join(f"“{e.title}” ({e.date_display()}, #{e.pk})" for e in found)
        flash.warning(request, f"Created. Possibly the same event as: {titles}.")


# Possible duplicates -------------------------------------------------------------------------


@dataclass
class Duplicates:
    """Recorded events likely the same as the one being created, and the citation that could
    be added to one of them instead (passage pk and offsets), when there is one."""

    events: list
    passage: int | None = None
    start: int | None = None
    end: int | None = None


def _duplicates_of_prefill(request: HttpRequest, initial: dict) -> Duplicates | None:
    event = initial.get("event") or {}
    citations = initial.get("citations") or []
    text = event.get("title") or (citations[0]["quote"] if citations else "")
    names = [a["name"] for a in initial.get("actors") or []]
    # The date the form is prefilled with: its explicit fields, else the date as written.
    candidate = candidate_from_fields(
        event.get("date_start"), event.get("date_end"), event.get("date_precision"), names, text
    ) or candidate_from_text(
        event.get("date_text", ""), event.get("reference") or Reference.uncited(), names, text
    )
    if candidate is None:
        return None
    found = possible_duplicates(candidate, Event.objects.visible_to(request.user))
    if not found:
        return None
    if not citations:
        return Duplicates(found)
    passage = request.GET.get("passage", "").strip()
    return Duplicates(found, int(passage), citations[0]["start"], citations[0]["end"])


def _iso_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _duplicates_of_post(request: HttpRequest) -> Duplicates | None:
    data = request.POST
    reference = parse_reference(data.get("reference")) or Reference.uncited()
    names = [data.get(k, "") for k in data if k.startswith("actors-") and k.endswith("-name")]
    start, end = _iso_date(data.get("date_start")), _iso_date(data.get("date_end"))
    candidate = candidate_from_fields(
        start, end, data.get("date_precision", ""), names, data.get("title", "")
    ) or candidate_from_text(data.get("date_text", ""), reference, names, data.get("title", ""))
    if candidate is None:
        return None
    found = possible_duplicates(candidate, Event.objects.visible_to(request.user))
    return Duplicates(found) if found else None


@require_http_methods(["GET", "POST"])
@for_htmx(use_partial="form")
@analyst_required
def event_new(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, Event(), duplicates=_duplicates_of_post)
    initial = prefill(request.GET)
    return _render_form(
        request,
        EventForms.build(Event(), initial=initial),
        duplicates=_duplicates_of_prefill(request, initial),
    )


@require_http_methods(["GET", "POST"])
@for_htmx(use_partial="form")
@analyst_required
def event_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    try:
        event = found_or_404(Event, pk)
    except Http404:
        return _deleted_meanwhile(request, pk)
    if request.method == "POST":
        return _submit(request, event)
    return _render_form(request, EventForms.build(event))


@require_http_methods(["GET", "POST"])
@analyst_required
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete the event with its participants and citations, if still at the version
    the analyst saw; its history stays (``event-history``), from where it can be restored."""
    try:
        event = found_or_404(Event, pk)
    except Http404:
        return _deleted_meanwhile(request, pk)
    if request.method == "POST":
        seen = whole_number(request.POST.get("version", ""))
        if seen is None:
            flash.error(request, "This form lost its version number: nothing was deleted.")
            return redirect("event-delete", pk=pk)
        try:
            delete_event(event, base_version=seen, user=request.user)
        except EditConflict as conflict:
            flash.error(
                request,
                f"The event changed since you opened this page (it is now version "
                f"{conflict.event.version}): nothing was deleted. Review it, then delete again.",
            )
            return redirect("event-delete", pk=pk)
        flash.success(request, f"Deleted “{event.title}”. Its history stays below.")
        return redirect("event-history", pk=pk)
    return render(
        request,
        "events/event_delete.html",
        {
            "event": event,
            "participants": event.participations.count(),
            "citations": event.citations.count(),
        },
    )


def _deleted_meanwhile(request: HttpRequest, pk: int) -> HttpResponse:
    """An event deleted (in another tab, by another analyst): its history, saying so, where a
    bare 404 left the analyst without the way back; a 404 for an id never used."""
    deleted = deleted_event(pk)
    if deleted is None:
        raise Http404(missing(Event, pk))
    flash.error(
        request,
        f"“{deleted.title}” has been deleted: nothing was saved or deleted now. Its history is "
        "below, from where it can be brought back.",
    )
    url = reverse("event-history", args=[pk])
    return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else redirect(url)


# Two analysts at once ------------------------------------------------------------------------


def _conflict(
    request: HttpRequest, conflict: EditConflict, forms: EventForms, base_version: int | None
) -> HttpResponse:
    current = conflict.event
    your_actors = [
        f"{c.actor.name if c.actor else c.name} ({c.role})" for c in forms.actors.choices()
    ]
    shown = {pk for value in request.POST.getlist("shown") if (pk := whole_number(value))}
    changes, base = compare(current, forms.form.instance, your_actors, shown, base_version)
    # Keep everything typed, but take theirs where only they changed a field; carry the
    # current version so that saving again is deliberate.
    data = request.POST.copy()
    keep_theirs(data, current, changes)
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
