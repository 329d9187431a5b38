"""The REST API: read-only viewsets on a router, mounted at /api/."""

from rest_framework.routers import DefaultRouter

from .views import ActorViewSet, CitationViewSet, EventViewSet, SourceViewSet

router = DefaultRouter()
router.register("events", EventViewSet, basename="api-event")
router.register("actors", ActorViewSet, basename="api-actor")
router.register("sources", SourceViewSet, basename="api-source")
router.register("citations", CitationViewSet, basename="api-citation")
