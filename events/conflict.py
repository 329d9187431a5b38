"""Two analysts at once: what the other analyst changed since the version the form loaded."""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict

from lib.dates import format_date

from .history import display, label, timeline
from .models import Actor, Citation, Event, Participation

# The fields compared, shown as the history shows them; the date as one line.
FIELDS = ("title", "type", "status", "summary", "attribution", "location", "date_text")
COMPARED = [(name, label(Event, name).capitalize()) for name in FIELDS] + [("date", "Date")]
# The form's inputs of each compared row: the date as written and its reading go together.
DATE_INPUTS = ("date_text", "date_start", "date_end", "date_precision", "date_approximate")
INPUTS = {name: (name,) for name in FIELDS if name != "date_text"} | {
    "date_text": DATE_INPUTS,
    "date": DATE_INPUTS,
}


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


def _together(name: str) -> tuple[str, ...]:
    """The compared rows a row's inputs share: the date as written and its reading."""
    return ("date_text", "date") if name in ("date_text", "date") else (name,)


def _actors_at(event: Event, version: int) -> list[str] | None:
    """The event's "name (role)" rows as they stood at ``version`` (None when not kept)."""
    versions = [v for v in timeline(event) if v.number == version]
    if not versions:
        return None
    rows = versions[-1].participations.values()
    names = dict(Actor.objects.filter(pk__in={r.actor_id for r in rows}).values_list("pk", "name"))
    return sorted(f"{names.get(r.actor_id, '?')} ({r.role})" for r in rows)


def keep_theirs(data: QueryDict, current: Event, changes: list[dict]) -> None:
    """Put the other analyst's values into the form's ``data`` where only they changed a
    field since the version the second analyst loaded: saving again then replaces their
    changes only where the second analyst typed something else, instead of silently
    putting back the loaded values of fields the second analyst never touched (a title
    they corrected, reverted by a save of another field). The rows taken are marked."""
    for change in changes:
        if not change["yours_unchanged"]:
            continue
        change["kept_theirs"] = True
        if change["name"] == "actors":
            for key in [k for k in data if k.startswith("actors-")]:
                del data[key]
            rows = list(Participation.objects.filter(event=current).select_related("actor"))
            data["actors-TOTAL_FORMS"] = str(len(rows))
            data["actors-INITIAL_FORMS"] = "0"
            for i, p in enumerate(rows):
                data[f"actors-{i}-name"] = p.actor.name
                data[f"actors-{i}-role"] = p.role
            continue
        for name in INPUTS.get(change["name"], ()):
            value = getattr(current, name)
            if name == "date_approximate":
                if value:
                    data[name] = "on"
                else:
                    data.pop(name, None)
            elif isinstance(value, dt.date):
                data[name] = value.isoformat()
            else:
                data[name] = "" if value is None else str(value)


def compare(
    current: Event, yours: Event, your_actors: list[str], shown: set[int], base_version: int | None
) -> tuple[list[dict], object | None]:
    """The changes between the version the second analyst loaded and ``current``.

    ``yours`` is the unsaved event as typed, ``your_actors`` its "name (role)" rows and
    ``shown`` the citation ids the form listed. Returns the rows of the comparison table
    (each says whether the second analyst left that field as loaded: ``keep_theirs`` then
    takes theirs) and the history record of the loaded version (None when it is not kept).
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
                    "name": name,
                    "label": caption,
                    "before": before[name] if before is not None else None,
                    "theirs": theirs[name],
                    "yours": yours_values[name],
                    "yours_unchanged": before is not None
                    and all(yours_values[n] == before[n] for n in _together(name)),
                }
            )
    current_actors = sorted(
        f"{p.actor.name} ({p.role})"
        for p in Participation.objects.filter(event=current).select_related("actor")
    )
    your_actors = sorted(your_actors)
    if current_actors != your_actors:
        loaded = (
            _actors_at(current, base_version)
            if base is not None and base_version is not None
            else None
        )
        changes.append(
            {
                "name": "actors",
                "label": "Actors",
                "before": None if loaded is None else "; ".join(loaded) or "none",
                "theirs": "; ".join(current_actors) or "none",
                "yours": "; ".join(your_actors) or "none",
                "yours_unchanged": loaded is not None and loaded == your_actors,
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
                "name": "citations",
                "label": "Citations",
                "before": f"{len(shown)} citation{'s' if len(shown) != 1 else ''}",
                "theirs": "; ".join(done),
                "yours": "your additions and removals are kept below",
                "yours_unchanged": False,
            }
        )
    return changes, base
