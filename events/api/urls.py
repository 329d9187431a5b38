"""The REST API: viewsets on a router, mounted at /api/.

Anything under /api/ that no route matches is a JSON 404, not the HTML error page.
"""

import re

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, re_path, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import DefaultRouter

from events.models import Citation, Event
from lib.paging import missing
from sources.models import Source

from .views import ActorViewSet, CitationViewSet, EventViewSet, SourceViewSet

# An id too long for the routes (``views.ID``) names no stored row: said as a detail view's 404.
_LONG_ID = re.compile(r"(events|sources|citations)/([0-9]{10,})(?:/|$)")
_MODELS = {"events": Event, "sources": Source, "citations": Citation}


# Not a DRF view: the browsable API's breadcrumbs would name it ("Not Found") for every
# address prefix it answers, and DRF would answer OPTIONS itself (200, with its metadata).
@csrf_exempt  # a POST to a missing address is a 404, whoever sends it
def not_found(request: HttpRequest, path: str) -> HttpResponse:
    # An address missing only its final slash (/api/events): a redirect to it for GET and
    # HEAD (what Django's APPEND_SLASH does for the pages, which this catch-all would
    # otherwise answer), a 404 naming it for other methods (a redirect loses their body).
    slashed = f"/api/{path}/"
    if path and not path.endswith("/") and _route(slashed):
        if request.method in ("GET", "HEAD"):
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(slashed + (f"?{query}" if query else ""))
        detail = f"No API address /api/{path}; write {slashed} (with the final slash)."
    elif long_id := _LONG_ID.match(path):
        detail = missing(_MODELS[long_id[1]], int(long_id[2]))
    else:
        detail = f"No API address /api/{path}; see /api/docs/ (ids in addresses are whole numbers)."
    return JsonResponse({"detail": detail}, status=404)


def _route(path: str) -> bool:
    """Whether a route other than the catch-all answers ``path``."""
    try:
        return resolve(path).func is not not_found
    except Resolver404:
        return False


class Router(DefaultRouter):
    def get_urls(self) -> list:
        return [*super().get_urls(), re_path(r"^(?P<path>[\s\S]*)$", not_found)]


router = Router()
router.register("events", EventViewSet, basename="api-event")
router.register("actors", ActorViewSet, basename="api-actor")
router.register("sources", SourceViewSet, basename="api-source")
router.register("citations", CitationViewSet, basename="api-citation")
