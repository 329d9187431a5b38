"""Actors: the list, an actor's page and the suggestions of the actor inputs."""

from typing import cast
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Case, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.access import analyst_required, is_analyst
from lib.htmx import for_htmx
from lib.inputs import has_nul, nul_message
from lib.paging import page_of

from .. import tally
from ..counts import Counts
from ..filters import EventFilter
from ..forms import PositionForm
from ..models import Actor, Alias, Event, Participation, actor_ids_named
from ..positions import add_position, positions_held
from .timeline import (
    PAGE_SIZE,
    SUGGESTIONS,
    TOP_ACTORS,
    build_axis,
    group_events,
)


@require_safe
@for_htmx()
def actor_suggest(request: HttpRequest) -> HttpResponse:
    """An HTML fragment of at most ten actors whose name, slug or alias contains ``q``.

    Prefix matches of the name come first, then other matches by name; every suggestion
    carries its canonical name and slug (``data-name``, ``data-slug``) and its aliases.
    Actors named in ``chosen`` (repeatable: the timeline filter's chosen actors, by any of
    their names) are not offered again.
    """
    q = request.GET.get("q", "").strip()[:100]
    chosen = [name for name in request.GET.getlist("chosen") if name.strip()]
    actors: list[Actor] = []
    if has_nul(q) or any(has_nul(name) for name in chosen):
        # No name holds one, and PostgreSQL cannot search for it.
        return render(
            request,
            "actors/_suggest.html",
            {"actors": [], "q": "", "error": nul_message("q" if has_nul(q) else "chosen")},
            status=400,
        )
    if q:
        in_aliases = Alias.objects.filter(name__icontains=q).values("actor_id")
        offered = Actor.objects.visible_to(request.user)
        if chosen:
            offered = offered.exclude(pk__in=actor_ids_named(chosen))
        actors = list(
            offered.filter(Q(name__icontains=q) | Q(slug__icontains=q) | Q(pk__in=in_aliases))
            .annotate(
                rank=Case(
                    When(name__istartswith=q, then=Value(0)),
                    When(name__icontains=q, then=Value(1)),
                    default=Value(2),
                )
            )
            .order_by("rank", "name")
            .prefetch_related("aliases")[:SUGGESTIONS]
        )
    return render(request, "actors/_suggest.html", {"actors": actors, "q": q, "chosen": chosen})


ACTORS_PAGE = 100


@require_safe
def actor_list(request: HttpRequest) -> HttpResponse:
    """Actors by name, 100 a page, each with the number of its events.

    The number of actors, and which actors a page shows with their event counts, are cached
    until the next write (events.counts): at a million events, telling which actors a reader
    may see and counting their events read hundreds of thousands of participations.
    """
    visible = Actor.objects.visible_to(request.user).order_by("name")
    paginator = Paginator(visible, ACTORS_PAGE)
    counts = Counts(visible)  # type: ignore[arg-type]
    paginator.count = counts.count()
    page_obj, page_problem = page_of(paginator, request.GET.get("page"))
    on_page = cast(QuerySet, page_obj.object_list)  # a slice of ``visible``, not run yet

    def page() -> list[tuple[int, int]]:
        """(actor id, number of its events) of the page's actors, by name: two queries, the
        numbers from the tallies the database keeps current (events.tally)."""
        ids = list(on_page.values_list("pk", flat=True))
        per_actor = tally.actor_event_counts(tally.statuses_of(request.user), ids)
        return [(pk, per_actor.get(pk, 0)) for pk in ids]

    rows = counts.cached("actors page", page, on_page)
    by_pk = Actor.objects.prefetch_related("aliases").in_bulk([pk for pk, _n in rows])
    actors = []
    for pk, n in rows:
        if pk in by_pk:  # (one deleted since this request read the data generation)
            by_pk[pk].event_count = n  # type: ignore[attr-defined]
            actors.append(by_pk[pk])
    context = {
        "actors": actors,
        "page_obj": page_obj,
        "page_problem": page_problem,
        "count": page_obj.paginator.count,
    }
    return render(request, "actors/actor_list.html", context)


@require_safe
def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actors = Actor.objects.visible_to(request.user)
    actor = actors.prefetch_related("aliases").filter(slug=slug).first()
    if actor is None:
        # /actors/Tatmadaw/ or an alias: the one actor so named, at its own address.
        named = list(actors.named(slug)[:2])
        if len(named) != 1:
            raise Http404(f"No actor is named “{slug}”.")
        return redirect("actor-detail", slug=named[0].slug, permanent=True)
    return _actor_page(request, actor)


@require_POST
@analyst_required
def actor_position_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Record a title the actor held (analysts): redirect to the actor page, or show why not."""
    actor = get_object_or_404(Actor.objects.prefetch_related("aliases"), slug=slug)
    form = PositionForm(request.POST, holder=actor)
    if not form.is_valid():
        return _actor_page(request, actor, form, status=400)
    data = form.cleaned_data
    add_position(
        actor,
        data["title"],
        data["start"],
        data["start_precision"],
        data["end"],
        data["end_precision"],
        data["note"],
    )
    return redirect(reverse("actor-detail", args=[actor.slug]) + "#positions")


def _actor_page(
    request: HttpRequest, actor: Actor, form: PositionForm | None = None, status: int = 200
) -> HttpResponse:
    every = Event.objects.visible_to(request.user).filter(
        pk__in=Participation.objects.filter(actor=actor).values("event_id")
    )
    # The time axis's window (from/to) narrows the list too, as on the timeline.
    dates = {key: request.GET[key] for key in ("from", "to") if request.GET.get(key)}
    filterset = EventFilter(dates, queryset=every)
    valid = filterset.is_valid()
    own = filterset.qs if valid else every.none()
    # The actor's events, paged like the timeline. The count, the co-actors and the axis are
    # cached until the next write (events.counts).
    # The co-actors and the axis within a time budget (events.counts): beyond it the page
    # lists its events and says they are being computed. The count (an index walk) is not.
    counts = Counts(own)
    paginator = Paginator(own.chronological().values_list("pk", flat=True), PAGE_SIZE)
    if dates:
        paginator.count = counts.count()
    else:  # all the actor's events: their number is kept by the database (events.tally)
        statuses = tally.statuses_of(request.user)
        paginator.count = counts.cached(
            "count",
            lambda: tally.actor_event_counts(statuses, [actor.pk]).get(actor.pk, 0),
            budget=False,
        )
    page_obj, page_problem = page_of(paginator, request.GET.get("page"))
    start = page_obj.start_index() - 1 if page_obj.paginator.count else 0
    # The page's ids are cached until the next write too (Counts.rows): a deep page, or one
    # of a window, walks the actor's events in date order (a quarter of a second and more
    # for the busiest actor at a million events).
    window = counts.rows(max(start - 1, 0), start + PAGE_SIZE, own.chronological())
    previous = window.pop(0) if start and window else None
    events = counts.cards(window)  # each event's card, cached until the next write
    counts.budgeted = True
    # (the background computation, events.counts, runs the lambda after this rebinding)
    # The co-actors of all the actor's events, whatever the window.
    partners = counts.cached(
        "partners", lambda: every.actor_counts(TOP_ACTORS, exclude=[actor.pk]), every
    )
    context = {
        "actor": actor,
        "events": events,
        "count": page_obj.paginator.count,
        "page_obj": page_obj,
        "page_problem": page_problem,
        # The pager keeps the axis's window.
        "page_prefix": urlencode(dates) + "&" if dates else "",
        "groups": group_events(events, previous),
        "partners": partners,
        "query": urlencode({"actor": actor.slug}),
        "window_errors": filterset.errors,
        **(
            build_axis(request, own, filterset.form.cleaned_data, path=request.path, counts=counts)
            if valid
            else {}
        ),
        "counts_pending": counts.pending,
        "positions": positions_held(actor),
        "position_form": form or (PositionForm(holder=actor) if is_analyst(request.user) else None),
    }
    return render(request, "actors/actor_detail.html", context, status=status)
