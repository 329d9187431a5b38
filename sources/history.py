"""A source's history, read from django-simple-history's table: who changed which detail, when.

Every write of a source leaves a historical record (the values after it): its creation (a
page, the API, a command, a bulk load, or the migration that began the history), each
correction (``sources.services.correct_source``, which raises ``version`` by one) and its
deletion in the admin. The text is not recorded: it never changes on a stored source.
"""

from dataclasses import dataclass, field
from typing import Any

from events.history import FieldChange, RecordView, display

from .models import Source, describe_published
from .services import DETAILS, apply_details

# A row of the table django-simple-history builds at run time (HistoricalSource): untyped.
HistoricalRecord = Any

# The details as the history and the conflict show them; the publication date as one line.
SHOWN = (
    ("key", "Key"),
    ("title", "Title"),
    ("publisher", "Publisher"),
    ("author", "Author"),
    ("url", "URL"),
    ("published", "Publication date"),
    ("reference_date", "Reference date"),
)


def values_of(obj, empty: str = "") -> dict[str, str]:
    """``obj`` (a source, or a historical record of one) as the history shows it."""
    values = {
        name: display(Source, name, getattr(obj, name), empty=empty)
        for name, _ in SHOWN
        if name != "published"
    }
    values["published"] = describe_published(
        obj.published_date, obj.published_precision, obj.published_on_or_after
    )
    return values


@dataclass
class Version(RecordView):
    record: HistoricalRecord
    changes: list[FieldChange] = field(default_factory=list)
    # The first record: the details the source was created with, empty ones left out.
    initial: list[tuple[str, str]] = field(default_factory=list)
    is_current: bool = False

    @property
    def number(self) -> int:
        return self.record.version

    @property
    def created(self) -> bool:
        return self.record.history_type == "+"

    @property
    def deleted(self) -> bool:
        return self.record.history_type == "-"


def history(source: Source) -> list[Version]:
    """The source's records newest first, each with what changed since the one before it.

    One query (the records with their users), whatever their number.
    """
    records = source.history.select_related("history_user").order_by("history_date", "history_id")
    versions: list[Version] = []
    before: dict[str, str] | None = None
    for record in records:
        after = values_of(record, empty="(empty)")
        version = Version(record)
        if before is None:
            version.initial = [
                (caption, after[name]) for name, caption in SHOWN if after[name] != "(empty)"
            ]
        else:
            version.changes = [
                FieldChange(caption, before[name], after[name])
                for name, caption in SHOWN
                if before[name] != after[name]
            ]
        versions.append(version)
        before = after
    if versions:
        versions[-1].is_current = True
    return versions[::-1]


def compare(
    current: Source, yours: dict[str, Any], base_version: int | None
) -> tuple[list[dict], HistoricalRecord | None]:
    """What changed between the version the second analyst loaded and ``current``.

    ``yours`` is the details as their form sets them (``SourceEditForm.changes``). Returns
    the rows of the comparison (label, before, theirs, yours) and the record of the loaded
    version (None when the history does not have it: the rows are then the details whose
    saved values differ from the typed ones).
    """
    base = None
    if base_version is not None:
        base = current.history.filter(version=base_version).order_by("-history_id").first()
    typed = Source(**{name: getattr(current, name) for name in DETAILS})
    apply_details(typed, yours)
    theirs, mine = values_of(current), values_of(typed)
    before = values_of(base) if base is not None else None
    rows = []
    for name, caption in SHOWN:
        changed = before[name] != theirs[name] if before is not None else theirs[name] != mine[name]
        if changed:
            rows.append(
                {
                    "label": caption,
                    "before": before[name] if before is not None else None,
                    "theirs": theirs[name],
                    "yours": mine[name],
                }
            )
    return rows, base
