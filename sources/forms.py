"""Adding a source in the browser: pasted text or an uploaded .txt or .html file."""

import datetime as dt
from collections.abc import Collection
from pathlib import PurePath
from typing import Any

from django import forms

from lib.dates import (
    CountedFromReferenceError,
    DateTextError,
    ParsedDate,
    Precision,
    format_date,
    validate_year,
)
from lib.forms import NulNamed
from lib.inputs import DIRECTION_CONTROLS, refuse_direction_controls

from .html import html_to_text, looks_like_html
from .models import Source
from .services import (
    MAX_SOURCE_BYTES,
    SourceError,
    correct_source,
    decode_text,
    existing_source,
    read_published,
)

UPLOAD_SUFFIXES = (".txt", ".html", ".htm")


class SourceDetailsForm(NulNamed, forms.Form):
    """A source's details other than its text: what adding a source takes
    (``SourceForm``) and what correcting one may change (``SourceEditForm``)."""

    title = forms.CharField(
        max_length=500,
        required=False,
        help_text="Defaults to the HTML title or the first line.",
        validators=[refuse_direction_controls],
    )
    publisher = forms.CharField(
        max_length=300,
        required=False,
        validators=[refuse_direction_controls],
    )
    author = forms.CharField(
        max_length=300,
        required=False,
        validators=[refuse_direction_controls],
    )
    url = forms.URLField(max_length=1000, required=False, label="URL", assume_scheme="https")
    published = forms.CharField(
        max_length=100,
        required=False,
        label="Publication date",
        help_text='As written: "22 June 2021", "June 2021" or "2021".',
    )
    published_on_or_after = forms.BooleanField(
        required=False,
        label="written on or after this date",
        help_text="Tick when the date is only a lower bound.",
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or dt.date.today()

    def clean_published(self) -> ParsedDate | None:
        written = self.cleaned_data.get("published", "").strip()
        if not written:
            return None
        try:
            parsed = read_published(written, self.today)
        except CountedFromReferenceError as exc:
            raise forms.ValidationError(str(exc)) from None
        except DateTextError as exc:
            # The first sentence says what failed; the hint is for this field, which takes one date.
            problem = str(exc).split(". Write it like")[0].rstrip(".")
            raise forms.ValidationError(
                f"{problem}. Write one date such as “22 June 2021”, “June 2021” or “2021”."
            ) from None
        if parsed.end is not None:
            raise forms.ValidationError(
                f"“{written}” is a range ({parsed.describe()}); give the one date the article was "
                "published."
            )
        if parsed.start > self.today:
            raise forms.ValidationError(
                f"“{written}” reads as {parsed.describe()}, which is in the future; give the date "
                "the article was published, with its year."
            )
        return parsed

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("published_on_or_after") and not self.data.get("published", "").strip():
            self.add_error(
                "published_on_or_after",
                "“written on or after this date” needs a publication date: give the earliest "
                "date the article can have been written, or untick it.",
            )
        return data


class SourceForm(SourceDetailsForm):
    text = forms.CharField(
        required=False,
        strip=False,
        # Full width: app.css. The browser checks the size before sending
        # (static/js/source_new.js reads data-max-bytes).
        widget=forms.Textarea(attrs={"rows": 14, "data-max-bytes": MAX_SOURCE_BYTES}),
        label="Paste the text",
        help_text="Plain text, at most 2 MB; each non-blank line becomes a passage.",
    )
    keep_as_typed = forms.BooleanField(
        required=False,
        label="keep the pasted text as typed",
        help_text="Pasted HTML (tags such as <p>) is reduced to its text like an uploaded .html "
        "file; tick to keep the markup as the text of the source.",
    )
    file = forms.FileField(
        required=False,
        label="or upload a file",
        help_text=".txt (UTF-8) or .html (reduced to its text), at most 2 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".txt,.html,.htm", "data-max-bytes": MAX_SOURCE_BYTES}
        ),
    )

    field_order = ["text", "keep_as_typed", "file"]

    def __init__(self, *args, today: dt.date | None = None, **kwargs) -> None:
        super().__init__(*args, today=today, **kwargs)
        self.existing: Source | None = None
        self.html_title = ""
        self.read_as_html = False  # pasted text reduced to the text of its markup

    def clean_file(self) -> str | None:
        """The uploaded file's text, or None when no file was sent."""
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        name = PurePath(upload.name).name
        suffix = PurePath(name).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(
                f"“{name}” is not a .txt or .html file; save the article as one of those."
            )
        if upload.size > MAX_SOURCE_BYTES:
            raise forms.ValidationError(f"“{name}” is larger than 2 MB; split it or trim it.")
        try:
            text = decode_text(upload.read(), f"“{name}”")
        except SourceError as exc:
            raise forms.ValidationError(str(exc)) from None
        if suffix in (".html", ".htm"):
            reduced = html_to_text(text)
            if not reduced.text.strip():
                raise forms.ValidationError(
                    f"“{name}” has no readable text once scripts, styles and tags are removed."
                )
            self.html_title = reduced.title
            text = reduced.text
        return text

    def clean_text(self) -> str:
        text = self.cleaned_data.get("text", "")
        # Browsers send line breaks as CRLF; store them as the text reads. A byte-order mark
        # pasted with the text is no character of it (an upload's is dropped as it is read).
        text = text.replace("\r\n", "\n").removeprefix("\ufeff")
        if len(text.encode("utf-8")) > MAX_SOURCE_BYTES:
            raise forms.ValidationError("The text is larger than 2 MB; split it or trim it.")
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        pasted = data.get("text") or ""
        uploaded = data.get("file")
        if "text" in self.errors or "file" in self.errors:
            return data
        if pasted.strip() and uploaded is not None:
            raise forms.ValidationError("Paste the text or upload a file, not both.")
        if uploaded is None and not pasted.strip():
            if pasted:
                self.add_error("text", "The text is empty: there is nothing to import.")
            else:
                raise forms.ValidationError(
                    "Paste the article's text or upload a .txt or .html file."
                )
            return data
        if uploaded is None and not data.get("keep_as_typed") and looks_like_html(pasted):
            reduced = html_to_text(pasted)
            if not reduced.text.strip():
                self.add_error(
                    "text",
                    "The pasted HTML has no readable text once scripts, styles and tags are "
                    "removed; paste the article's text, or tick “keep the pasted text as typed”.",
                )
                return data
            self.html_title = reduced.title
            self.read_as_html = True
            pasted = reduced.text
        text = uploaded if uploaded is not None else pasted
        data["source_text"] = text
        self.existing = existing_source(text)
        if self.existing is not None:
            raise forms.ValidationError(
                f"This text is already a source: “{self.existing.title}”. Nothing was added."
            )
        if not data.get("title"):
            first_line = next(line.strip() for line in text.splitlines() if line.strip())
            # Read from the text, not typed: its direction controls are dropped, not refused.
            title = DIRECTION_CONTROLS.sub("", self.html_title or first_line).strip()
            data["title"] = (title or "Untitled")[:500]
        return data


class DayField(forms.DateField):
    """A day written YYYY-MM-DD; a value of another type (a number sent as JSON) is checked as
    its text, so it is the field's error, not a server error."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, str | dt.date):
            value = str(value)
        return super().to_python(value)


class SourceEditForm(SourceDetailsForm):
    """Correcting a source's details: the add form's fields and checks, without the text
    (citations quote it verbatim, so it never changes here) and with a title required; with
    the reference date its relative dates are read against, and the version the form was
    opened at (``versioned``: the page's form carries it; the API sends it as If-Match)."""

    # Hidden fields' errors are listed with the form's (source_edit.html).
    named_by_template = frozenset({"version"})

    reference_date = DayField(
        required=False,
        label="Reference date",
        input_formats=["%Y-%m-%d"],
        validators=[validate_year],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the day as YYYY-MM-DD, such as 2021-06-22."},
        help_text="The day the text's own dates are read against in its suggestions: a bare "
        "“26 March” takes its year, “on Tuesday” or “last month” its day. Leave it blank (or "
        "give the publication date) to read them against the publication date, which it then "
        "follows when that changes; a day set apart is kept.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    # Each field of the form and the details of the source it sets (``changes``).
    SETS = {
        "title": ("title",),
        "publisher": ("publisher",),
        "author": ("author",),
        "url": ("url",),
        "published": ("published_date", "published_precision"),
        "published_on_or_after": ("published_on_or_after",),
        "reference_date": ("reference_date",),
    }

    def __init__(
        self, *args, source: Source, today: dt.date | None = None, versioned: bool = True, **kwargs
    ) -> None:
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", {**self.initial_for(source), "version": source.version})
        super().__init__(*args, today=today, **kwargs)
        self.source = source
        self.versioned = versioned
        self.fields["title"].required = True
        self.fields["title"].help_text = ""
        if not versioned:
            del self.fields["version"]

    @staticmethod
    def initial_for(source: Source) -> dict[str, Any]:
        """The form's fields as ``source`` has them (the version aside). A reference date that
        is the publication date is blank: it follows that date."""
        published = ""
        if source.published_date is not None:
            published = format_date(source.published_date, None, source.published_precision)
        reference = source.reference_date
        return {
            "title": source.title,
            "publisher": source.publisher,
            "author": source.author,
            "url": source.url,
            "published": published,
            "published_on_or_after": source.published_on_or_after,
            "reference_date": None if reference in (None, source.published_date) else reference,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.versioned and "version" not in self.errors and data.get("version") is None:
            self.add_error(None, "This form lost its version number: reload the page.")
        return data

    def changes(self, fields: Collection[str] | None = None) -> dict[str, Any]:
        """The source's details as the form's ``fields`` (all by default) set them."""
        data = self.cleaned_data
        published = data["published"]
        values = {
            "title": data["title"],
            "publisher": data["publisher"],
            "author": data["author"],
            "url": data["url"],
            "published_date": published.start if published else None,
            "published_precision": published.precision if published else Precision.DAY,
            "published_on_or_after": data["published_on_or_after"],
            # None: the publication date, followed (sources.services.apply_details).
            "reference_date": data["reference_date"],
        }
        names = self.SETS if fields is None else [name for name in self.SETS if name in fields]
        return {detail: values[detail] for name in names for detail in self.SETS[name]}

    def save(self, *, fields: Collection[str] | None = None, base_version=None, user=None) -> bool:
        """Write the details to the source (``sources.services.correct_source``, which says
        how the reference date follows the publication date); True when the date its text is
        read against changed (the suggestions are read again, cited events are not
        rewritten). ``fields``: the form's fields to write (all by default; the API writes
        those sent). The version is the form's own, else ``base_version``. A stale one is a
        ``SourceEditConflict``: nothing is written."""
        if self.versioned:
            base_version = self.cleaned_data.get("version")
        return correct_source(
            self.source, self.changes(fields), base_version=base_version, user=user
        )
