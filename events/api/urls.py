"""The REST API: viewsets on a router, mounted at /api/.

Anything under /api/ that no route matches is a JSON 404, not the HTML error page.
"""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, re_path, resolve
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import DefaultRouter

from .views import ActorViewSet, CitationViewSet, EventViewSet, SourceViewSet


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])  # and OPTIONS, from DRF
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def not_found(request, path: str):
    """A JSON 404, or for an address missing only its final slash (``/api/events``), a
    redirect to it (GET and HEAD: what Django's ``APPEND_SLASH`` does for the pages, which
    this catch-all would otherwise answer) or a 404 that names it (other methods: a
    redirect would lose their body)."""
    slashed = f"/api/{path}/"
    if path and not path.endswith("/") and _route(slashed):
        if request.method in ("GET", "HEAD"):
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(slashed + (f"?{query}" if query else ""))
        raise NotFound(f"No API address /api/{path}; write {slashed} (with the final slash).")
    raise NotFound(
        f"No API address /api/{path}; see /api/docs/ (ids in addresses are whole numbers)."
    )


def _route(path: str) -> bool:
    """Whether a route other than the catch-all answers ``path``."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.func is not not_found and getattr(match.func, "cls", None) is not None


class Router(DefaultRouter):
    def get_urls(self) -> list:
        return [*super().get_urls(), re_path(r"^(?P<path>[\s\S]*)$", not_found)]


router = Router()
router.register("events", EventViewSet, basename="api-event")
router.register("actors", ActorViewSet, basename="api-actor")
router.register("sources", SourceViewSet, basename="api-source")
router.register("citations", CitationViewSet, basename="api-citation")
