"""API filters: the timeline's ``EventFilter`` plus ``role`` and ``precision``."""

import copy
import difflib
import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

from lib.dates import Precision
from lib.inputs import nul_message
from sources.models import Source

from ..filters import EventFilter, involving, source_error
from ..models import Actor, ActorKind, Citation, Participation, Role

ROLE_VALUES = ", ".join(Role.values)
PRECISION_VALUES = ", ".join(Precision.values)


class RoleFilter(django_filters.ChoiceFilter):
    """Events where someone has the role; with ``actor``, where each named actor has it (a
    title: whoever held it at the event's date, ``events.filters.involving``).

    Applied with the other filters, so that every use of the filter's matches (the list,
    its count, a ranked list's newest matches, the exports) has it.
    """

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        data = getattr(self.parent.form, "cleaned_data", {}) if self.parent else {}
        groups = data.get("actor") or []
        if not groups:
            roles = Participation.objects.filter(role=value)
            return qs.filter(pk__in=roles.values("event_id"))
        for group in groups:
            roles = Participation.objects.filter(involving(group), role=value)
            qs = qs.filter(pk__in=roles.values("event_id"))
        return qs


class PrecisionFilter(django_filters.ChoiceFilter):
    """Events dated to the day, month or year: an undated event has no precision (the API
    says null), whatever its stored default."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        return super().filter(qs, value).filter(date_start__isnull=False)


class ApiEventFilter(EventFilter):
    role = RoleFilter(
        choices=Role.choices,
        label="Role",
        error_messages={
            "invalid_choice": f"role: unknown role “%(value)s”; use one of {ROLE_VALUES}."
        },
    )
    precision = PrecisionFilter(
        field_name="date_precision",
        choices=Precision.choices,
        label="Precision",
        error_messages={
            "invalid_choice": f"precision: unknown precision “%(value)s”; "
            f"use one of {PRECISION_VALUES}."
        },
    )


# The shared filters are custom classes the schema generator cannot type by itself.
_STRING = {"type": "string"}
_PARTIAL_DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_SCHEMAS: dict[str, dict[str, Any]] = {
    "actor": {"type": "array", "items": _STRING, "description": "Actor slug, name or alias."},
    "year": {
        "type": "integer",
        "minimum": 1,
        "maximum": 9999,
        "description": "Events overlapping the year.",
    },
    "from": {
        **_STRING,
        "pattern": _PARTIAL_DATE,
        "description": "YYYY, YYYY-MM or YYYY-MM-DD: events ending on or after.",
    },
    "to": {
        **_STRING,
        "pattern": _PARTIAL_DATE,
        "description": "YYYY, YYYY-MM or YYYY-MM-DD: events starting on or before.",
    },
    "source": {**_STRING, "description": "Source key or id: events citing it."},
}
for _name, _schema in _SCHEMAS.items():
    ApiEventFilter.base_filters[_name] = extend_schema_field(_schema)(
        copy.deepcopy(ApiEventFilter.base_filters[_name])
    )


class ActorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Name or alias contains")
    kind = django_filters.ChoiceFilter(
        field_name="kind",
        choices=Actor._meta.get_field("kind").choices,
        label="Kind",
        error_messages={
            "invalid_choice": "kind: unknown kind of actor “%(value)s”; use one of "
            + ", ".join(ActorKind.values)
            + ".",
        },
    )

    class Meta:
        model = Actor
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        matching = Actor.objects.filter(
            Q(name__icontains=value) | Q(slug__icontains=value) | Q(aliases__name__icontains=value)
        )
        return queryset.filter(pk__in=matching.values("pk"))


MAX_ID = 2**31 - 1
_KEY = re.compile(r"^[-a-zA-Z0-9_]+$")


def is_key_or_id(value: str) -> bool:
    """A source key (a slug) or an id the database can hold."""
    return bool(_KEY.match(value)) and (not value.isdigit() or int(value) <= MAX_ID)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class CitationFilter(django_filters.FilterSet):
    event = IdFilter(
        field_name="event_id",
        label="Event id",
        error_messages={
            "invalid": "event: give the event's id, a whole number (for example event=12).",
            "min_value": "event: give the event's id, a whole number (for example event=12).",
            "max_value": "event: ids go up to %(limit_value)s, so no event has this one; give "
            "the event's id (for example event=12).",
        },
    )
    source = django_filters.CharFilter(method="filter_source", label="Source id or key")

    class Meta:
        model = Citation
        fields: list[str] = []

    def filter_source(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # As the events' source filter: a value no source has is a 400 saying so, not an
        # empty list that reads as "this source has no citations".
        pk = (
            Source.objects.by_key_or_id(value).values_list("pk", flat=True).first()
            if is_key_or_id(value)
            else None
        )
        if pk is None:
            raise ValidationError({"source": [source_error(value)]})
        return queryset.filter(passage__source_id=pk)


class SourceFilter(django_filters.FilterSet):
    """No filters: the sources' list takes its paging and format only (a misspelt
    ``page_sise`` is refused by ``FilterBackend`` as on every other list)."""

    class Meta:
        model = Source
        fields: list[str] = []


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, with error messages passed through as written.

    (The stock one applies ``%`` formatting to messages that may quote the request, so a
    ``%`` in a parameter value would be a 500.) Values with a NUL character (which
    PostgreSQL cannot compare) and source values that cannot be a key or an id are refused
    here, before any query.
    """

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        for name, values in request.query_params.lists():
            if any("\x00" in value for value in values):
                raise ValidationError({name: [nul_message(name)]})
        for value in request.query_params.getlist("source"):
            if value.strip() and not is_key_or_id(value.strip()):
                raise ValidationError({"source": [source_error(value)]})
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if getattr(view, "action", None) == "list":
            refuse_unknown_parameters(request, view, filterset)
        if not filterset.is_valid():
            raise ValidationError(
                {
                    name: [str(message) for message in errors]
                    for name, errors in filterset.errors.items()
                }
            )
        listed = filterset.qs
        # A ranked list holds the best of the newest RANK_CAP matches; its count says so.
        request.rank_cap = getattr(filterset, "cap", None)
        if getattr(view, "every_match", False) and hasattr(filterset, "matches"):
            # An export has every match, in date order (or the sort asked for).
            return filterset.matches
        return listed


def refuse_unknown_parameters(request, view, filterset) -> None:
    """A list's query parameter that no filter, the paging or the format takes is a 400
    naming it and the nearest it may mean: ignored, a misspelt filter ("actr=shoigu") listed
    and exported every event as if it were the one asked for."""
    paginator = getattr(view, "paginator", None)
    known = {*filterset.filters}
    for attribute in ("page_query_param", "page_size_query_param", "cursor_query_param"):
        if name := getattr(paginator, attribute, None):
            known.add(name)
    refuse_unknown(request, known)


def refuse_unknown(request, known: set[str]) -> None:
    """A 400 naming each query parameter not in ``known`` (nor ``format``) and the nearest."""
    known = {*known, api_settings.URL_FORMAT_OVERRIDE}
    unknown = [name for name in request.query_params if name not in known]
    if unknown:
        choices = sorted(name for name in known if name)
        raise ValidationError({name: [_unknown_parameter(name, choices)] for name in unknown})


def _unknown_parameter(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name.lower(), choices, n=1)
    hint = f"did you mean “{close[0]}”?" if close else f"the parameters are {', '.join(choices)}."
    return f"Not a parameter of this list (it would be ignored): {hint}"
