"""API filters: the timeline's ``EventFilter`` plus ``role`` and ``precision``."""

import copy

import django_filters
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema_field

from lib.dates import Precision

from ..filters import EventFilter
from ..models import Actor, Citation, Participation, Role

ROLE_VALUES = ", ".join(Role.values)
PRECISION_VALUES = ", ".join(Precision.values)


class RoleFilter(django_filters.ChoiceFilter):
    """Events where someone has the role; with ``actor``, where that actor has it.

    The filtering itself happens in ``ApiEventFilter.filter_queryset`` because it needs
    the cleaned ``actor`` value.
    """

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        return qs


class ApiEventFilter(EventFilter):
    role = RoleFilter(
        choices=Role.choices,
        label="Role",
        error_messages={
            "invalid_choice": f"role: unknown role “%(value)s”; use one of {ROLE_VALUES}."
        },
    )
    precision = django_filters.ChoiceFilter(
        field_name="date_precision",
        choices=Precision.choices,
        label="Precision",
        error_messages={
            "invalid_choice": f"precision: unknown precision “%(value)s”; "
            f"use one of {PRECISION_VALUES}."
        },
    )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        role = self.form.cleaned_data.get("role")
        if not role:
            return queryset
        groups = self.form.cleaned_data.get("actor") or []
        if not groups:
            roles = Participation.objects.filter(role=role)
            return queryset.filter(pk__in=roles.values("event_id"))
        for pks in groups:
            roles = Participation.objects.filter(role=role, actor_id__in=pks)
            queryset = queryset.filter(pk__in=roles.values("event_id"))
        return queryset


# The shared filters are custom classes the schema generator cannot type by itself.
_STRING = {"type": "string"}
_SCHEMAS = {
    "actor": {"type": "array", "items": _STRING, "description": "Actor slug, name or alias."},
    "year": {"type": "integer", "description": "Events overlapping the year."},
    "from": {**_STRING, "description": "YYYY, YYYY-MM or YYYY-MM-DD: events ending on or after."},
    "to": {**_STRING, "description": "YYYY, YYYY-MM or YYYY-MM-DD: events starting on or before."},
    "source": {**_STRING, "description": "Source key or id: events citing it."},
}
for _name, _schema in _SCHEMAS.items():
    ApiEventFilter.base_filters[_name] = extend_schema_field(_schema)(
        copy.deepcopy(ApiEventFilter.base_filters[_name])
    )


class ActorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Name or alias contains")
    kind = django_filters.ChoiceFilter(
        field_name="kind", choices=Actor._meta.get_field("kind").choices, label="Kind"
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


class CitationFilter(django_filters.FilterSet):
    event = django_filters.NumberFilter(field_name="event_id", label="Event id")
    source = django_filters.CharFilter(method="filter_source", label="Source id or key")

    class Meta:
        model = Citation
        fields: list[str] = []

    def filter_source(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value.isdigit():
            return queryset.filter(passage__source_id=int(value))
        return queryset.filter(passage__source__key=value)
