"""Write serializers: ``EventWriteSerializer`` (and ``CitationWriteSerializer`` for
/api/citations/) validate everything, citations included, before anything is saved.
"""

import calendar
import datetime as dt
import difflib
import json
import re

from django.db import models
from django.utils.text import slugify
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.dates import (
    FIRST_YEAR,
    LAST_YEAR,
    DateTextError,
    Precision,
    Reference,
)
from lib.datesearch import read_as_cited
from lib.inputs import NUL_FIX, refuse_direction_controls
from sources.models import Source

from ...models import NOTE_MAX, Actor, ActorKind, Event, Role
from ...positions import EventDate, event_date, title_clash
from ...services import ActorChoice, CitationError, NewCitation, locate, save_event

# ---------------------------------------------------------------------------------------------
# Writes: JSON types are checked strictly (no "1" for 1, no 0 for false), as the schema says.

MAX_INT = 2**31 - 1


def is_text(data) -> bool:
    """A string any database can store: UTF-8 (no lone surrogate from JSON), no NUL."""
    if not isinstance(data, str) or "\x00" in data:
        return False
    try:
        data.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class StrictCharField(serializers.CharField):
    """Text only, saying what was sent instead: a number, a list, a NUL, a lone surrogate."""

    def to_internal_value(self, data) -> str:
        if not is_text(data):
            raise serializers.ValidationError(_not_text(data))
        return super().to_internal_value(data)


_JSON_KINDS = {bool: "true or false", int: "a number", float: "a number", list: "a list"}


def _not_text(data) -> str:
    if isinstance(data, str):
        if "\x00" in data:
            return NUL_FIX[0].upper() + NUL_FIX[1:]
        return "The text is not valid Unicode (a lone surrogate such as \\ud800); send UTF-8 text."
    kind = "an object" if isinstance(data, dict) else _JSON_KINDS.get(type(data), "no text")
    return f"Send text (a JSON string in quotes), not {kind}."


class IsoDateField(serializers.DateField):
    """A date as YYYY-MM-DD, saying what is wrong with one that is not: an impossible day
    ("2021-02-30": February 2021 has 28 days) or another form (it was DRF's "Date has wrong
    format" for both)."""

    def to_internal_value(self, data) -> dt.date:
        if isinstance(data, str) and (match := _ISO_DAY.fullmatch(data.strip())):
            year, month, day = (int(part) for part in match.groups())
            if not FIRST_YEAR <= year <= LAST_YEAR:
                raise serializers.ValidationError(
                    f"“{data}”: years run from {FIRST_YEAR} to {LAST_YEAR}; {year:04d} is not one."
                )
            if not 1 <= month <= 12:
                raise serializers.ValidationError(
                    f"“{data}” is not a real date: there is no month {month}. Write YYYY-MM-DD."
                )
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise serializers.ValidationError(
                    f"“{data}” is not a real date: {calendar.month_name[month]} {year} has "
                    f"{last} days."
                )
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            if not is_text(data):
                raise
            raise serializers.ValidationError(
                f"“{data[:40]}” is not a date: write it as YYYY-MM-DD, like 2021-06-22 "
                "(or send date.text alone, as written, to have it read)."
            ) from None


_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class StrictChoiceField(serializers.ChoiceField):
    """A choice sent as a string; the message names the choices, in JSON's spelling of what
    was sent (``true`` was said as "True")."""

    default_error_messages = {
        "invalid_choice": "“{input}” is not one of the choices: {choices}.",
    }

    def fail(self, key: str, **kwargs):
        if key == "invalid_choice":
            kwargs["input"] = json.dumps(kwargs.get("input"), ensure_ascii=False).strip('"')
            kwargs["choices"] = ", ".join(str(choice) for choice in self.choices)
        return super().fail(key, **kwargs)

    def to_internal_value(self, data) -> str:
        if not is_text(data):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


@extend_schema_field({"oneOf": [{"type": "string", "maxLength": 200}, {"type": "integer"}]})
class SourceRefField(serializers.Field):
    """A source's key (a string) or its id (a number, or a string of digits)."""

    default_error_messages = {"invalid": "Give the source's key (a string) or its id."}

    def to_internal_value(self, data) -> Source:
        if not (is_text(data) or (isinstance(data, int) and not isinstance(data, bool))):
            self.fail("invalid")
        return find_source(str(data))

    def to_representation(self, value) -> str:
        return value.key


def require(attrs: dict, name: str) -> None:
    """Nested items are validated as partial in a PATCH; their key fields stay required."""
    if name not in attrs:
        raise serializers.ValidationError({name: ["This field is required."]})


def find_source(value: str) -> Source:
    """A source by key, or by id when the value is all digits."""
    value = str(value).strip()
    source = Source.objects.by_key(value).first()
    if source is None and value.isascii() and value.isdigit() and int(value) <= MAX_INT:
        source = Source.objects.filter(pk=int(value)).first()
    if source is None:
        raise serializers.ValidationError(
            f"No source has the key or id “{value}”; use a key from /api/sources/."
        )
    return source


class RefusesUnknownKeys(serializers.Serializer):
    """A key the serializer neither takes nor gives back in the read shape (``read_keys``:
    sent back unchanged, they are let through) is a 400 naming it: a misspelt field
    ("sumary") would otherwise be dropped without a word and the write answered 201."""

    read_keys: frozenset[str] = frozenset()

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = set(self.fields) | self.read_keys
            unknown = [key for key in data if key not in known]
            if unknown:
                raise serializers.ValidationError(
                    {str(key): [_unknown_key(str(key), sorted(self.fields))] for key in unknown}
                )
        return super().to_internal_value(data)


def _unknown_key(key: str, fields: list[str]) -> str:
    close = difflib.get_close_matches(key, fields, n=1)
    hint = f"did you mean “{close[0]}”?" if close else f"the fields are {', '.join(fields)}."
    return f"Not a field here (it would be ignored): {hint}"


class WriteCitationSerializer(RefusesUnknownKeys):
    """A citation: ``source`` and ``quote`` (located automatically), or explicit offsets.

    Validated data is ``{"located": Located, "date_text", "note"}``.
    """

    read_keys = frozenset({"id"})

    # A field named like Field.source: DRF's metaclass takes declared fields off the class.
    source = SourceRefField(help_text="The source's key, or its id (see /api/sources/).")  # type: ignore[assignment]
    quote = StrictCharField(
        required=False,
        trim_whitespace=False,
        help_text="The exact words of the source. Without passage/start, they must occur "
        "exactly once in the source.",
    )
    passage = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_INT,
        help_text="Passage index in the source.",
    )
    start = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_INT,
        help_text="Offset of the quote in the passage.",
    )
    end = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_INT,
        help_text="Offset just past the quote in the passage.",
    )
    date_text = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The date as this source writes it.",
    )
    note = StrictCharField(required=False, allow_blank=True, max_length=NOTE_MAX)

    def validate(self, attrs: dict) -> dict:
        require(attrs, "source")  # also in a PATCH: a citation of the list is whole
        source: Source = attrs["source"]
        quote = attrs.get("quote")
        index, start, end = attrs.get("passage"), attrs.get("start"), attrs.get("end")
        passages = list(source.passages.all())
        if index is not None and not any(p.index == index for p in passages):
            raise serializers.ValidationError(
                {
                    "passage": f"Source “{source.key}” has no passage {index}; it has passages "
                    f"0 to {len(passages) - 1} (see /api/sources/{source.pk}/)."
                }
            )
        if (start is not None or end is not None) and index is None:
            raise serializers.ValidationError(
                {"passage": "Offsets are counted within a passage: give passage with start/end."}
            )
        if not quote:
            if index is None or start is None or end is None:
                raise serializers.ValidationError(
                    {
                        "quote": "Give the quote (the exact words of the source), or passage, "
                        "start and end."
                    }
                )
            passage = next(p for p in passages if p.index == index)
            if not start < end <= len(passage.text):
                raise serializers.ValidationError(
                    {
                        "end": f"Offsets {start}–{end} are outside passage {index} "
                        f"(0–{len(passage.text)}); start must be before end."
                    }
                )
            quote = passage.text[start:end]
        try:
            located = locate(source, quote, index, start, end, passages=passages)
        except CitationError as exc:
            field = "start" if start is not None else "quote"
            raise serializers.ValidationError({field: str(exc)}) from None
        return {
            "located": located,
            "date_text": attrs.get("date_text", ""),
            "note": attrs.get("note", ""),
        }


class WriteDateSerializer(RefusesUnknownKeys):
    """Either the structured date, or ``{"text": "June 22-24, 2021"}`` alone (parsed)."""

    start = IsoDateField(source="date_start", required=False, allow_null=True)
    end = IsoDateField(source="date_end", required=False, allow_null=True)
    precision = StrictChoiceField(
        source="date_precision", choices=Precision.choices, required=False
    )
    text = StrictCharField(
        source="date_text",
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The date as written. Sent alone, it is parsed (relative to the reference "
        "date of the first cited source, or today) into start, end and precision.",
    )
    approximate = StrictBooleanField(source="date_approximate", required=False)

    def validate(self, attrs: dict) -> dict:
        if set(attrs) == {"date_text"} and attrs["date_text"].strip():
            attrs["date_parse"] = True
        return attrs


class WriteActorSerializer(RefusesUnknownKeys):
    """An actor by name, slug or alias; ``"create": true`` makes an unknown one."""

    read_keys = frozenset({"id", "slug"})

    name = StrictCharField(
        max_length=200,
        help_text="The actor's name, slug or an alias.",
        validators=[refuse_direction_controls],
    )
    role = StrictChoiceField(choices=Role.choices, default=Role.PARTICIPANT)
    # A field named like BaseSerializer.create: DRF's metaclass takes declared fields off the class.
    create = StrictBooleanField(  # type: ignore[assignment]
        default=False,
        help_text="Create the actor when no actor has this name, slug or alias "
        "(then kind is required).",
    )
    kind = StrictChoiceField(
        choices=ActorKind.choices, required=False, help_text="For a new actor."
    )
    description = StrictCharField(
        max_length=500, required=False, allow_blank=True, help_text="For a new actor."
    )

    def validate(self, attrs: dict) -> dict:
        require(attrs, "name")  # also in a PATCH: an actor of the list is whole
        name = attrs["name"].strip()
        actor = Actor.objects.named(name).first()
        # A title ("the coup leader") is no actor, to create or not: the event's serializer
        # refuses it, naming whoever held the title at the event's date.
        title = title_clash([name, slugify(name)]) if actor is None else None
        if title is not None:
            return {"actor": None, "name": name, "title": title}
        if actor is None and not attrs.get("create", False):
            raise serializers.ValidationError(
                {
                    "name": f"No actor is named “{name}”; use an existing actor's name, slug or "
                    'alias (see /api/actors/?q=), or add "create": true and a "kind" to '
                    "create it."
                }
            )
        if actor is None:
            if "kind" not in attrs:
                kinds = ", ".join(ActorKind.values)
                raise serializers.ValidationError(
                    {"kind": f"Say what kind of actor “{name}” is: one of {kinds}."}
                )
            if not any(character.isalnum() for character in name):
                raise serializers.ValidationError(
                    {"name": "A new actor's name needs letters or digits."}
                )
            # A name in another script (Новый Актёр) has no ASCII slug: it gets "actor",
            # "actor-2"… as in the event form (``services.new_actor_slug``).
            slug = slugify(name)[:200]
            clash = Actor.objects.filter(slug=slug).first() if slug else None
            if clash is not None:
                raise serializers.ValidationError(
                    {
                        "name": f"“{name}” would have the same slug as “{clash.name}” "
                        f"({slug}); use that actor or a distinct name."
                    }
                )
        return {
            "actor": actor,
            "name": name,
            "role": attrs.get("role", Role.PARTICIPANT),
            "kind": attrs.get("kind"),
            "description": attrs.get("description", ""),
        }


class EventWriteSerializer(RefusesUnknownKeys, serializers.ModelSerializer):
    """Create or change an event, its actors and its citations, all validated first.

    ``actors`` and ``citations``, when given, replace the event's lists (PUT and PATCH
    alike); left out, they stay as they are.
    """

    read_keys = frozenset({"id", "url", "created", "updated", "possible_duplicates"})

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }
    serializer_choice_field = StrictChoiceField

    date = WriteDateSerializer(source="*", required=False)
    actors = WriteActorSerializer(many=True, required=False)
    citations = WriteCitationSerializer(many=True, required=False)

    class Meta:
        model = Event
        fields = [
            "title",
            "summary",
            "attribution",
            "type",
            "status",
            "location",
            "date",
            "actors",
            "citations",
        ]

    def date_context(self, attrs: dict) -> tuple[Reference, str, int, int]:
        """What the date as written is read against and in (``Event.date_context``): this
        request's first citation, else the event's first citation."""
        citing = [item["located"] for item in attrs.get("citations") or []]
        return (self.instance or Event()).date_context(citing)

    def validate(self, attrs: dict) -> dict:
        if attrs.pop("date_parse", False):
            text = attrs["date_text"].strip()
            try:
                parsed = read_as_cited(text, *self.date_context(attrs))
            except DateTextError as exc:
                raise serializers.ValidationError(
                    {
                        "date": {
                            # The parser's one message says what is wrong and how to
                            # write it; the same text reads the same in the event form.
                            "text": [f"Cannot read the date: {exc} Or give start and precision."]
                        }
                    }
                ) from None
            attrs.update(
                date_start=parsed.start,
                date_end=parsed.end,
                date_precision=parsed.precision,
                date_approximate=parsed.approximate,
                date_text=text,
            )
        values = {
            name: attrs.get(name, getattr(self.instance, name, None))
            for name in ("date_start", "date_end")
        }
        if values["date_end"] and not values["date_start"]:
            raise serializers.ValidationError(
                {"date": {"end": ["An end date needs a start date."]}}
            )
        if values["date_end"] and values["date_end"] < values["date_start"]:
            raise serializers.ValidationError(
                {"date": {"end": ["The end date is before the start date; swap them."]}}
            )
        titles = {
            str(i): {"name": [item["title"].message(self._event_date(attrs))]}
            for i, item in enumerate(attrs.get("actors", []))
            if item.get("title") is not None
        }
        if titles:
            raise serializers.ValidationError({"actors": titles})
        pairs = [
            (a["actor"].pk if a["actor"] else slugify(a["name"]) or a["name"].upper(), a["role"])
            for a in attrs.get("actors", [])
        ]
        if len(pairs) != len(set(pairs)):
            raise serializers.ValidationError(
                {"actors": ["An actor is listed twice with the same role; list it once."]}
            )
        return attrs

    def _event_date(self, attrs: dict) -> EventDate | None:
        """The event's date after this write (a title is answered with its holders then)."""
        start, end, precision = (
            attrs.get(name, getattr(self.instance, name, None))
            for name in ("date_start", "date_end", "date_precision")
        )
        return event_date(start, end, precision)

    def to_representation(self, instance: Event) -> dict:
        """The event as a body this serializer takes back (what the browsable API shows in
        its PUT form): citations by source key, passage and offsets; actors by name."""
        return {
            **{
                name: getattr(instance, name)
                for name in ("title", "summary", "attribution", "type", "status", "location")
            },
            "date": {
                "start": instance.date_start and instance.date_start.isoformat(),
                "end": instance.date_end and instance.date_end.isoformat(),
                "precision": instance.date_precision,
                "text": instance.date_text,
                "approximate": instance.date_approximate,
            },
            "actors": [
                {"name": p.actor.name, "role": p.role}
                for p in instance.participations.select_related("actor").order_by("pk")
            ],
            "citations": [
                {
                    "source": c.passage.source.key,
                    "quote": c.quote,
                    "passage": c.passage.index,
                    "start": c.start,
                    "end": c.end,
                    "date_text": c.date_text,
                    "note": c.note,
                }
                for c in instance.citations.select_related("passage__source").order_by("pk")
            ],
        }

    def create(self, validated_data: dict) -> Event:
        return self._save(Event(), validated_data)

    def update(self, event: Event, validated_data: dict) -> Event:
        return self._save(event, validated_data)

    def _save(self, event: Event, data: dict) -> Event:
        """Translate to the writer (``events.services.save_event``), which does the rest.

        ``base_version`` and ``user`` come from the view's ``save(...)``.
        """
        base_version, user = data.pop("base_version", None), data.pop("user", None)
        actors, citations = data.pop("actors", None), data.pop("citations", None)
        if event.pk is None:
            actors, citations = actors or [], citations or []
        for name, value in data.items():
            setattr(event, name, value)
        return save_event(
            event,
            actors=None if actors is None else [actor_choice(item) for item in actors],
            citations=None
            if citations is None
            else [
                NewCitation(item["located"], item["date_text"], item["note"]) for item in citations
            ],
            base_version=base_version,
            user=user,
        )


def actor_choice(item: dict) -> ActorChoice:
    if item["actor"] is not None:
        return ActorChoice(role=item["role"], actor=item["actor"])
    return ActorChoice(
        role=item["role"],
        name=item["name"],
        kind=item["kind"],
        description=item["description"],
    )


class CitationWriteSerializer(WriteCitationSerializer):
    """POST /api/citations/: one citation added to an existing event."""

    read_keys = frozenset({"id", "url"})

    event = StrictIntegerField(min_value=1, max_value=MAX_INT, help_text="The event's id.")

    def validate_event(self, value: int) -> Event:
        event = Event.objects.filter(pk=value).first()
        if event is None:
            raise serializers.ValidationError(f"No event has the id {value}; see /api/events/.")
        return event

    def validate(self, attrs: dict) -> dict:
        event = attrs.pop("event")
        return {**super().validate(attrs), "event": event}
