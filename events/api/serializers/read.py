"""Read serializers: an event is the interchange event shape plus ids and links."""

from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.dates import stated_precision
from sources.models import Passage, Source

from ...models import Actor, Alias, Citation, Event, Participation, Position


class SelfLink(serializers.HyperlinkedIdentityField):
    """The object's API address, without the ``?format=`` of the request that listed it."""

    def get_url(self, obj, view_name, request, format):
        lookup = getattr(obj, self.lookup_field)
        path = reverse(view_name, kwargs={self.lookup_url_kwarg: lookup})
        return request.build_absolute_uri(path) if request is not None else path


class StatedPrecision(serializers.CharField):
    """An event's date precision: null when it has no date (``lib.dates.stated_precision``)."""

    def get_attribute(self, instance):
        return stated_precision(instance.date_start, instance.date_precision)


class EventDateSerializer(serializers.Serializer):
    start = serializers.DateField(source="date_start", allow_null=True)
    end = serializers.DateField(source="date_end", allow_null=True)
    precision = StatedPrecision(
        allow_null=True,
        help_text="day, month or year; null when the event is undated (start null).",
    )
    text = serializers.CharField(source="date_text")
    approximate = serializers.BooleanField(source="date_approximate")


class EventActorSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="actor.id")
    slug = serializers.CharField(source="actor.slug")
    name = serializers.CharField(source="actor.name")

    class Meta:
        model = Participation
        fields = ["id", "slug", "name", "role"]


class SourceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "key", "title"]


def offset() -> serializers.IntegerField:
    """A plain integer: the model field's limits differ by database, the schema must not."""
    return serializers.IntegerField(read_only=True)


class EventCitationSerializer(serializers.ModelSerializer):
    # A field named like Field.source: DRF's metaclass takes declared fields off the class.
    source = SourceRefSerializer(source="passage.source")  # type: ignore[assignment]
    passage = serializers.IntegerField(source="passage.index")
    start = offset()
    end = offset()

    class Meta:
        model = Citation
        fields = ["id", "source", "passage", "quote", "start", "end", "date_text", "note"]


class EventSerializer(serializers.ModelSerializer):
    url = SelfLink(view_name="api-event-detail")
    date = EventDateSerializer(source="*")
    actors = EventActorSerializer(source="participations", many=True)
    citations = EventCitationSerializer(many=True)
    planned_when_written = serializers.SerializerMethodField(
        help_text="True when the event starts after the date of every source citing it: as "
        "they tell it, it was planned or foreseen when written, not yet a happening (false "
        "when a citing source's date is unknown or only a lower bound)."
    )

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "title",
            "summary",
            "attribution",
            "type",
            "status",
            "location",
            "date",
            "actors",
            "citations",
            "created",
            "updated",
            "planned_when_written",
        ]

    @extend_schema_field(bool)
    def get_planned_when_written(self, event: Event) -> bool:
        return bool(event.planned_when_written())


class DuplicateSerializer(serializers.ModelSerializer):
    """A recorded event likely the same as one just created."""

    url = SelfLink(view_name="api-event-detail")
    date = serializers.CharField(source="date_display", read_only=True)

    class Meta:
        model = Event
        fields = ["id", "title", "date", "url"]


class EventCreatedSerializer(EventSerializer):
    """The created event, and the recorded events likely the same (it is created anyway)."""

    possible_duplicates = DuplicateSerializer(many=True, read_only=True)

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "possible_duplicates"]


class PositionSerializer(serializers.ModelSerializer):
    """A title the actor held, from ``start`` to ``end`` (null: not known, or still held)."""

    title = serializers.CharField(source="post.title")
    organization = serializers.CharField(
        source="post.organization.name", allow_null=True, default=None
    )

    class Meta:
        model = Position
        fields = ["title", "organization", "start", "start_precision", "end", "end_precision"]


class ActorSerializer(serializers.ModelSerializer):
    url = SelfLink(view_name="api-actor-detail", lookup_field="slug")
    aliases: "serializers.SlugRelatedField[Alias]" = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )
    positions = PositionSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = ["id", "url", "slug", "name", "kind", "description", "aliases", "positions"]


class PublishedSerializer(serializers.Serializer):
    date = serializers.DateField(source="published_date")
    precision = serializers.CharField(source="published_precision")
    on_or_after = serializers.BooleanField(source="published_on_or_after")


class SourceSerializer(serializers.ModelSerializer):
    """``url`` is the article's address, as in the interchange format; ``api_url`` is ours."""

    api_url = SelfLink(view_name="api-source-detail")
    published = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = [
            "id",
            "api_url",
            "key",
            "title",
            "publisher",
            "author",
            "url",
            "published",
            "reference_date",
            "sha256",
        ]

    @extend_schema_field(PublishedSerializer(allow_null=True))
    def get_published(self, source: Source) -> dict | None:
        if source.published_date is None:
            return None
        return PublishedSerializer(source).data


class PassageSerializer(serializers.ModelSerializer):
    index = offset()
    start = offset()
    end = offset()

    class Meta:
        model = Passage
        fields = ["index", "start", "end", "text"]


class EventToCheckSerializer(DuplicateSerializer):
    """An event citing a source whose date changed: its date was read against the old one."""


class SourceEditedSerializer(SourceSerializer):
    """The corrected source, and the events citing it whose dates were read against its old
    date (empty when the date its text is read against did not change): they keep their
    dates, for an analyst to check. At most 200 (``EVENTS_TO_CHECK``) are listed, by date;
    ``events_to_check_count`` says how many there are, and ``events_to_check_url`` lists
    them all (the events list filtered by the source)."""

    events_to_check = EventToCheckSerializer(many=True, read_only=True)
    events_to_check_count = serializers.IntegerField(read_only=True)
    events_to_check_url = serializers.SerializerMethodField()

    class Meta(SourceSerializer.Meta):
        fields = [
            *SourceSerializer.Meta.fields,
            "events_to_check",
            "events_to_check_count",
            "events_to_check_url",
        ]

    def get_events_to_check_url(self, source: Source) -> str | None:
        if not source.events_to_check_count:  # type: ignore[attr-defined]
            return None
        url = f"{reverse('api-event-list')}?{urlencode({'source': source.key})}"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


# A heavily cited source's correction lists this many of its events (about 30 KB), not all
# of them (13,000 for the most cited source at a million events).
EVENTS_TO_CHECK = 200


class SourceDetailSerializer(SourceSerializer):
    passages = PassageSerializer(many=True)

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "passages"]


class CitationSerializer(serializers.ModelSerializer):
    url = SelfLink(view_name="api-citation-detail")
    event: "serializers.PrimaryKeyRelatedField[Event]" = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    # A field named like Field.source: DRF's metaclass takes declared fields off the class.
    source = SourceRefSerializer(source="passage.source")  # type: ignore[assignment]
    passage = serializers.IntegerField(source="passage.index")
    start = offset()
    end = offset()

    class Meta:
        model = Citation
        fields = [
            "id",
            "url",
            "event",
            "source",
            "passage",
            "quote",
            "start",
            "end",
            "prefix",
            "suffix",
            "date_text",
            "note",
        ]
