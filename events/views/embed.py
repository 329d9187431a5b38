"""The embeddable timeline: ``/embed/?<filters>``, read-only, published events only.

A newsroom puts it in an iframe: the time axis and a compact list of the filtered events, no
header, no filter form, nothing to edit. It alone may be framed by other sites (no
X-Frame-Options, CSP ``frame-ancestors *``); links open the full site in a new tab.
"""

from typing import Any

from csp.decorators import csp_replace
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from ..counts import Counts
from ..disagreement import annotate
from ..filters import EventFilter
from ..models import Event
from .timeline import PAGE_SIZE, build_axis, filter_query, group_events


@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
def embed(request: HttpRequest) -> HttpResponse:
    params = request.GET
    # What anyone may read (published only), whoever is signed in: an embed is public.
    events = Event.objects.visible_to(AnonymousUser()).with_evidence().chronological()
    filterset = EventFilter(params, queryset=events)
    query = filter_query(params, drop=("lanes",))
    context: dict[str, Any] = {
        "params": params,
        "full_url": reverse("timeline") + (f"?{query}" if query else ""),
    }
    if not filterset.is_valid():
        context["errors"] = filterset.errors
        return render(request, "events/embed.html", context, status=400)
    qs = filterset.qs
    # Cached until the next write, within the counts' time budget, as on the timeline
    # (events.counts): an embed on a busy page is asked for again and again; at a million
    # events its count and axis took up to 1.7 s each time.
    counts = Counts(filterset.matches, budgeted=True, batched=True)
    try:
        count = counts.count(qs)
        shown = annotate(counts.rows(0, PAGE_SIZE, qs))
        context.update(
            build_axis(
                request,
                qs,
                filterset.form.cleaned_data,
                path=reverse("embed"),
                counts=counts,
                target="_blank",
            ),
            count=count,
            counts_pending=counts.pending,
            events=shown,
            groups=group_events(shown, None),
        )
    finally:
        counts.flush()
    return render(request, "events/embed.html", context)
