from itertools import groupby

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from sources.highlight import segments
from sources.models import Source

from .models import Citation, Event, Participation


def visible_events(request: HttpRequest):
    events = Event.objects.all()
    if not request.user.is_authenticated:
        events = events.published()
    return events.prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("actor")),
        Prefetch("citations", queryset=Citation.objects.select_related("passage__source")),
    )


@require_GET
def timeline(request: HttpRequest) -> HttpResponse:
    events = list(visible_events(request).chronological())
    years = [
        (year, list(items))
        for year, items in groupby(
            events, key=lambda e: e.date_start.year if e.date_start else None
        )
    ]
    return render(request, "events/timeline.html", {"years": years, "count": len(events)})


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
