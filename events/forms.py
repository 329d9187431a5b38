"""The event form: the event's own fields, its actors and its citations.

Validation lives here only; ``events.services.save_event`` writes what these forms cleaned.

The date rule: the explicit start/end/precision fields win when a start is filled; otherwise
the date comes from the free text, parsed against the reference date (the cited source's
reference date). On edit the explicit fields start blank when they say the same as the text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.urls import reverse_lazy
from django.utils.text import slugify

from lib.dates import DateTextError, ParsedDate, Precision, Reference
from lib.datesearch import read_as_cited
from lib.forms import NulNamed
from lib.inputs import has_nul, nul_message, refuse_direction_controls, whole_number
from sources.models import Passage, Source

from .models import Actor, ActorKind, Citation, Event, EventType, Post, Role, Status
from .positions import EventDate, office_clash, title_clash
from .services import ActorChoice, CitationError, Located, locate


def parse_reference(value: str | None) -> Reference | None:
    """A reference written as a source id (the source's own date, as far as it is known) or
    an ISO date (known to the day); None when unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if (pk := whole_number(value)) is not None:
        source = Source.objects.filter(pk=pk).first()
        return source.date_reference() if source else None
    try:
        return Reference(dt.date.fromisoformat(value))
    except ValueError:
        return None


class ReferenceField(forms.CharField):
    """The hidden field naming what bare dates are read against: a source id or a date."""

    def to_python(self, value: Any) -> Reference | None:  # type: ignore[override]
        if isinstance(value, Reference):
            return value
        text = super().to_python(value)
        if not text:
            return None
        reference = parse_reference(text)
        if reference is None:
            raise forms.ValidationError(
                f"“{text}” names no source and is no date (YYYY-MM-DD); reload the form."
            )
        return reference

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Reference):
            return value.day.isoformat() if value.source is None else value.source
        return value


def kept_approximate(
    *, read: bool, ticked: bool, ticked_before: bool, text: str, text_before: str
) -> bool:
    """Whether a date read from its text is saved as approximate: when the text says so
    ("late June"), or the box is ticked by the analyst in this edit, or it was ticked
    already and the date as written is the one it was ticked for (a save that changes
    nothing keeps "c. 26 March"). A box left ticked from an earlier date is not carried to
    a date typed anew that says nothing of it ("c. June 2021" edited to "23 June 2021").
    The form's save and its live preview both ask this."""
    if read:
        return True
    if not ticked:
        return False
    return not ticked_before or text.strip() == text_before.strip()


class EventForm(NulNamed, forms.ModelForm):
    # Hidden fields' errors are listed after their label (event_form.html).
    named_by_template = frozenset({"version", "reference"})

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    reference = ReferenceField(
        widget=forms.HiddenInput,
        required=False,
        help_text="Bare dates in the date text are read against this date.",
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "type",
            "status",
            "summary",
            "attribution",
            "location",
            "date_text",
            "date_start",
            "date_end",
            "date_precision",
            "date_approximate",
        ]
        labels = {
            "date_text": "Date",
            "date_start": "Start",
            "date_end": "End",
            "date_precision": "Precision",
        }
        help_texts = {
            "date_text": 'As the source writes it: "22 June 2021", "June 22-24", "May 2020".',
            "date_start": "Leave blank to take the date from the text above.",
            "attribution": "Whom the source attributes it to, e.g. “according to Western "
            "diplomats”; blank when the source states it as fact.",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            # ISO dates: what <input type="date"> reads and sends, whatever the locale.
            "date_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, cited: tuple[str, int, int] | None = None, **kwargs) -> None:
        """``cited``: the passage of the first citation the form adds and the quote's
        offsets in it, where the date as written is read (``date_context``)."""
        super().__init__(*args, **kwargs)
        self.cited = cited
        cast(forms.ChoiceField, self.fields["type"]).choices = EventType.choices
        # No maxlength in the page: a browser cuts a pasted summary there without a word (a
        # reviewer's conclusion was lost); the limit is the field's message, the text kept.
        self.fields["summary"].widget.attrs.pop("maxlength", None)
        cast(forms.ChoiceField, self.fields["status"]).choices = Status.choices
        self.fields["date_precision"].required = False
        self.parsed: ParsedDate | None = None
        event = self.instance
        if event.pk and not self.is_bound:
            self.initial["version"] = event.version
            if event.date_text and event.date_start:
                # Explicit fields blank when they only repeat what the text says.
                try:
                    parsed = read_as_cited(event.date_text, *self.date_context())
                except DateTextError:
                    parsed = None
                if parsed and (parsed.start, parsed.end, parsed.precision) == (
                    event.date_start,
                    event.date_end,
                    event.date_precision,
                ):
                    for name in ("date_start", "date_end", "date_precision"):
                        self.initial[name] = None

    def date_context(self) -> tuple[Reference, str, int, int]:
        """What the date as written is read against (the form's reference, else the event's
        first source's date) and in (the passage the form cites, else the event's first)."""
        given = self.cleaned_data.get("reference") if hasattr(self, "cleaned_data") else None
        if given is None and not self.is_bound:
            given = self.initial.get("reference")
        if given is not None and self.cited is not None:
            return (given, *self.cited)
        reference, *cited = self.instance.date_context()
        context, start, end = self.cited or cited
        return given or reference, context, start, end

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_start"), data.get("date_end")
        text = (data.get("date_text") or "").strip()
        if start:
            data["date_precision"] = data.get("date_precision") or Precision.DAY
        elif end:
            self.add_error("date_start", "An end date needs a start date.")
        elif text:
            try:
                self.parsed = read_as_cited(text, *self.date_context())
            except DateTextError as exc:
                self.add_error("date_text", f"{exc} Or fill in start and precision below.")
            else:
                data["date_start"] = self.parsed.start
                data["date_end"] = self.parsed.end
                data["date_precision"] = self.parsed.precision
                data["date_approximate"] = kept_approximate(
                    read=self.parsed.approximate,
                    ticked=bool(data.get("date_approximate")),
                    ticked_before=bool(self.initial.get("date_approximate")),
                    text=text,
                    text_before=self.initial.get("date_text") or "",
                )
        else:
            data["date_precision"] = data.get("date_precision") or Precision.DAY
        start, end = data.get("date_start"), data.get("date_end")
        if start and end and end < start:
            self.add_error("date_end", "The end date is before the start date; swap them.")
        return data

    def _post_clean(self) -> None:
        # The model's clean() checks the dates again, on the values chosen above.
        for name in ("date_start", "date_end", "date_precision", "date_approximate"):
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()  # type: ignore[misc]  # a ModelForm hook django-stubs omits


# Actors ------------------------------------------------------------------------------------


def split_aliases(text: str) -> list[str]:
    seen, names = set(), []
    for name in (text or "").replace("\n", ",").split(","):
        name = name.strip()
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


class ParticipantForm(NulNamed, forms.Form):
    name = forms.CharField(
        max_length=200,
        required=False,
        label="Actor",
        help_text="Name, slug or any alias.",
        validators=[refuse_direction_controls],
        # The shared actor combobox (static/js/combobox.js) over /actors/suggest/.
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "class": "actor-name",
                "data-combobox": "",
                "hx-get": reverse_lazy("actor-suggest"),
                "hx-trigger": "input changed delay:200ms",
                "hx-target": "next .suggest-box",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        ),
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.PARTICIPANT)
    new_kind = forms.ChoiceField(
        choices=[("", "— existing actor —"), *ActorKind.choices],
        required=False,
        label="New actor of kind",
        help_text="Only when no actor has this name: create it.",
    )
    new_aliases = forms.CharField(
        max_length=1000,
        required=False,
        label="Its aliases",
        help_text="Other spellings, separated by commas.",
        validators=[refuse_direction_controls],
    )

    def __init__(self, *args, when: EventDate | None = None, **kwargs) -> None:
        # The event's date, when its form read one: a title typed as a name is answered with
        # whoever held it then.
        self.when = when
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        name = (data.get("name") or "").strip()
        if not name:
            if data.get("new_kind") or data.get("new_aliases"):
                self.add_error("name", "Write the new actor's name.")
            return data
        actor = Actor.objects.named(name).first()
        if actor is not None:
            data["choice"] = ActorChoice(role=data.get("role") or Role.PARTICIPANT, actor=actor)
            return data
        # A title ("the coup leader") is no actor to create: say who held it instead.
        clash = title_clash([name, slugify(name)])
        if clash is not None:
            self.add_error("name", clash.message(self.when))
            return data
        kind = data.get("new_kind")
        if not kind:
            self.add_error(
                "name",
                f"No actor is named “{name}”. Pick one from the suggestions, "
                "or choose a kind to create it as a new actor.",
            )
            return data
        aliases = [
            a for a in split_aliases(data.get("new_aliases", "")) if a.lower() != name.lower()
        ]
        for alias in aliases:
            taken = Actor.objects.named(alias).first()
            if taken is not None:
                self.add_error("new_aliases", f"“{alias}” already names {taken}; leave it out.")
        title = title_clash(aliases)
        if title is not None:
            self.add_error("new_aliases", title.message(alias=True))
        data["choice"] = ActorChoice(
            role=data.get("role") or Role.PARTICIPANT, name=name, kind=kind, aliases=tuple(aliases)
        )
        return data


class BaseParticipantFormSet(forms.BaseFormSet):
    # The event's date (``EventForms.is_valid`` sets it once the event's form has read it).
    when: EventDate | None = None

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "when": self.when}

    def choices(self) -> list[ActorChoice]:
        return [
            form.cleaned_data["choice"]
            for form in self.forms
            if form.cleaned_data.get("choice") and not form.cleaned_data.get(DELETION_FIELD_NAME)
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[tuple[str, str]] = set()
        new_names: dict[str, ActorChoice] = {}
        new_aliases: set[str] = set()
        for choice in self.choices():
            key = (str(choice.actor.pk) if choice.actor else choice.name.lower(), choice.role)
            if key in seen:
                raise ValidationError(
                    "An actor is listed twice with the same role; list it once.", code="duplicate"
                )
            seen.add(key)
            if choice.actor is None:
                known = new_names.get(choice.name.lower())
                if known and (known.kind, known.aliases) != (choice.kind, choice.aliases):
                    raise ValidationError(
                        f"The new actor “{choice.name}” is described twice differently; "
                        "give its kind and aliases once.",
                        code="new_twice",
                    )
                if not known:
                    for alias in choice.aliases:
                        if alias.lower() in new_aliases or alias.lower() in new_names:
                            raise ValidationError(
                                f"“{alias}” is given to two new actors; give it to one.",
                                code="alias_twice",
                            )
                        new_aliases.add(alias.lower())
                    if choice.name.lower() in new_aliases:
                        raise ValidationError(
                            f"“{choice.name}” is both a new actor and another's alias.",
                            code="alias_twice",
                        )
                new_names[choice.name.lower()] = choice


# django-stubs types formset_factory() as returning the base BaseFormSet, not ``formset``.
ParticipantFormSet = cast(
    type[BaseParticipantFormSet],
    forms.formset_factory(
        ParticipantForm, formset=BaseParticipantFormSet, extra=2, can_delete=True
    ),
)


# Citations ---------------------------------------------------------------------------------


def located_from_offsets(
    passage: Passage, start: int, end: int, quote: str | None = None
) -> Located:
    """The citation for ``passage.text[start:end]``, trimmed of surrounding spaces.

    The offsets come from a browser selection: the server takes the quote from its own copy
    of the passage, and refuses a ``quote`` (what the browser saw) that differs from it.
    """
    text = passage.text
    if end <= start:
        raise CitationError(
            f"The selection is empty (start {start}, end {end}): it touches no text; "
            "select the words to cite."
        )
    if start < 0 or end > len(text):
        raise CitationError(
            f"Offsets {start}–{end} are outside passage {passage.index} (0–{len(text)}): "
            "select text inside one paragraph."
        )
    if quote is not None and quote != text[start:end]:
        raise CitationError(
            "The selection does not match the passage at those offsets; reload the page and "
            "select again."
        )
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise CitationError("The selection touches no text: select the words to cite.")
    return locate(passage.source, text[start:end], passage.index, start, end, passages=[passage])


# The source box of a new citation suggests this many sources, the newest; any source's key
# or id may be typed. (A <select> of every source was 2.8 MB and 4 s a form at 50,000.)
SOURCE_SUGGESTIONS = 100


class SourceChoiceField(forms.Field):
    """A source typed as its key or id (the browser suggests the newest: ``<datalist>``)."""

    widget = forms.TextInput(
        attrs={"list": "citation-sources", "size": 40, "autocomplete": "off", "spellcheck": "false"}
    )
    default_error_messages = {
        "unknown": "No source has the key or id “%(value)s”: type the key shown in the list "
        "of sources (for example mah-moscow-visit-june-2021) or its id.",
    }

    def prepare_value(self, value):
        return value.key if isinstance(value, Source) else value

    def to_python(self, value) -> Source | None:
        value = "" if value is None else str(value).strip()
        if not value:
            return None
        if has_nul(value):  # no key holds one, and PostgreSQL cannot compare it
            raise ValidationError(nul_message("source"), code="nul")
        source = Source.objects.by_key_or_id(value).first()
        if source is None:
            shown = value if len(value) <= 60 else value[:59] + "…"
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": shown}
            )
        return source


class NewCitationForm(NulNamed, forms.Form):
    # Hidden fields' errors are listed after their label (event_form.html).
    named_by_template = frozenset({"passage", "start", "end"})

    source = SourceChoiceField(
        required=False,
        help_text="The source's key or id; the newest sources are suggested as you type.",
    )
    quote = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The exact words of the source.",
    )
    passage = forms.IntegerField(
        required=False, min_value=0, widget=forms.HiddenInput, label="Passage index"
    )
    start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    date_text = forms.CharField(
        max_length=200, required=False, label="Date as this source writes it"
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 1}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        source, quote = data.get("source"), data.get("quote") or ""
        if not quote.strip():
            if source is not None:
                self.add_error("quote", "Copy the exact words from the source to cite.")
            return data
        if source is None:
            if "source" not in self.errors:  # (an unknown key says so already)
                self.add_error("source", "Choose the source this quote comes from.")
            return data
        index, start, end = data.get("passage"), data.get("start"), data.get("end")
        try:
            if index is None:
                data["located"] = locate(source, quote.strip())
            else:
                data["located"] = locate(source, quote, index, start, end)
        except CitationError as exc:
            if index is None:
                self.add_error("quote", str(exc))
                return data
            # The quote was edited after a selection: find the new words on their own.
            try:
                data["located"] = locate(source, quote.strip())
            except CitationError:
                self.add_error("quote", str(exc))
        return data


class BaseNewCitationFormSet(forms.BaseFormSet):
    def source_suggestions(self) -> QuerySet:
        """The newest sources, offered in the source box (one query, in the template)."""
        return Source.objects.only("pk", "key", "title").order_by("-pk")[:SOURCE_SUGGESTIONS]

    def citations(self) -> list[tuple[Located, str, str]]:
        return [
            (
                form.cleaned_data["located"],
                form.cleaned_data["date_text"],
                form.cleaned_data["note"],
            )
            for form in self.forms
            if form.cleaned_data.get("located")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        spans = [(loc.passage.pk, loc.start, loc.end) for loc, _d, _n in self.citations()]
        if len(spans) != len(set(spans)):
            raise ValidationError("The same quote is added twice; add it once.", code="duplicate")


NewCitationFormSet = cast(
    type[BaseNewCitationFormSet],
    forms.formset_factory(NewCitationForm, formset=BaseNewCitationFormSet, extra=1),
)


class RemoveCitationsForm(NulNamed, forms.Form):
    remove_citation = forms.ModelMultipleChoiceField(
        queryset=Citation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Remove",
        error_messages={
            "invalid_choice": "A citation you ticked to remove is no longer on this event "
            "(someone removed it in between): reload the page to see its citations now.",
        },
    )

    def __init__(self, *args, event: Event | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if event is not None and event.pk:
            field = cast(forms.ModelMultipleChoiceField, self.fields["remove_citation"])
            field.queryset = Citation.objects.filter(event=event)


class CiteForm(NulNamed, forms.Form):
    """A selection in the source reader: a passage and offsets (and what the browser saw)."""

    # The cite search lists each error after its field's name.
    named_by_template = frozenset({"passage", "start", "end", "quote", "version", "q"})

    passage = forms.ModelChoiceField(
        queryset=Passage.objects.select_related("source"),
        error_messages={"invalid_choice": "No such passage: reload the source and select again."},
    )
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)
    quote = forms.CharField(required=False, strip=False)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # The search of events to add the selection to (GET /events/cite-search/ only).
    q = forms.CharField(required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        try:
            data["located"] = located_from_offsets(
                data["passage"], data["start"], data["end"], data.get("quote") or None
            )
        except CitationError as exc:
            raise ValidationError(str(exc)) from None
        return data


class PositionForm(NulNamed, forms.Form):
    """A title an actor held, with when (the actor page's analyst form)."""

    title = forms.CharField(
        max_length=200,
        help_text="As sources write it, e.g. “Russian Defense Minister”; a new title is added.",
        validators=[refuse_direction_controls],
    )
    start = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Blank: not known.",
    )
    start_precision = forms.ChoiceField(choices=Precision.choices, initial=Precision.DAY)
    end = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Blank: still held, or not known.",
    )
    end_precision = forms.ChoiceField(choices=Precision.choices, initial=Precision.DAY)
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What supports these dates: the source, or the public record.",
    )

    def __init__(self, *args, holder: Actor, **kwargs) -> None:
        self.holder = holder
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end is before the start; swap them.")
        title = (data.get("title") or "").strip()
        if title and start is not None:
            posts = Post.objects.named(title).values("pk")
            if self.holder.positions.filter(post__in=posts, start=start).exists():
                self.add_error("title", f"{self.holder} already holds “{title}” from that start.")
        if title and not self.errors:
            clash = office_clash(
                self.holder,
                title,
                start,
                data.get("start_precision") or Precision.DAY,
                end,
                data.get("end_precision") or Precision.DAY,
            )
            if clash:
                self.add_error("title", clash)
        return data
