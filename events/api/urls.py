"""The REST API: viewsets on a router, mounted at /api/.

Anything under /api/ that no route matches is a JSON 404, not the HTML error page.
"""

from django.urls import re_path
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import DefaultRouter

from .views import ActorViewSet, CitationViewSet, EventViewSet, SourceViewSet


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def not_found(request, path: str):
    raise NotFound(
        f"No API address /api/{path}; see /api/docs/ (ids in addresses are whole numbers)."
    )


class Router(DefaultRouter):
    def get_urls(self) -> list:
        return [*super().get_urls(), re_path(r"^(?P<path>[\s\S]*)$", not_found)]


router = Router()
router.register("events", EventViewSet, basename="api-event")
router.register("actors", ActorViewSet, basename="api-actor")
router.register("sources", SourceViewSet, basename="api-source")
router.register("citations", CitationViewSet, basename="api-citation")
