"""Read serializers: an event is the interchange event shape plus ids and links."""

from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.dates import Precision
from sources.models import Passage, Source

from ..models import Actor, Citation, Event, Participation, Role


class SelfLink(serializers.HyperlinkedIdentityField):
    """The object's API address, without the ``?format=`` of the request that listed it."""

    def get_url(self, obj, view_name, request, format):
        lookup = getattr(obj, self.lookup_field)
        path = reverse(view_name, kwargs={self.lookup_url_kwarg: lookup})
        return request.build_absolute_uri(path) if request is not None else path


class EventDateSerializer(serializers.Serializer):
    start = serializers.DateField(source="date_start", allow_null=True)
    end = serializers.DateField(source="date_end", allow_null=True)
    precision = serializers.CharField(source="date_precision")
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


class EventCitationSerializer(serializers.ModelSerializer):
    source = SourceRefSerializer(source="passage.source")
    passage = serializers.IntegerField(source="passage.index")

    class Meta:
        model = Citation
        fields = ["id", "source", "passage", "quote", "start", "end", "date_text", "note"]


class EventSerializer(serializers.ModelSerializer):
    url = SelfLink(view_name="api-event-detail")
    date = EventDateSerializer(source="*")
    actors = EventActorSerializer(source="participations", many=True)
    citations = EventCitationSerializer(many=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "title",
            "summary",
            "type",
            "status",
            "location",
            "date",
            "actors",
            "citations",
            "created",
            "updated",
        ]


class ActorSerializer(serializers.ModelSerializer):
    url = SelfLink(view_name="api-actor-detail", lookup_field="slug")
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Actor
        fields = ["id", "url", "slug", "name", "kind", "description", "aliases"]


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
    class Meta:
        model = Passage
        fields = ["index", "start", "end", "text"]


class SourceDetailSerializer(SourceSerializer):
    passages = PassageSerializer(many=True)

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "passages"]


class CitationSerializer(serializers.ModelSerializer):
    url = SelfLink(view_name="api-citation-detail")
    event = serializers.PrimaryKeyRelatedField(read_only=True)
    source = SourceRefSerializer(source="passage.source")
    passage = serializers.IntegerField(source="passage.index")

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


class WriteDateSerializer(serializers.Serializer):
    start = serializers.DateField(source="date_start", required=False, allow_null=True)
    end = serializers.DateField(source="date_end", required=False, allow_null=True)
    precision = serializers.ChoiceField(
        source="date_precision", choices=Precision.choices, required=False
    )
    text = serializers.CharField(source="date_text", required=False, allow_blank=True)
    approximate = serializers.BooleanField(source="date_approximate", required=False)


class WriteActorSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The actor's name, slug or an alias.")
    role = serializers.ChoiceField(choices=Role.choices, default=Role.PARTICIPANT)

    def validate_name(self, value: str) -> Actor:
        actor = Actor.objects.named(value).first()
        if actor is None:
            raise serializers.ValidationError(
                f"No actor is named “{value}”; use an existing actor's name, slug or alias "
                "(see /api/actors/?q=)."
            )
        return actor


class EventWriteSerializer(serializers.ModelSerializer):
    """Create or change an event's own fields and actors; citations are added elsewhere."""

    date = WriteDateSerializer(source="*", required=False)
    actors = WriteActorSerializer(many=True, required=False)

    class Meta:
        model = Event
        fields = ["title", "summary", "type", "status", "location", "date", "actors"]

    def validate(self, attrs: dict) -> dict:
        values = {
            name: attrs.get(name, getattr(self.instance, name, None))
            for name in ("date_start", "date_end")
        }
        if values["date_end"] and not values["date_start"]:
            raise serializers.ValidationError({"date": {"end": "An end date needs a start date."}})
        if values["date_end"] and values["date_end"] < values["date_start"]:
            raise serializers.ValidationError(
                {"date": {"end": "The end date is before the start date; swap them."}}
            )
        pairs = [(a["name"].pk, a["role"]) for a in attrs.get("actors", [])]
        if len(pairs) != len(set(pairs)):
            raise serializers.ValidationError(
                {"actors": "An actor is listed twice with the same role; list it once."}
            )
        return attrs

    @transaction.atomic
    def create(self, validated_data: dict) -> Event:
        actors = validated_data.pop("actors", [])
        event = Event.objects.create(**validated_data)
        self._set_actors(event, actors)
        return event

    @transaction.atomic
    def update(self, event: Event, validated_data: dict) -> Event:
        actors = validated_data.pop("actors", None)
        for name, value in validated_data.items():
            setattr(event, name, value)
        event.version += 1
        event.save()
        if actors is not None:
            event.participations.all().delete()
            self._set_actors(event, actors)
        return event

    def _set_actors(self, event: Event, actors: list[dict]) -> None:
        Participation.objects.bulk_create(
            Participation(event=event, actor=a["name"], role=a["role"]) for a in actors
        )
