"""Actors: the list, an actor's page and the suggestions of the actor inputs."""

from urllib.parse import urlencode

from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from lib.htmx import for_htmx

from ..disagreement import annotate
from ..models import Actor, Alias, Participation
from .timeline import SUGGESTIONS, TOP_ACTORS, group_events, visible_events


@require_GET
@for_htmx()
def actor_suggest(request: HttpRequest) -> HttpResponse:
    """An HTML fragment of at most ten actors whose name, slug or alias contains ``q``.

    Prefix matches of the name come first, then other matches by name; every suggestion
    carries its canonical name and slug (``data-name``, ``data-slug``) and its aliases.
    """
    q = request.GET.get("q", "").strip()[:100]
    actors: list[Actor] = []
    if q:
        in_aliases = Alias.objects.filter(name__icontains=q).values("actor_id")
        actors = list(
            Actor.objects.visible_to(request.user)
            .filter(Q(name__icontains=q) | Q(slug__icontains=q) | Q(pk__in=in_aliases))
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
    return render(request, "actors/_suggest.html", {"actors": actors, "q": q})


@require_GET
def actor_list(request: HttpRequest) -> HttpResponse:
    counts = (
        Participation.objects.visible_to(request.user)
        .filter(actor_id=OuterRef("pk"))
        .order_by()
        .values("actor_id")
        .annotate(n=Count("event_id", distinct=True))
        .values("n")
    )
    actors = (
        Actor.objects.visible_to(request.user)
        .annotate(event_count=Coalesce(Subquery(counts), 0))
        .prefetch_related("aliases")
        .order_by("name")
    )
    return render(request, "actors/actor_list.html", {"actors": actors})


@require_GET
def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actors = Actor.objects.visible_to(request.user)
    actor = actors.prefetch_related("aliases").filter(slug=slug).first()
    if actor is None:
        # /actors/Tatmadaw/ or an alias: the one actor so named, at its own address.
        named = list(actors.named(slug)[:2])
        if len(named) != 1:
            raise Http404(f"No actor is named “{slug}”.")
        return redirect("actor-detail", slug=named[0].slug, permanent=True)
    events = annotate(list(visible_events(request).for_actor(actor).distinct().chronological()))
    mine = Participation.objects.visible_to(request.user).filter(actor=actor).values("event_id")
    partners = (
        Participation.objects.visible_to(request.user)
        .filter(event_id__in=mine)
        .exclude(actor=actor)
        .values("actor__name", "actor__slug", "actor__kind")
        .annotate(n=Count("event_id", distinct=True))
        .order_by("-n", "actor__name")[:TOP_ACTORS]
    )
    context = {
        "actor": actor,
        "events": events,
        "groups": group_events(events, None),
        "partners": list(partners),
        "query": urlencode({"actor": actor.slug}),
    }
    return render(request, "actors/actor_detail.html", context)
