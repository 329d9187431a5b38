"""Viewsets: events are writable by signed-in users; actors, sources, citations read-only."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from sources.models import Source

from ..access import is_analyst
from ..models import Actor, Citation, Event, Status
from .filters import ActorFilter, ApiEventFilter, CitationFilter
from .renderers import EXPORT_FORMATS, CSVRenderer, ICSRenderer, TimelineJSRenderer
from .serializers import (
    ActorSerializer,
    CitationSerializer,
    EventSerializer,
    EventWriteSerializer,
    SourceDetailSerializer,
    SourceSerializer,
)

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv", "ics", "timelinejs"],
    description=(
        "json (the default): one page. csv, ics (iCalendar) and timelinejs (TimelineJS3 "
        "JSON): every matching event in one file, without pagination."
    ),
)


@extend_schema_view(
    list=extend_schema(
        summary="List events (or export them)",
        description="Anonymous users see published events only. Filters combine with AND.",
        parameters=[FORMAT_PARAMETER],
    ),
    retrieve=extend_schema(summary="One event with its actors and citations"),
    create=extend_schema(
        summary="Create an event (signed in)",
        request=EventWriteSerializer,
        responses={201: EventSerializer},
    ),
    update=extend_schema(
        summary="Replace an event's fields and actors (signed in)",
        request=EventWriteSerializer,
        responses={200: EventSerializer},
    ),
    partial_update=extend_schema(
        summary="Change some of an event's fields (signed in)",
        request=EventWriteSerializer,
        responses={200: EventSerializer},
    ),
    destroy=extend_schema(summary="Delete an event and its citations (signed in)"),
)
class EventViewSet(viewsets.ModelViewSet):
    filterset_class = ApiEventFilter
    renderer_classes = [
        JSONRenderer,
        BrowsableAPIRenderer,
        CSVRenderer,
        ICSRenderer,
        TimelineJSRenderer,
    ]

    def get_queryset(self) -> QuerySet:
        return Event.objects.visible_to(self.request.user).with_evidence().chronological()

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return EventWriteSerializer
        return EventSerializer

    def perform_create(self, serializer) -> None:
        serializer.save(author=self.request.user)

    def _written(self, event: Event, status: int) -> Response:
        # Answer with the read shape, reloaded with its relations.
        event = self.get_queryset().get(pk=event.pk)
        return Response(EventSerializer(event, context=self.get_serializer_context()).data, status)

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return self._written(serializer.instance, 201)

    def update(self, request, *args, **kwargs) -> Response:
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return self._written(serializer.instance, 200)

    def is_export(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return renderer is not None and renderer.format in EXPORT_FORMATS

    def list(self, request, *args, **kwargs) -> Response:
        if not self.is_export():
            return super().list(request, *args, **kwargs)
        events = self.filter_queryset(self.get_queryset())
        response = Response(self.get_serializer(events, many=True).data)
        fmt = request.accepted_renderer.format
        if fmt in ("csv", "ics"):
            response["Content-Disposition"] = f'attachment; filename="timeline.{fmt}"'
        return response

    def handle_exception(self, exc) -> Response:
        # Errors are JSON whatever format was asked for, so clients can read them.
        response = super().handle_exception(exc)
        if self.is_export():
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return response


@extend_schema_view(
    list=extend_schema(
        summary="List actors with their aliases",
        description="`q` matches names, slugs and aliases, ignoring case.",
    ),
    retrieve=extend_schema(summary="One actor, by slug"),
)
class ActorViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Actor.objects.prefetch_related("aliases").order_by("name")
    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(summary="List sources"),
    retrieve=extend_schema(summary="One source with its passages"),
)
class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Source.objects.order_by("key")

    def get_queryset(self) -> QuerySet:
        if self.action == "retrieve":
            return Source.objects.prefetch_related("passages")
        return super().get_queryset()

    def get_serializer_class(self):
        return SourceDetailSerializer if self.action == "retrieve" else SourceSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List citations",
        description="Anonymous users see citations of published events only.",
    ),
    retrieve=extend_schema(summary="One citation"),
)
class CitationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CitationSerializer
    filterset_class = CitationFilter

    def get_queryset(self) -> QuerySet:
        citations = Citation.objects.select_related("passage__source").order_by("event", "pk")
        if not is_analyst(self.request.user):
            citations = citations.filter(event__status=Status.PUBLISHED)
        return citations
