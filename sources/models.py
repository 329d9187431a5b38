import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Value, When
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from lib.dates import Precision, Reference, format_date, validate_year
from lib.inputs import refuse_direction_controls


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_text(text: str) -> str:
    """The text as its passages read, one a line: what makes two texts the same source.

    Whitespace that changes no passage is dropped (``split_passages``): leading and
    trailing whitespace, blank lines and runs of them, spaces and tabs at either end of a
    line, and which line break ends a line. Whitespace inside a line is kept, as its
    passage keeps it: quotes are checked verbatim against the passages, so "a  b" and
    "a b" are different texts.
    """
    return "\n".join(stripped for line in text.splitlines() if (stripped := line.strip()))


def text_identity(text: str) -> str:
    """The identity of a source's text: SHA-256 of ``canonical_text``. Two texts share it
    exactly when their passages are the same, in the same order; every writer of sources
    (``import_source``, ``/sources/new/``, the bulk loader) looks sources up by it.
    """
    return text_sha256(canonical_text(text))


def split_passages(text: str) -> list[tuple[int, int]]:
    """Paragraph offsets: every non-blank line, without its surrounding spaces.

    Offsets are in characters (code points) of ``text``. The split depends only
    on the text, so re-importing the same text gives the same passages. Their texts, one
    a line, are ``canonical_text``: keep the two in step.
    """
    spans = []
    position = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = position + line.index(stripped)
            spans.append((start, start + len(stripped)))
        position += len(line)
    return spans


def describe_published(date: dt.date | None, precision: str, on_or_after: bool) -> str:
    """A publication date as the pages write it: "June 2021", "written on or after 3 May
    2021", "date unknown" (a source, or a historical record of one)."""
    if date is None:
        return "date unknown"
    when = format_date(date, None, precision)
    return f"written on or after {when}" if on_or_after else when


class SourceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SourceQuerySet":
        """Every source is public; ``citation_count`` counts the citations ``user`` may see."""
        from events.models import Citation

        counts = (
            Citation.objects.visible_to(user)
            .filter(passage__source=models.OuterRef("pk"))
            .order_by()
            .values("passage__source")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            citation_count=Coalesce(models.Subquery(counts, output_field=models.IntegerField()), 0)
        )

    def by_key_or_id(self, value: str) -> "SourceQuerySet":
        value = str(value)
        if value.isascii() and value.isdigit():
            # An id beyond any database integer matches nothing (and must not overflow).
            return self.filter(pk=int(value)) if len(value) <= 9 else self.none()
        return self.by_key(value)

    def by_key(self, value: str) -> "SourceQuerySet":
        """The source of key ``value``, else of ``value`` in lower case (first, for
        ``.first()``): keys are slugs the app writes in lower case, and an analyst typed
        "MAH-Moscow-visit-June-2021" for "mah-moscow-visit-june-2021" and was told no source
        has it. Two lookups of the unique key's index, no scan."""
        value = str(value)
        if value == value.lower():
            return self.filter(key=value)
        as_typed = Case(When(key=value, then=Value(0)), default=Value(1))
        return self.filter(key__in=[value, value.lower()]).order_by(as_typed, "pk")


def date_reference(
    published: dt.date | None,
    precision: str,
    on_or_after: bool,
    reference_date: dt.date | None,
    pk: int | None = None,
) -> Reference:
    """A source's own date as far as it is known (``Source.date_reference``), from its
    columns: for lists that read them as plain rows."""
    if reference_date and (
        reference_date != published or (precision == Precision.DAY and not on_or_after)
    ):
        return Reference(reference_date, source=pk)
    if published is not None:
        return Reference(published, precision, on_or_after, source=pk)
    return Reference(dt.date.today(), known=False, source=pk)


class Source(models.Model):
    key = models.SlugField(
        max_length=100, unique=True, help_text="Stable short name used in links and exports."
    )
    title = models.CharField(max_length=500, validators=[refuse_direction_controls])
    publisher = models.CharField(max_length=300, blank=True, validators=[refuse_direction_controls])
    author = models.CharField(max_length=300, blank=True, validators=[refuse_direction_controls])
    url = models.URLField(max_length=1000, blank=True, verbose_name="URL")
    published_date = models.DateField(
        null=True, blank=True, help_text="First day of the publication period, when known."
    )
    published_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    published_on_or_after = models.BooleanField(
        default=False,
        verbose_name="written on or after",
        help_text="The date is only a lower bound: the text was written on or after it.",
    )
    reference_date = models.DateField(
        null=True,
        blank=True,
        validators=[validate_year],
        help_text='Date used to resolve bare dates in the text, such as "March 26".',
    )
    text = models.TextField(help_text="Full text, UTF-8. Immutable once any passage is cited.")
    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    text_identity = models.CharField(
        max_length=64,
        editable=False,
        help_text="SHA-256 of the text as its passages read (sources.models.canonical_text): "
        "texts that differ only in whitespace no passage keeps are the same source.",
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    # Goes up by one with every change of the details (``sources.services.correct_source``):
    # a form or an API client that read an older one is refused (two analysts at once).
    version = models.PositiveIntegerField(default=1, editable=False)
    # Who changed which detail and when (``sources.history``). The text never changes on a
    # stored source, so it (and what is computed from it) is not copied into every record.
    history = HistoricalRecords(excluded_fields=["text", "sha256", "text_identity"])

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        indexes = [models.Index(fields=["text_identity"], name="source_text_identity_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.sha256 = text_sha256(self.text)
        self.text_identity = text_identity(self.text)
        super().save(*args, **kwargs)

    @property
    def link(self) -> str:
        """The source's address when it is a web address (http or https), else ""."""
        return self.url if self.url.lower().startswith(("http://", "https://")) else ""

    @property
    def dates_read_against(self):
        """The date bare dates in the text ("March 26") are resolved against, if it has one."""
        return self.reference_date or self.published_date

    def date_reference(self) -> Reference:
        """The source's own date as far as it is known, for reading its dates (``Reference``):
        "on Monday" or "yesterday" in an article dated only "December 2025", written on or
        after a date, or undated, is refused rather than given a day the text does not state.

        A ``reference_date`` other than the published date was set for reading (to the day);
        equal to it (the importers' default), it is known as the published date is.
        """
        return date_reference(
            self.published_date,
            self.published_precision,
            self.published_on_or_after,
            self.reference_date,
            self.pk,
        )

    def published_display(self) -> str:
        return describe_published(
            self.published_date, self.published_precision, self.published_on_or_after
        )

    def clean(self) -> None:
        if self.pk and self.is_cited():
            stored = Source.objects.filter(pk=self.pk).values_list("text", flat=True).first()
            if stored is not None and stored != self.text:
                raise ValidationError(
                    {"text": "This source is cited, so its text can no longer change."}
                )

    def is_cited(self) -> bool:
        return self.passages.filter(citations__isnull=False).exists()


class Passage(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="passages")
    index = models.PositiveIntegerField(help_text="Position in the source, from 0.")
    text = models.TextField()
    start = models.PositiveIntegerField(help_text="Offset of the first character in the source.")
    end = models.PositiveIntegerField(help_text="Offset just past the last character.")

    class Meta:
        ordering = ["source", "index"]
        constraints = [
            models.UniqueConstraint(fields=["source", "index"], name="passage_unique_index"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="passage_nonempty_span"
            ),
        ]
        indexes = [
            # A citation's passage number and source, read from the index alone (exports read
            # them for every citation; the table's rows carry the passage's text).
            models.Index(fields=["id", "index", "source"], name="passage_cited_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source.key} ¶{self.index}"

    @property
    def anchor(self) -> str:
        return f"p-{self.index}"
