from itertools import groupby

from django.db.models import Count, F, Prefetch
from django.db.models.functions import ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from sources.highlight import segments
from sources.models import Source

from .filters import EventFilter
from .models import Citation, Event, EventType


def visible_events(request: HttpRequest):
    return Event.objects.visible_to(request.user).with_evidence()


@require_GET
def timeline(request: HttpRequest) -> HttpResponse:
    filterset = EventFilter(request.GET, queryset=visible_events(request).chronological())
    context = {
        "filterset": filterset,
        "params": request.GET,
        "actors": [name for name in request.GET.getlist("actor") if name.strip()],
        "types": request.GET.getlist("type"),
        "type_choices": EventType.choices,
        "sources": Source.objects.only("pk", "key", "title"),
        "filtered": any(v for k, v in request.GET.items() if k != "sort"),
    }
    status = 200
    if filterset.is_valid():
        events = list(filterset.qs)
        facets = filterset.qs.prefetch_related(None).order_by()
        labels = dict(EventType.choices)
        context.update(
            count=len(events),
            years=[
                (year, list(items))
                for year, items in groupby(
                    events, key=lambda e: e.date_start.year if e.date_start else None
                )
            ],
            type_counts=[
                (labels.get(row["type"], row["type"]), row["n"])
                for row in facets.values("type").annotate(n=Count("pk")).order_by("-n", "type")
            ],
            year_counts=[
                (row["year"], row["n"])
                for row in facets.values(year=ExtractYear("date_start"))
                .annotate(n=Count("pk"))
                .order_by(F("year").asc(nulls_last=True))
            ],
        )
    elif request.htmx:
        status = 400
    template = "events/timeline.html#results" if request.htmx else "events/timeline.html"
    return render(request, template, context, status=status)


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(visible_events(request), pk=pk)
    return render(request, "events/event_detail.html", {"event": event})


@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    sources = Source.objects.annotate(citation_count=Count("passages__citations"))
    return render(request, "sources/source_list.html", {"sources": sources})


@require_GET
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    passages = source.passages.prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("event").order_by("start"))
    )
    rows = [(p, segments(p.text, list(p.citations.all()))) for p in passages]
    return render(request, "sources/source_detail.html", {"source": source, "rows": rows})
