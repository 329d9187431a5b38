"""The timeline and an event's page. Function-based, GET only, htmx-aware."""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from urllib.parse import urlencode

from django.db.models import Case, Count, Expression, IntegerField, Value, When
from django.db.models.lookups import Exact
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from lib.dates import Precision
from lib.htmx import HtmxHttpRequest, for_htmx, wants_partial
from lib.inputs import has_nul, not_a_page, page_number, shown, shown_params
from lib.paging import found_or_404
from sources.models import Source

from .. import axis as time_axis
from .. import tally
from ..axis import MonthOf, YearOf
from ..counts import Counts
from ..disagreement import annotate
from ..filters import EventFilter
from ..models import Event, EventType, Participation, Role

SUGGESTIONS = 10
PAGE_SIZE = 50
TOP_ACTORS = 10
SOURCE_CHOICES = 100
# Roles worth printing beside an actor's name; "participant" says nothing.
TELLING_ROLES = frozenset(Role.values) - {Role.PARTICIPANT}
# The query parameters of the event filter (the API's exports take the same ones).
FILTER_PARAMS = ("actor", "type", "year", "from", "to", "source", "q", "status", "sort")
# How the page draws them (not a filter): the time axis's lanes, and "axis=all" (its default
# window widened to the events a long gap away from the rest: events.axis.dense_years).
VIEW_PARAMS = ("lanes", "axis")
# The API's exports of the current filter: (format, label).
DOWNLOADS = (("csv", "CSV"), ("json", "JSON"), ("ics", "iCalendar"), ("timelinejs", "TimelineJS"))


def visible_events(request: HttpRequest):
    return Event.objects.visible_to(request.user).with_evidence()


# --- The timeline ---------------------------------------------------------------------


@dataclass
class Group:
    """Events of one year (``year`` None: undated), in month groups."""

    year: int | None
    months: list = field(default_factory=list)  # [(month date or None, continued, events)]
    continued: bool = False


def month_key(event: Event) -> tuple[int | None, dt.date | None]:
    if event.date_start is None:
        return None, None
    if event.date_precision == Precision.YEAR:
        return event.date_start.year, None
    return event.date_start.year, event.date_start.replace(day=1)


def group_events(
    events: list[Event], previous: Event | None, *, newest_first: bool = False
) -> list[Group]:
    """Events by year, then month; year-precision events in a "month not given" group first
    (last when newest first).

    ``previous`` is the last event of the previous page: when this page begins in its year
    (or month), that group is marked continued.
    """
    before = month_key(previous) if previous else (object(), object())
    groups = []
    for year, grouped in groupby(events, key=lambda e: month_key(e)[0]):
        group = Group(year, continued=year == before[0])
        in_year = list(grouped)
        if year is None:
            group.months.append((None, group.continued, in_year))
        else:
            dated = [e for e in in_year if month_key(e)[1] is not None]
            for month, items in groupby(dated, key=lambda e: month_key(e)[1]):
                group.months.append((month, (year, month) == before, list(items)))
            whole_year = [e for e in in_year if month_key(e)[1] is None]
            if whole_year:
                at = len(group.months) if newest_first else 0
                group.months.insert(at, ("year", False, whole_year))
        groups.append(group)
    return groups


def filter_query(params: QueryDict, *, drop: tuple[str, ...] = (), **extra) -> str:
    """The filter's query string without empty values or ``drop``; ``extra`` replaces keys.

    An ``extra`` value may be a list (repeated parameter); ``page`` goes last.
    """
    pairs: list[tuple[str, str]] = []
    for key in FILTER_PARAMS + VIEW_PARAMS:
        if key in drop and key not in extra:
            continue
        values = extra.get(key, params.getlist(key))
        values = [values] if isinstance(values, str) else values
        pairs.extend((key, value.strip()) for value in values if value and value.strip())
    if extra.get("page"):
        pairs.append(("page", extra["page"]))
    return urlencode(pairs)


MAX_BARS = 120  # the strip's bars: beyond this many years, each bar covers several


def year_density(
    events, params: QueryDict, months_of: int | None = None, cache: Counts | None = None
) -> tuple[list[dict], int]:
    """One bar per year from the first to the last year of the matching events; the twelve
    months of one year when the events matched all lie within it, or when the filter is that
    one year (``months_of``); runs of years beyond MAX_BARS years.

    A bar counts the events whose interval overlaps its period (as its link filters them), so
    an event over several years counts once in each. One GROUP BY query on the first and last
    year of the events' intervals (and their months, for an interval within one year), cached
    until the next write with ``cache`` (``events.counts``); the whole timeline's years come
    from the tallies instead (then one query for the months when they are all one year's).
    Returns the bars and the undated count.
    """

    def months(year: int) -> dict[str, Expression]:
        # Months of one year: an interval reaching beyond the year counts from/to its edge.
        return {
            "a": Case(
                When(span_start__lt=dt.date(year, 1, 1), then=Value(1)),
                default=MonthOf("span_start"),
            ),
            "b": Case(
                When(span_end__gt=dt.date(year, 12, 31), then=Value(12)),
                default=MonthOf("span_end"),
            ),
        }

    # Years, and for an interval within one year its first and last month: the months the
    # strip draws when every match lies in one year, from the same query.
    within_year = Exact(YearOf("span_start"), YearOf("span_end"))
    years_and_months: dict[str, Expression] = {
        "a": YearOf("span_start"),
        "b": YearOf("span_end"),
        "ma": Case(When(within_year, then=MonthOf("span_start")), output_field=IntegerField()),
        "mb": Case(When(within_year, then=MonthOf("span_end")), output_field=IntegerField()),
    }

    def group(ends: dict[str, Expression]) -> Callable[[], list[dict]]:
        return lambda: list(events.order_by().values(**ends).annotate(n=Count("pk")))

    def counted(name: str, ends: dict[str, Expression]) -> list[dict] | None:
        return cache.cached(name, group(ends), events) if cache else group(ends)()

    if months_of is not None:
        rows = counted(f"density:{months_of}", months(months_of))
    elif cache is not None and cache.whole:
        # The whole timeline: its years from the tallies the database keeps current
        # (events.tally), which do not know months.
        rows = cache.cached(
            "density:None", lambda: tally.year_spans(cache.tallies()), events, budget=False
        )
        if rows is not None and (year := _one_year(rows)) is not None:
            months_of = year
            rows = counted(f"density:{months_of}", months(months_of))
    else:
        rows = counted("density:years-months", years_and_months)
        if rows is not None and (year := _one_year(rows)) is not None:
            months_of = year
            rows = [
                {"a": row["ma"], "b": row["mb"], "n": row["n"]} if row["a"] is not None else row
                for row in rows
            ]
    if rows is None:  # out of the counts' time budget (events.counts)
        return [], 0
    undated = sum(row["n"] for row in rows if row["a"] is None)
    rows = [row for row in rows if row["a"] is not None]
    if not rows:
        return [], undated
    spans = [(r["a"], r["b"], r["n"]) for r in rows]
    if months_of is not None:
        # Every month of the year, those without events too: one June bar alone was drawn
        # across the whole strip, which read as the whole year.
        first = months_of
        unit, step = "month", 1
        low, high = 1, 12
    else:
        first, last = min(s[0] for s in spans), max(s[1] for s in spans)
        unit = "year"
        step = next(
            n
            for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10000)
            if (last - first) // n + 1 <= MAX_BARS
        )
        low, high = first // step * step, last
    counts: Counter = Counter()
    for a, b, n in spans:
        # Each row is a group of whole events: each counts once in every bar it overlaps.
        for bin_ in range(a // step, b // step + 1):
            counts[bin_] += n
    top = max(counts.values())
    bars = []
    for bin_ in range(low // step, high // step + 1):
        if unit == "month":
            period = {"from": f"{first:04d}-{bin_:02d}", "to": f"{first:04d}-{bin_:02d}"}
            name = f"{dt.date(first, bin_, 1):%B} {first}"
            extra, current = period, params.get("from") == period["from"] == params.get("to")
        elif step == 1:
            name = str(bin_)
            extra, current = {"year": name}, params.get("year") == name
        else:
            a, b = max(bin_ * step, 1), min(bin_ * step + step - 1, 9999)
            name = f"{a}–{b}"
            extra = {"from": f"{a:04d}", "to": f"{b:04d}"}
            current = params.get("from") == extra["from"] and params.get("to") == extra["to"]
        drop = ("year", "from", "to", "page") if unit == "month" or step > 1 else ("year", "page")
        bars.append(
            {
                "year": name,
                "unit": unit,
                "count": counts[bin_],
                "height": round(100 * counts[bin_] / top),
                "query": filter_query(params, drop=drop, **extra),
                "current": current,
                # Runs of years print their first year; months their short name.
                "tick": name[:3] if unit == "month" else name.split("–")[0],
                "label": "major"
                if unit == "month"
                else _year_label(bin_, low // step, high // step),
            }
        )
    return bars, undated


def _one_year(rows: list[dict]) -> int | None:
    """The year every dated row (``a``, ``b``: its first and last year) lies in, if one."""
    years = {year for row in rows if row["a"] is not None for year in (row["a"], row["b"])}
    return years.pop() if len(years) == 1 else None


def _year_label(year: int, first: int, last: int) -> str:
    """Which years the strip prints: "major" everywhere, "minor" only on wide screens.

    The first and last year, and round years far enough from them not to crowd their labels
    (on a phone too); a span of a dozen years or fewer prints every year.
    """
    if last - first < 12 or year in (first, last):
        return "major"
    # On a phone a label is about a ninth of the strip's width: a round year nearer the ends
    # than that would print over the first or last year ("20202026"), so only wide screens
    # print it.
    near = max(6, -(-(last - first + 1) // 9))
    if year % 10 == 0 and first + near <= year <= last - near:
        return "major"
    if year % 10 == 0 and first + 6 <= year <= last - 6:
        return "minor"
    if year % 5 == 0 and first + 3 <= year <= last - 3:
        return "minor"
    return ""


def axis_window(data: dict) -> tuple[dt.date | None, dt.date | None]:
    """The window a valid filter asks for: from's first day, to's last day (or its year)."""
    first = data["from"][0] if data.get("from") else None
    last = data["to"][1] if data.get("to") else None
    if data.get("year"):
        year = data["year"]
        first = max(first or dt.date(year, 1, 1), dt.date(year, 1, 1))
        last = min(last or dt.date(year, 12, 31), dt.date(year, 12, 31))
    return first, last


def build_axis(
    request: HttpRequest,
    events,
    data: dict,
    *,
    path: str,
    counts: Counts | None = None,
    htmx: bool = False,
    lanes: bool = False,
    target: str = "",
) -> dict:
    """The time axis of ``events`` (filtered by ``data``) with its links, rendered
    (``events/_axis.html``): the template context ``axis_html``.

    ``htmx``: its links swap #results; ``lanes``: it offers type and actor lanes; ``target``:
    its marks open there. With ``counts``, the rendered axis is cached until the next write
    (``events.counts``; the events' SQL, which says who sees drafts, and the filter its links
    keep are part of the key): at a million events it is a few hundred marks and clusters,
    the half of a timeline page's rendering.
    """
    params = request.GET
    lanes_by = "actor" if params.get("lanes") == "actor" else "type"
    wanted = axis_window(data)
    base_query = filter_query(params, drop=("year", "page", "from", "to"))

    def load():
        return time_axis.load_axis(
            events,
            wanted=wanted,
            lanes_by=lanes_by,
            type_labels=dict(EventType.choices),
            participations=lambda: Participation.objects.visible_to(request.user),
            # The whole timeline: its counts by type and year are kept by the database.
            tallies=counts.tallies() if counts and counts.whole else None,
            full=params.get("axis") == "all",
        )

    def render() -> str:
        axis = load()
        if axis is not None:
            time_axis.link(axis, lambda extra: filter_query(params, drop=("year", "page"), **extra))
        context = {
            "axis": axis,
            "axis_url": path,
            "axis_base_query": base_query,
            "axis_htmx": htmx,
            "axis_lanes": lanes,
            "axis_target": target,
        }
        return str(render_to_string("events/_axis.html", context))

    if counts is None:
        html = render()
    else:
        # The links keep the filter's own words (its actor as typed, its order): in the key.
        key = f"axis-html:{lanes_by}:{wanted}:{path}:{htmx}:{lanes}:{target}:{filter_query(params)}"
        html = counts.cached(key, render, events) or ""  # "": out of budget (events.counts)
    return {"axis_html": mark_safe(html)}  # rendered (escaped) by the template engine


@dataclass
class Named:
    """What the filter's actors and source are called, by the values typed for them: an
    actor's name for its slug or alias ("min-aung-hlaing": "Min Aung Hlaing"), a source's
    title for its key or id. A value nothing has keeps its own text."""

    actors: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def actor(self, typed: str) -> str:
        return self.actors.get(typed, typed)

    @classmethod
    def of(cls, filterset: EventFilter, names: list[str]) -> "Named":
        """From what validating ``filterset`` read (no query of its own): its actor field's
        groups for ``names`` (the actor values given, stripped), its source's title."""
        resolved = getattr(filterset.form.fields.get("actor"), "resolved", None) or []
        actors = {}
        if len(resolved) == len(names):
            for name, group in zip(names, resolved, strict=True):
                if group.names:
                    actors[name] = " or ".join(group.names)
        data = getattr(filterset.form, "cleaned_data", {})
        return cls(actors, getattr(data.get("source"), "title", ""))


def filters_in_words(params: QueryDict, named: Named | None = None) -> str:
    """The filter as a sentence for a printed brief: "Type: visit · Actor: Russia · ..."."""
    named = named or Named()
    labels = dict(EventType.choices)
    parts = []
    if params.get("q", "").strip():
        parts.append(f"Text: “{params.get('q', '').strip()}”")
    if actors := [named.actor(a.strip()) for a in params.getlist("actor") if a.strip()]:
        parts.append("Actors: " + " and ".join(dict.fromkeys(actors)))
    if types := [labels.get(t, t) for t in params.getlist("type") if t]:
        parts.append("Type: " + " or ".join(types))
    if params.get("year"):
        parts.append(f"Year: {params['year']}")
    if params.get("from") or params.get("to"):
        parts.append(f"From {params.get('from') or 'the start'} to {params.get('to') or 'the end'}")
    if params.get("source"):
        parts.append(f"Source: {named.source or params['source']}")
    if params.get("status"):
        parts.append(f"Status: {params['status']}")
    return " · ".join(parts) or "All events"


LOOSENED_CAP = 1000  # a loosened filter's count: "1,000 or more" beyond


def loosenings(request: HttpRequest, params: QueryDict, named: Named | None = None) -> list[dict]:
    """For a filter that matches nothing: each of its conditions left out in turn (the text,
    each actor, the types, the year, the from/to window, the source, the status), with how
    many events the rest matches (counted up to LOOSENED_CAP) and its link, so the reader
    sees which condition empties the list. One count a condition: a few, whatever the data.
    Actors and the source are called by their names (``named``), not as typed.
    """
    named = named or Named()
    labels = dict(EventType.choices)
    actors = [name.strip() for name in params.getlist("actor") if name.strip()]
    options: list[tuple[str, str]] = []
    if q := params.get("q", "").strip():
        options.append((f"the text “{q}”", filter_query(params, drop=("q", "sort"))))
    for i, name in enumerate(actors):
        others = actors[:i] + actors[i + 1 :]
        options.append((f"the actor “{named.actor(name)}”", filter_query(params, actor=others)))
    if types := [labels.get(t, t) for t in params.getlist("type") if t.strip()]:
        options.append(("the type " + " or ".join(types), filter_query(params, drop=("type",))))
    if year := params.get("year", "").strip():
        options.append((f"the year {year}", filter_query(params, drop=("year",))))
    start, end = params.get("from", "").strip(), params.get("to", "").strip()
    if start or end:
        window = f"from {start or 'the start'} to {end or 'the end'}"
        options.append((window, filter_query(params, drop=("from", "to"))))
    if source := params.get("source", "").strip():
        shown_source = named.source or source
        options.append((f"the source “{shown_source}”", filter_query(params, drop=("source",))))
    if status := params.get("status", "").strip():
        options.append((f"the status {status}", filter_query(params, drop=("status",))))
    loosened = []
    for words, query in options:
        rest = EventFilter(
            QueryDict(query), queryset=visible_events(request).chronological(), request=request
        )
        if not rest.is_valid():
            continue
        _ = rest.qs  # filtering sets ``matches``: every match, unranked
        n = rest.matches.count_upto(LOOSENED_CAP)
        loosened.append({"words": words, "query": query, "count": n, "more": n >= LOOSENED_CAP})
    return loosened


def parse_page(value: str | None) -> int | None:
    """The page number (1 when absent), or None when ``value`` is no positive number."""
    if value is None or value == "":
        return 1
    return page_number(value)


def actor_chips(
    params, names: list[str], groups: list | None, named: Named | None = None
) -> list[dict]:
    """The chosen actors' chips: one per actor (or title), however many of ``names`` name it
    (its slug, name and an alias, or one name twice: the filter counts it once), labelled
    with its name (``named``: "Min Aung Hlaing" for min-aung-hlaing; a name nothing has, as
    typed) and holding its first spelling; its remove link drops every name of it. Names not
    all resolved (the form names each unknown one) are told apart by their exact text, as the
    message names them. A name with a NUL gets no chip: the form says to remove it, and a
    chip could only hold it changed (as U+FFFD), a name the reader never wrote that the next
    Filter would send."""
    names = [name for name in names if not has_nul(name)]  # (the form refused them all)
    if groups is not None and len(groups) == len(names):
        keys: list = [(frozenset(group), frozenset(group.posts)) for group in groups]
    else:
        keys = list(names)
    chips = []
    for i, (name, key) in enumerate(zip(names, keys, strict=True)):
        if key in keys[:i]:
            continue
        others = [other for other, its in zip(names, keys, strict=True) if its != key]
        label = shown((named or Named()).actor(name))
        chips.append(
            {"name": shown(name), "label": label, "remove": filter_query(params, actor=others)}
        )
    return chips


@require_safe
@for_htmx(use_partial="fragment")
def timeline(request: HtmxHttpRequest) -> HttpResponse:
    params = request.GET
    filterset = EventFilter(
        params, queryset=visible_events(request).chronological(), request=request
    )
    actor_names = [name.strip() for name in params.getlist("actor") if name.strip()]
    context = {
        "filterset": filterset,
        "params": shown_params(params),  # echoed into the filter form
        # The types the menu counts as chosen: an unknown one is the error's to name.
        "types": [kind for kind in params.getlist("type") if kind in EventType.values],
        "type_choices": EventType.choices,
        # A capped list of suggestions for the source box: any key or id may be typed.
        "sources": Source.objects.only("pk", "key", "title").order_by("-pk")[:SOURCE_CHOICES],
        "filtered": bool(filter_query(params, drop=("sort", *VIEW_PARAMS))),
        "query": filter_query(params),  # the page's address (pushed by htmx)
        # The downloads' filter: the API's parameters only (it refuses the page's "lanes").
        "download_query": filter_query(params, drop=VIEW_PARAMS),
        "page_size": PAGE_SIZE,
        "download_formats": DOWNLOADS,
        # The loops over bars and facets link here: one reverse() rather than hundreds.
        "timeline_url": reverse("timeline"),
    }
    errors: dict[str, list[str]] = {}
    computed: Counts | None = None  # flushed to the cache at the end, errors or not
    page = parse_page(params.get("page"))
    if page is None:
        errors["page"] = [
            not_a_page(
                params.get("page", ""),
                "pages are numbered from 1 (page=2 is the second); leave it out for the first",
            )
        ]
    if not filterset.is_valid():
        errors.update({k: list(v) for k, v in filterset.errors.items()})
    named = Named.of(filterset, actor_names)
    context["filters_words"] = shown(filters_in_words(params, named))
    context["actors"] = actor_chips(
        params, actor_names, filterset.form.cleaned_data.get("actor"), named
    )
    if not errors and page is not None:  # page is None only with an error
        events_qs = filterset.qs
        # Counts over every match (a ranked q lists the best of the newest RANK_CAP), cached
        # until the next write (events.counts).
        # Within a time budget: beyond it they are computed in the background and the page
        # lists its events with a note instead (count None: the number is not known yet).
        counts = computed = Counts(filterset.matches, budgeted=True, batched=True)
        if filterset.filters_nothing:
            # Every visible event: its facets from the tallies the database keeps current.
            counts.of_whole_timeline(tally.statuses_of(request.user))
        type_counts = counts.type_counts()
        count = None if type_counts is None else sum(type_counts.values())
        listed = None if count is None else min(count, filterset.cap) if filterset.cap else count
        start = (page - 1) * PAGE_SIZE
        if count is not None and listed is not None and page > 1 and start >= listed:
            last = max(1, -(-listed // PAGE_SIZE))
            pages = f"{last:,} page{'' if last == 1 else 's'}"
            if listed < count:  # a ranked list holds the best of the newest RANK_CAP
                errors["page"] = [
                    f"page: ranked by relevance, the list has {pages} (the best of the newest "
                    f"{listed:,} of {count:,} events); write page={last} or less, or sort by "
                    "date (sort=date) to page through them all."
                ]
            else:
                errors["page"] = [
                    f"page: there {'is' if last == 1 else 'are'} only {pages} of {count:,} "
                    f"events; write page={last} or less."
                ]
    if not errors and page is not None:  # page is None only with an error
        ranked = filterset.ranked
        # Without their evidence: each event's card is cached (Counts.cards).
        events_qs = events_qs.prefetch_related(None)
        # Without the count, one more event says whether there are more.
        extra = 1 if listed is None else 0
        # The page's ids are cached until the next write too (Counts.rows).
        if page > 1:
            rows = counts.rows(start - 1, start + PAGE_SIZE + extra, events_qs)
            previous, events = rows[0], rows[1:]
        else:
            previous, events = None, counts.rows(0, PAGE_SIZE + extra, events_qs)
        beyond = len(events) > PAGE_SIZE
        events = events[:PAGE_SIZE]
        counts.cards(events)
        chosen = {pk for pks in filterset.form.cleaned_data.get("actor") or [] for pk in pks}
        top_actors = counts.actor_counts(TOP_ACTORS, exclude=chosen)
        context.update(
            build_axis(
                request,
                filterset.matches,
                filterset.form.cleaned_data,
                path=reverse("timeline"),
                counts=counts,
                htmx=True,
                lanes=True,
            )
        )
        labels = dict(EventType.choices)
        window = axis_window(filterset.form.cleaned_data)
        one_year = (
            window[0].year if window[0] and window[1] and window[0].year == window[1].year else None
        )
        bars, undated = year_density(filterset.matches, params, one_year, counts)
        more = beyond if listed is None else start + PAGE_SIZE < listed
        context.update(
            counts_pending=counts.pending,
            # Nothing matches: which condition empties the list (one count each).
            loosened=loosenings(request, params, named)
            if count == 0 and context["filtered"]
            else [],
            count=count,
            page=page,
            first_number=start + 1,
            last_number=start + len(events),
            ranked=ranked,
            events=events,
            groups=[]
            if ranked
            else group_events(events, previous, newest_first=params.get("sort") == "-date"),
            type_counts=[
                {
                    "label": labels.get(value, value),
                    "n": n,
                    "query": filter_query(params, drop=("type",), type=value),
                }
                for value, n in sorted(
                    (type_counts or {}).items(), key=lambda item: (-item[1], item[0])
                )
            ],
            bars=bars,
            bar_unit="month" if bars and not bars[0]["year"][:1].isdigit() else "year",
            undated=undated,
            top_actors=[
                {**row, "query": filter_query(params, actor=[*actor_names, row["actor__slug"]])}
                for row in top_actors or []
            ],
            next_query=filter_query(params, page=str(page + 1)) if more else "",
            previous_query=filter_query(params, page=str(page - 1) if page > 2 else None),
            date_query=filter_query(params, sort="date"),
            listed=count if listed is None else listed,
        )
    if computed is not None:
        computed.flush()  # what the page computed (also before a page error), into the cache
    context["errors"] = errors
    status = 400 if errors and request.htmx else 200
    template = "events/timeline.html"
    if wants_partial(request) and not errors and request.htmx.trigger == "load-more":
        template += "#more"
        # Appended under the page before: a year or month it continues needs no heading again.
        context["appended"] = True
    response = TemplateResponse(request, template, context, status=status)
    if wants_partial(request) and template.endswith(".html"):
        query = context["query"]
        url = reverse("timeline") + (f"?{query}" if query else "")
        # One history entry per change: a repeat of the page already shown pushes nothing
        # (Enter in the text box fires keyup, change and submit for the same filter).
        unchanged = url == request.htmx.current_url_abs_path
        response["HX-Push-Url"] = "false" if unchanged else url
    return response


@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = found_or_404(visible_events(request), pk)
    annotate([event])
    return render(request, "events/event_detail.html", {"event": event})
