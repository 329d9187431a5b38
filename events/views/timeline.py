"""The timeline and an event's page. Function-based, GET only, htmx-aware."""

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import groupby
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from lib.dates import Precision
from lib.htmx import HtmxHttpRequest, for_htmx, wants_partial
from sources.models import Source

from ..disagreement import annotate
from ..filters import EventFilter
from ..models import Event, EventType, Role

SUGGESTIONS = 10
PAGE_SIZE = 50
TOP_ACTORS = 10
SOURCE_CHOICES = 100
# Roles worth printing beside an actor's name; "participant" says nothing.
TELLING_ROLES = frozenset(Role.values) - {Role.PARTICIPANT}
# The query parameters of the event filter (the API's exports take the same ones).
FILTER_PARAMS = ("actor", "type", "year", "from", "to", "source", "q", "sort")
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
    for key in FILTER_PARAMS:
        if key in drop and key not in extra:
            continue
        values = extra.get(key, params.getlist(key))
        values = [values] if isinstance(values, str) else values
        pairs.extend((key, value.strip()) for value in values if value and value.strip())
    if extra.get("page"):
        pairs.append(("page", extra["page"]))
    return urlencode(pairs)


def year_density(events, params: QueryDict) -> tuple[list[dict], int]:
    """One bar per year from the first to the last year of the matching events.

    A year counts the events whose interval overlaps it (as ``year=`` filters them), so a
    bar's count is the number of events its link shows (``EventQuerySet.year_counts``, one
    GROUP BY). Returns the bars and undated count.
    """
    counts, undated = events.year_counts()
    if not counts:
        return [], undated
    top = max(counts.values())
    first, last = min(counts), max(counts)
    bars = [
        {
            "year": year,
            "count": counts.get(year, 0),
            "height": round(100 * counts.get(year, 0) / top),
            "query": filter_query(params, drop=("year",), year=str(year)),
            "current": params.get("year") == str(year),
            "label": _year_label(year, first, last),
        }
        for year in range(first, last + 1)
    ]
    return bars, undated


def _year_label(year: int, first: int, last: int) -> str:
    """Which years the strip prints: "major" everywhere, "minor" only on wide screens.

    The first and last year, and round years far enough from them not to crowd their labels;
    a span of a dozen years or fewer prints every year.
    """
    if last - first < 12 or year in (first, last):
        return "major"
    if year % 10 == 0 and first + 6 <= year <= last - 6:
        return "major"
    if year % 5 == 0 and first + 3 <= year <= last - 3:
        return "minor"
    return ""


def parse_page(value: str | None) -> int | None:
    """The page number (1 when absent), or None when ``value`` is no positive number."""
    if value is None or value == "":
        return 1
    if not re.fullmatch(r"[0-9]{1,9}", value) or int(value) < 1:
        return None
    return int(value)


@require_GET
@for_htmx(use_partial="fragment")
def timeline(request: HtmxHttpRequest) -> HttpResponse:
    params = request.GET
    filterset = EventFilter(params, queryset=visible_events(request).chronological())
    actor_names = [name.strip() for name in params.getlist("actor") if name.strip()]
    context = {
        "filterset": filterset,
        "params": params,
        "actors": [
            {
                "name": name,
                "remove": filter_query(params, actor=actor_names[:i] + actor_names[i + 1 :]),
            }
            for i, name in enumerate(actor_names)
        ],
        "types": params.getlist("type"),
        "type_choices": EventType.choices,
        # A capped list of suggestions for the source box: any key or id may be typed.
        "sources": Source.objects.only("pk", "key", "title").order_by("-pk")[:SOURCE_CHOICES],
        "filtered": bool(filter_query(params, drop=("sort",))),
        "query": filter_query(params),
        "page_size": PAGE_SIZE,
        "download_formats": DOWNLOADS,
    }
    errors: dict[str, list[str]] = {}
    page = parse_page(params.get("page"))
    if page is None:
        errors["page"] = [
            f"page: “{params.get('page')}” is not a page number; write page=2 or leave it out."
        ]
    if not filterset.is_valid():
        errors.update({k: list(v) for k, v in filterset.errors.items()})
    if not errors and page is not None:  # page is None only with an error
        events_qs = filterset.qs
        type_counts = events_qs.type_counts()
        count = sum(type_counts.values())
        start = (page - 1) * PAGE_SIZE
        if page > 1 and start >= count:
            last = max(1, -(-count // PAGE_SIZE))
            errors["page"] = [
                f"page: there {'is' if last == 1 else 'are'} only {last} page"
                f"{'' if last == 1 else 's'} of {count} events; write page={last} or less."
            ]
    if not errors and page is not None:  # page is None only with an error
        ranked = filterset.ranked
        if page > 1:
            window = list(events_qs[start - 1 : start + PAGE_SIZE])
            previous, events = window[0], window[1:]
        else:
            previous, events = None, list(events_qs[:PAGE_SIZE])
        annotate(events)
        chosen = {pk for pks in filterset.form.cleaned_data.get("actor") or [] for pk in pks}
        top_actors = events_qs.actor_counts(TOP_ACTORS, exclude=chosen)
        labels = dict(EventType.choices)
        bars, undated = year_density(events_qs, params)
        more = start + PAGE_SIZE < count
        context.update(
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
                for value, n in sorted(type_counts.items(), key=lambda item: (-item[1], item[0]))
            ],
            bars=bars,
            undated=undated,
            top_actors=[
                {**row, "query": filter_query(params, actor=[*actor_names, row["actor__slug"]])}
                for row in top_actors
            ],
            next_query=filter_query(params, page=str(page + 1)) if more else "",
            previous_query=filter_query(params, page=str(page - 1) if page > 2 else None),
            date_query=filter_query(params, sort="date"),
        )
    context["errors"] = errors
    status = 400 if errors and request.htmx else 200
    template = "events/timeline.html"
    if wants_partial(request) and not errors and request.htmx.trigger == "load-more":
        template += "#more"
    response = TemplateResponse(request, template, context, status=status)
    if wants_partial(request) and template.endswith(".html"):
        query = context["query"]
        url = reverse("timeline") + (f"?{query}" if query else "")
        # One history entry per change: a repeat of the page already shown pushes nothing
        # (Enter in the text box fires keyup, change and submit for the same filter).
        unchanged = url == request.htmx.current_url_abs_path
        response["HX-Push-Url"] = "false" if unchanged else url
    return response


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(visible_events(request), pk=pk)
    annotate([event])
    return render(request, "events/event_detail.html", {"event": event})
