"""Viewsets: analysts write events and citations, and correct sources' details; actors are
read-only.

Serializers only translate: every write goes through ``events.services`` (``save_event`` and
its wrappers; a source's details through ``sources.services.correct_source``), one
transaction that locks the row, checks ``If-Match`` (as ``base_version``) and bumps the
version once, or not at all when nothing changes. Responses carry the version as the
``ETag``.
"""

from contextlib import contextmanager
from typing import cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import QueryDict, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from sources.forms import SourceEditForm
from sources.models import Source
from sources.services import SourceEditConflict

from ..counts import Counts
from ..duplicates import candidate_from_event, possible_duplicates
from ..models import Actor, Citation, Event, EventQuerySet, Position
from ..services import (
    CitationGone,
    DuplicateCitation,
    EditConflict,
    EvidenceRequired,
    WriteError,
    add_citation,
    delete_event,
    uncite,
)
from .errors import JSONParser
from .exports import streamed_export
from .filters import ActorFilter, ApiEventFilter, CitationFilter, FilterBackend, SourceFilter
from .pagination import Pagination
from .renderers import EXPORT_FORMATS, CSVRenderer, ICSRenderer, TimelineJSRenderer
from .schema import ApiSchema
from .serializers import (
    ActorSerializer,
    CitationSerializer,
    CitationWriteSerializer,
    EventSerializer,
    EventWriteSerializer,
    SourceDetailSerializer,
    SourceSerializer,
)
from .serializers.read import (
    EVENTS_TO_CHECK,
    DuplicateSerializer,
    EventCreatedSerializer,
    SourceEditedSerializer,
)
from .serializers.rows import event_representations

# Ids in paths: up to 9 digits, so no lookup overflows the database's integers; anything
# else is the API's JSON 404 (events.api.urls).
ID = "[0-9]{1,9}"
SLUG = "[-a-zA-Z0-9_]+"

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv", "ics", "timelinejs"],
    description=(
        "json (the default): one page. csv, ics (iCalendar) and timelinejs (TimelineJS3 "
        "JSON): every matching event in one file, without pagination."
    ),
)


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def etag(obj: Event | Source) -> str:
    """An event's or a source's version, as the ``ETag`` of its responses."""
    return f'"{obj.version}"'


def base_version(request: Request, noun: str = "event") -> frozenset[int] | None:
    """The versions ``If-Match`` accepts; None (no header, or ``*``) means "write regardless".

    A tag that is no version of ours matches nothing, so the write is a 412; a header that
    holds no entity tag at all (``If-Match: 3``, ``garbage``) is a 400 saying how to write one.
    """
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = {tag.strip() for tag in header.split(",")}
    if "*" in tags:
        return None
    versions = set()
    quoted = False
    for written in tags:
        tag = written.removeprefix("W/")
        digits = tag.removeprefix('"').removesuffix('"')
        if len(tag) >= 2 and tag.startswith('"') and tag.endswith('"'):
            quoted = True
            # If-Match compares strongly (RFC 9110, 13.1.1): a weak tag matches no version.
            if digits.isascii() and digits.isdigit() and written == tag:
                versions.add(int(digits))
    if not quoted:
        raise ValidationError(
            {
                "If-Match": [
                    f"“{header.strip()[:100]}” is no entity tag: send the ETag a GET of the "
                    f'{noun} answered, in double quotes (If-Match: "3"), or * to write regardless.'
                ]
            }
        )
    return frozenset(versions)


@contextmanager
def write_errors(request: Request):
    """The writer's refusals as API answers: 412, 404 or a 400 naming the field."""
    try:
        yield
    except (EditConflict, SourceEditConflict) as conflict:
        changed: Event | Source
        if isinstance(conflict, EditConflict):
            noun, changed = "event", conflict.event
        else:
            noun, changed = "source", conflict.source
        raise PreconditionFailed(
            f"The {noun} changed since you read it: it is now version {changed.version} "
            f"(ETag {etag(changed)}), not {request.headers.get('If-Match', '').strip()}. GET it "
            "again, redo your change and send the new ETag in If-Match."
        ) from None
    except CitationGone as gone:
        raise NotFound(str(gone)) from None
    except WriteError as refused:
        raise ValidationError({refused.field: [str(refused)]}) from None
    except DjangoValidationError as invalid:
        raise ValidationError({"actors": invalid.messages}) from None


WRITE_DESCRIPTION = (
    '`actors` are names, slugs or aliases (`"create": true` with a `kind` creates an unknown '
    "one); `citations` are `{source, quote}` (located in the source) or `{source, passage, "
    'start, end}`; `date` is the structured date or `{"text": "June 22-24, 2021"}` alone, '
    "parsed against the first cited source's reference date. One transaction: any error "
    "changes nothing."
)
UPDATE_DESCRIPTION = (
    f"{WRITE_DESCRIPTION} `actors` and `citations`, when given, replace the event's lists; "
    "left out, they stay. Send the ETag you read as `If-Match`: a stale one is a 412. The "
    "version goes up by one."
)


@extend_schema_view(
    list=extend_schema(
        summary="List events (or export them)",
        description="Anonymous users see published events only. Filters combine with AND.",
        parameters=[FORMAT_PARAMETER],
    ),
    retrieve=extend_schema(
        summary="One event with its actors and citations",
        description="The `ETag` header is the event's version, for `If-Match` on writes.",
    ),
    create=extend_schema(
        summary="Create an event (analysts)",
        description=f"{WRITE_DESCRIPTION} The answer lists `possible_duplicates`: recorded "
        "events whose date overlaps the new one's and that share an actor or title words "
        "(the event is created anyway; add its citations to one of them instead if it is "
        "the same).",
        request=EventWriteSerializer,
        responses={201: EventCreatedSerializer},
    ),
    update=extend_schema(
        summary="Replace an event (analysts)",
        description=UPDATE_DESCRIPTION,
        request=EventWriteSerializer,
        responses={200: EventSerializer},
    ),
    partial_update=extend_schema(
        summary="Change some of an event's fields (analysts)",
        description=UPDATE_DESCRIPTION,
        request=EventWriteSerializer,
        responses={200: EventSerializer},
    ),
    destroy=extend_schema(
        summary="Delete an event and its citations (analysts)",
        description="Send the ETag you read as `If-Match`: a stale one is a 412.",
    ),
)
class EventViewSet(viewsets.ModelViewSet):
    schema = ApiSchema()
    filter_backends = [FilterBackend]
    lookup_value_regex = ID
    filterset_class = ApiEventFilter
    parser_classes = [JSONParser]
    counts: Counts | None = None  # a list's cached counts, page ids and JSON (list())
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

    def _written(self, event: Event, status: int) -> Response:
        # Answer with the read shape, reloaded with its relations.
        event = self.get_queryset().get(pk=event.pk)
        data = EventSerializer(event, context=self.get_serializer_context()).data
        response = Response(data, status, headers={"ETag": etag(event)})
        if status == 201:
            response["Location"] = str(data["url"])
        return response

    def retrieve(self, request, *args, **kwargs) -> Response:
        event = self.get_object()
        data = self.get_serializer(event).data
        return Response(data, headers={"ETag": etag(event)})

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with write_errors(request):
            event = serializer.save(author=request.user, user=request.user)
        response = self._written(event, 201)
        # Created anyway: the client decides whether it is the same as a recorded event.
        candidate = candidate_from_event(event)
        found = (
            possible_duplicates(candidate, Event.objects.visible_to(request.user), event.pk)
            if candidate
            else []
        )
        context = self.get_serializer_context()
        response.data["possible_duplicates"] = DuplicateSerializer(
            found, many=True, context=context
        ).data
        return response

    def update(self, request, *args, **kwargs) -> Response:
        partial = kwargs.pop("partial", False)
        event = self.get_object()
        serializer = self.get_serializer(event, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with write_errors(request):
            event = serializer.save(base_version=base_version(request), user=request.user)
        return self._written(event, 200)

    def destroy(self, request, *args, **kwargs) -> Response:
        event = self.get_object()
        with write_errors(request):
            delete_event(event, base_version=base_version(request))
        return Response(status=204)

    def is_export(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return renderer is not None and renderer.format in EXPORT_FORMATS

    # Exports stream: DRF sends any HttpResponseBase (its stubs say list() returns a Response).
    def list(  # type: ignore[override]
        self, request, *args, **kwargs
    ) -> Response | StreamingHttpResponse:
        if not self.is_export():
            # Without their evidence: each event's JSON is cached until the next write, and
            # only the events not cached are read and represented (events.counts), from
            # plain rows (serializers.rows: EventSerializer's shape).
            queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
            # The page's ids and its count are cached the same way (the paginator uses it).
            # What it computes is written to the cache at the end, in one statement.
            self.counts = Counts(cast(EventQuerySet, queryset), batched=True)
            try:
                page = self.paginate_queryset(queryset)
                site = request.build_absolute_uri("/")
                data = self.counts.representations(
                    page or [], lambda events: event_representations(events, site), site
                )
            finally:  # a page past the end (404) keeps its count and ids too
                self.counts.flush()
            return self.get_paginated_response(data)
        # Not paginated, but page and page_size are checked as for JSON.
        paginator = cast(Pagination, self.paginator)  # settings' DEFAULT_PAGINATION_CLASS
        paginator.get_page_size(request)
        paginator.page_numbers(request)
        # Every match: a list ranked by relevance holds the best of the newest RANK_CAP only,
        # an export the whole filter in date order (FilterBackend).
        self.every_match = True
        events = self.filter_queryset(Event.objects.visible_to(request.user).chronological())
        # Streamed, a chunk of rows at a time: constant memory whatever the filter matches.
        return streamed_export(events, request.accepted_renderer.format, request)

    def finalize_response(self, request, response, *args, **kwargs) -> Response:
        # Exports are lists of events: errors, writes and OPTIONS answer JSON whatever
        # format was asked for, so clients can read them.
        exported = request.method == "GET" and response.status_code < 400
        if self.is_export() and not exported:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(
        summary="List actors with their aliases",
        description="`q` matches names, slugs and aliases, ignoring case.",
    ),
    retrieve=extend_schema(summary="One actor, by slug"),
)
class ActorViewSet(viewsets.ReadOnlyModelViewSet):
    schema = ApiSchema()
    filter_backends = [FilterBackend]
    lookup_value_regex = SLUG
    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet:
        return (
            Actor.objects.visible_to(self.request.user)
            .prefetch_related(
                "aliases",
                Prefetch(
                    "positions",
                    queryset=Position.objects.select_related("post__organization").order_by(
                        "span_start", "pk"
                    ),
                ),
            )
            .order_by("name")
        )

    def paginate_queryset(self, queryset):
        # The count is cached until the next write (events.counts; the paginator uses it):
        # counting the actors a reader may see took 0.15 s a request at a million events.
        self.counts = Counts(cast(EventQuerySet, queryset), batched=True)
        try:
            return super().paginate_queryset(queryset)
        finally:
            self.counts.flush()


SOURCE_EDIT_REQUEST = inline_serializer(
    "SourceEdit",
    {
        "title": serializers.CharField(required=False),
        "publisher": serializers.CharField(required=False, allow_blank=True),
        "author": serializers.CharField(required=False, allow_blank=True),
        "url": serializers.CharField(required=False, allow_blank=True),
        "published": serializers.CharField(
            required=False,
            allow_blank=True,
            help_text='As written: "22 June 2021", "June 2021" or "2021"; "" for none.',
        ),
        "published_on_or_after": serializers.BooleanField(required=False),
        "reference_date": serializers.CharField(
            required=False,
            allow_blank=True,
            allow_null=True,
            help_text="The day the text's own dates are read against, YYYY-MM-DD; null or "
            '"" for the publication date, which it then follows.',
        ),
    },
)


@extend_schema_view(
    list=extend_schema(summary="List sources"),
    retrieve=extend_schema(
        summary="One source with its passages",
        description="The `ETag` header is the source's version, for `If-Match` on `PATCH`.",
    ),
    partial_update=extend_schema(
        summary="Correct a source's details (analysts)",
        description="Any of `title`, `publisher`, `author`, `url`, `published` (the date as "
        "written), `published_on_or_after` and `reference_date` (the day the text's own dates "
        "are read against; null for the publication date, which it then follows, as a "
        "reference date equal to the publication date does), checked as on the page that "
        "corrects a source; the others stay. The text never changes (citations quote it "
        "verbatim): sending `text` is a 400. Send the ETag you read as `If-Match`: a stale "
        "one is a 412 and changes nothing. The version goes up by one (not at all when "
        "nothing changes), and the source's history records the change. A new date changes "
        "what the text's relative dates read as in its suggestions; events already citing "
        "the source keep their dates, and the answer's `events_to_check` lists them (empty "
        "when the date the text is read against did not change).",
        request=SOURCE_EDIT_REQUEST,
        responses={200: SourceEditedSerializer},
    ),
)
class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    schema = ApiSchema()
    filter_backends = [FilterBackend]
    filterset_class = SourceFilter
    lookup_value_regex = ID
    queryset = Source.objects.order_by("key")

    def get_queryset(self) -> QuerySet:
        if self.action == "retrieve":
            return Source.objects.prefetch_related("passages")
        return super().get_queryset()

    def get_serializer_class(self):
        return SourceDetailSerializer if self.action == "retrieve" else SourceSerializer

    def retrieve(self, request, *args, **kwargs) -> Response:
        source = self.get_object()
        return Response(self.get_serializer(source).data, headers={"ETag": etag(source)})

    def partial_update(self, request, *args, **kwargs) -> Response:
        source = self.get_object()
        sent = request.data.dict() if isinstance(request.data, QueryDict) else request.data
        if not isinstance(sent, dict):
            raise ValidationError({"non_field_errors": ["Send an object of the fields to change."]})
        unknown = set(sent) - (set(SourceEditForm.base_fields) - {"version"})
        if unknown:
            raise ValidationError({name: [_not_a_detail(name)] for name in sorted(unknown)})
        expected = base_version(request, "source")
        # The fields not sent are validated as stored (a title is still required), and only
        # those sent are written.
        data = {**SourceEditForm.initial_for(source), **sent}
        if data.get("reference_date") is None:
            data["reference_date"] = ""
        form = SourceEditForm(data, source=source, versioned=False)
        if not form.is_valid():
            raise ValidationError(
                {
                    "non_field_errors" if name == "__all__" else name: [str(m) for m in messages]
                    for name, messages in form.errors.items()
                }
            )
        with write_errors(request):
            date_changed = form.save(fields=sent, base_version=expected, user=request.user)
        check = (
            Event.objects.visible_to(request.user).citing_source(source.pk).chronological()
            if date_changed
            else Event.objects.none()
        )
        source.events_to_check = list(check[:EVENTS_TO_CHECK])
        source.events_to_check_count = (
            len(source.events_to_check)
            if len(source.events_to_check) < EVENTS_TO_CHECK
            else check.count()
        )
        body = SourceEditedSerializer(source, context=self.get_serializer_context()).data
        return Response(body, headers={"ETag": etag(source)})


def _not_a_detail(name: str) -> str:
    if name == "text":
        return "The text of a source cannot change: citations quote it verbatim."
    if name == "version":
        return 'Send the version as the If-Match header: the ETag you read, such as "3".'
    return "Not a detail of a source that can be changed."


@extend_schema_view(
    list=extend_schema(
        summary="List citations",
        description="Anonymous users see citations of published events only.",
    ),
    retrieve=extend_schema(summary="One citation"),
    create=extend_schema(
        summary="Cite a source for an event (analysts)",
        description="`{event, source, quote}` (the quote must occur once in the source) or "
        "`{event, source, passage, start, end}`; optional `date_text` and `note`. The event's "
        "version goes up by one.",
        request=CitationWriteSerializer,
        responses={201: CitationSerializer},
    ),
    destroy=extend_schema(
        summary="Remove a citation (analysts)",
        description="The event's version goes up by one. The only citation of a published "
        "event cannot be removed (409): add another first, or set the event to draft.",
    ),
)
class CitationViewSet(
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    schema = ApiSchema()
    filter_backends = [FilterBackend]
    lookup_value_regex = ID
    filterset_class = CitationFilter
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet:
        return (
            Citation.objects.visible_to(self.request.user)
            .select_related("passage__source")
            .order_by("event_id", "pk")
        )

    def get_serializer_class(self):
        return CitationWriteSerializer if self.action == "create" else CitationSerializer

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            citation = add_citation(
                data["event"], data["located"], data["date_text"], data["note"], user=request.user
            )
        except DuplicateCitation as duplicate:
            field = "quote" if "quote" in request.data else "start"
            raise ValidationError({field: [str(duplicate)]}) from None
        citation = self.get_queryset().get(pk=citation.pk)
        body = CitationSerializer(citation, context=self.get_serializer_context()).data
        return Response(body, status=201, headers={"Location": str(body["url"])})

    def destroy(self, request, *args, **kwargs) -> Response:
        citation = self.get_object()
        try:
            uncite(citation.pk, user=request.user)
        except CitationGone as gone:  # removed by a concurrent request: nothing to do
            raise NotFound(str(gone)) from None
        except EvidenceRequired:
            # The request is fine; the event's state forbids it (its only evidence): 409.
            return Response(
                {
                    "detail": f"Citation {citation.pk} is the only citation of event "
                    f"{citation.event_id}, which is published: add another citation first, or "
                    "set the event to draft, then remove this one."
                },
                status=409,
            )
        return Response(status=204)
