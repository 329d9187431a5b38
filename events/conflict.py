"""Two analysts at once: what the other analyst changed since the version the form loaded."""

from __future__ import annotations

from lib.dates import format_date

from .history import display, label
from .models import Citation, Event, Participation

# The fields compared, shown as the history shows them; the date as one line.
FIELDS = ("title", "type", "status", "summary", "location", "date_text")
COMPARED = [(name, label(Event, name).capitalize()) for name in FIELDS] + [("date", "Date")]


def values_of(obj) -> dict[str, str]:
    """``obj`` (an event, or a historical record of one) as the comparison shows it."""
    values = {name: display(Event, name, getattr(obj, name, ""), empty="") for name in FIELDS}
    values["date"] = format_date(
        obj.date_start, obj.date_end, obj.date_precision, obj.date_approximate
    )
    return values


def base_record(event: Event, base_version: int | None):
    """The event as the second analyst loaded it, from the history when it is kept."""
    history = getattr(event, "history", None)
    if history is None or base_version is None:
        return None
    return history.filter(version=base_version).order_by("-history_date").first()


def compare(
    current: Event, yours: Event, your_actors: list[str], shown: set[int], base_version: int | None
) -> tuple[list[dict], object | None]:
    """The changes between the version the second analyst loaded and ``current``.

    ``yours`` is the unsaved event as typed, ``your_actors`` its "name (role)" rows and
    ``shown`` the citation ids the form listed. Returns the rows of the comparison table and
    the history record of the loaded version (None when it is not kept).
    """
    theirs = values_of(current)
    yours_values = values_of(yours)
    base = base_record(current, base_version)
    before = values_of(base) if base is not None else None
    changes = []
    for name, caption in COMPARED:
        changed = (
            before[name] != theirs[name]
            if before is not None
            else theirs[name] != yours_values[name]
        )
        if changed:
            changes.append(
                {
                    "label": caption,
                    "before": before[name] if before is not None else None,
                    "theirs": theirs[name],
                    "yours": yours_values[name],
                }
            )
    current_actors = sorted(
        f"{p.actor.name} ({p.role})"
        for p in Participation.objects.filter(event=current).select_related("actor")
    )
    your_actors = sorted(your_actors)
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
    added = [c for c in current_citations if c.pk not in shown]
    gone = shown - {c.pk for c in current_citations}
    if added or gone:
        done = [f"added “{c.quote}”" for c in added]
        if gone:
            done.append(f"removed {len(gone)} citation{'s' if len(gone) > 1 else ''}")
        changes.append(
            {
                "label": "Citations",
                "before": f"{len(shown)} citation{'s' if len(shown) != 1 else ''}",
                "theirs": "; ".join(done),
                "yours": "your additions and removals are kept below",
            }
        )
    return changes, base
