"""Actors: the list, an actor's page and the suggestions of the actor inputs."""

from urllib.parse import urlencode

from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.access import analyst_required, is_analyst
from lib.htmx import for_htmx

from ..disagreement import annotate
from ..forms import PositionForm
from ..models import Actor, Alias, Participation
from ..positions import add_position, positions_held
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
        "positions": positions_held(actor),
        "position_form": form or (PositionForm(holder=actor) if is_analyst(request.user) else None),
    }
    return render(request, "actors/actor_detail.html", context, status=status)
