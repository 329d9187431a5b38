"""API pagination: ``?page=N`` as before, or keyset ``?cursor=`` that does not slow with depth.

``count`` is exact up to ``COUNT_CAP`` matching rows; beyond, counting every row would cost
more than the page itself, so ``count`` is the cap and ``count_exact`` is false (the field is
added to every list). ``next`` is known from one extra row, not from the count.

``?cursor=`` (empty to start) walks the list in the same order as ``?page=``: each page gives
``next`` (and ``next_cursor``) holding the last row's sort values, and the next page starts
after them through the ordering's index, whatever the depth. Cursors go forward only
(``previous`` is null). A ranked ``q`` search has no cursor (its order is a computed score):
add ``sort=date``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import OrderedDict

from django.db import connections
from django.db.models import F, OrderBy, Q, QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from lib import inputs

from ..models import EventQuerySet

COUNT_CAP = 10_000


class Key:
    """One column of an ordering: its field, direction and where NULLs sort."""

    def __init__(self, field, descending: bool, nulls_last: bool) -> None:
        self.field, self.descending, self.nulls_last = field, descending, nulls_last
        self.name = field.attname

    def after(self, value) -> Q | None:
        """Rows strictly after ``value`` in this column (None: no row is)."""
        if value is None:
            return None if self.nulls_last else Q(**{f"{self.name}__isnull": False})
        lookup = "lt" if self.descending else "gt"
        q = Q(**{f"{self.name}__{lookup}": value})
        if self.nulls_last and self.field.null:
            q |= Q(**{f"{self.name}__isnull": True})
        return q

    def equal(self, value) -> Q:
        if value is None:
            return Q(**{f"{self.name}__isnull": True})
        return Q(**{self.name: value})


def ordering_keys(queryset: QuerySet) -> list[Key] | None:
    """The queryset's ordering as keys ending with the primary key, or None if not keyset-able."""
    model = queryset.model
    vendor = connections[queryset.db].vendor
    default_nulls_last = vendor == "postgresql"  # for ascending order; reversed when descending
    keys = []
    ordering = queryset.query.order_by or model._meta.ordering
    for item in ordering:
        if isinstance(item, str):
            descending = item.startswith("-")
            name = item.lstrip("-")
            nulls_last = None
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            descending = item.descending
            name = item.expression.name  # type: ignore[attr-defined]  # F.name: not in django-stubs
            nulls_last = True if item.nulls_last else False if item.nulls_first else None
        else:
            return None  # an annotation (search rank) or expression: no keyset
        if name == "pk":
            field = model._meta.pk
        else:
            try:
                field = model._meta.get_field(name)
            except Exception:  # an annotation: no keyset
                return None
            if not getattr(field, "concrete", False) or field.many_to_many:
                return None
            if field.is_relation and name != field.attname:
                # Ordered by the related model's own ordering, not by the column the keys
                # compare: ``event_id`` is a keyset, ``event`` is not.
                return None
        if nulls_last is None:
            nulls_last = default_nulls_last != descending
        keys.append(Key(field, descending, nulls_last))
    if not any(key.field.primary_key for key in keys):
        keys.append(Key(model._meta.pk, False, True))
    return keys


def after(keys: list[Key], values: list) -> Q | None:
    """Rows after ``values`` in the keys' order: an OR over each key's first difference."""
    clauses = []
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        step = key.after(value)
        if step is not None:
            clauses.append(equal & step)
        equal &= key.equal(value)
    if not clauses:
        return None
    q = clauses[0]
    for clause in clauses[1:]:
        q |= clause
    return q


PAGE_SIZE, MAX_PAGE_SIZE = 50, 500


def page_size_asked(query_params, default: int = PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> int:
    """The ``page_size`` asked for: ``default`` without one, more than ``maximum`` as
    ``maximum``; a value that is not one whole number from 1 is a 400 naming it. Every paged
    list of the API reads it here (the events' and the other lists' ``Pagination``, a
    source's suggestions)."""
    values = query_params.getlist("page_size")
    if not values:
        return default
    value = values[-1]
    if len(values) > 1 or not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ValidationError(
            {
                "page_size": [
                    f"page_size: “{value}” is not a number of rows; give one whole number "
                    f"from 1 to {maximum} (for example page_size=100)."
                ]
            }
        )
    return min(int(value), maximum)


def page_numbers_asked(query_params) -> list[str]:
    """Every ``page`` value given, empty ones left out (["1"] for none: ``?page=`` is the
    first page): each a page number, else a 400 naming it."""
    numbers = [n for n in query_params.getlist("page") if n] or ["1"]
    for number in numbers:
        if inputs.page_number(number) is None:
            raise ValidationError(
                {
                    "page": [
                        f"page: “{number[:40]}” is not a page number; give a whole number "
                        "from 1 (for example page=2)."
                    ]
                }
            )
    return numbers


def past_the_end(asked: str, count: int, plural: str, size: int) -> str:
    """What a page past the last one of a list counted exactly is told (a 404)."""
    last = max(1, -(-count // size))
    return (
        f"Invalid page: page {asked.strip()[:40]} is past the last page of this list: "
        f"{count:,} {plural}, {size} a page, end at page={last}."
    )


class Pagination(PageNumberPagination):
    """``?page=N`` or ``?cursor=``; 50 rows a page unless ``?page_size=`` asks for up to 500.

    A ``page`` or ``page_size`` that is not a positive whole number is a 400 naming it (not
    silently ignored); more than 500 rows is capped at 500; a page past the end is a 404.
    """

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_query_param = "cursor"

    def get_page_size(self, request) -> int:
        return page_size_asked(request.query_params, self.page_size, self.max_page_size)

    def page_numbers(self, request) -> list[str]:
        """Every ``page`` value given (["1"] for none): each a page number, else a 400."""
        return page_numbers_asked(request.query_params)

    # --- paging -----------------------------------------------------------------------

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        self.cursor_mode = self.cursor_query_param in request.query_params
        # The view's Counts (events.counts): the count (and an event list's page ids) cached
        # until the next write.
        counts = getattr(view, "counts", None)
        self.next_cursor = None
        counted = f"count up to {COUNT_CAP}"  # the count's name in ``counts``
        # Every page value is a page number, also beside a cursor (which then decides).
        numbers = self.page_numbers(request)
        if self.cursor_mode:
            rows = self._keyset(queryset, request.query_params[self.cursor_query_param], size)
            self.page_number = None
        else:
            self.page_number = inputs.page_number(numbers[-1])
            self.page_asked = numbers[-1].strip()[:40]
            offset = (self.page_number - 1) * size
            # Events deep in the list: their ids first, then their rows (a deferred join).
            stop = offset + size + 1
            if counts is not None and isinstance(queryset, EventQuerySet):
                # The ids cached until the next write, read with the count.
                rows = counts.rows(offset, stop, queryset, read_with=[counted])
            elif isinstance(queryset, EventQuerySet):
                rows = queryset.rows(offset, stop)
            elif offset:
                # Past the first page, the page's ids first (the filtered order alone), then
                # their rows: an OFFSET over the rows with their joins read every row before
                # the page (page 2,000 of the citations at a million events: 1.6-2 s).
                ids = list(queryset.values_list("pk", flat=True)[offset:stop])
                found = queryset.in_bulk(ids)
                rows = [found[pk] for pk in ids if pk in found]
            else:
                rows = list(queryset[offset:stop])
            if self.page_number > 1 and not rows:
                raise NotFound(self._past_the_end(queryset, size))
        self.has_next = len(rows) > size
        rows = rows[:size]
        if self.cursor_mode and self.has_next:
            self.next_cursor = self._encode(rows[-1])
        if counts is not None:
            self.count, self.count_exact = counts.cached(
                counted, lambda: capped_count(queryset), queryset
            )
        else:
            self.count, self.count_exact = capped_count(queryset)
        cap = getattr(request, "rank_cap", None)
        if cap and self.count >= cap:
            # Ranked by relevance, the list holds the best of the newest RANK_CAP matches:
            # more may match (sort=date lists every one).
            self.count_exact = False
        return rows

    def _past_the_end(self, queryset: QuerySet, size: int) -> str:
        """What a page past the last one is told: the last page, when the list is counted
        exactly (up to COUNT_CAP); else how to read a list that long (a cursor)."""
        plural = str(queryset.model._meta.verbose_name_plural)
        count, exact = capped_count(queryset)
        if not exact:
            return (
                f"Invalid page: page {self.page_asked} is past the last page of this list, "
                f"which holds more than {COUNT_CAP:,} {plural}: read it with "
                f"{self.cursor_query_param}= (each page's next link) rather than page numbers."
            )
        return past_the_end(self.page_asked, count, plural, size)

    def _keyset(self, queryset: QuerySet, token: str, size: int) -> list:
        keys = ordering_keys(queryset)
        if keys is None:
            raise ValidationError(
                {
                    "cursor": [
                        "cursor: results ranked by relevance (q without sort) have no cursor; "
                        "add sort=date or sort=-date, or use page."
                    ]
                }
            )
        self.keys = keys
        values = self._decode(token, keys) if token else None
        if values is None:
            pks = list(queryset.values_list("pk", flat=True)[: size + 1])
        else:
            pks = self._pks_after(queryset, keys, values, size + 1)
        rows = {row.pk: row for row in queryset.filter(pk__in=pks)}
        return [rows[pk] for pk in pks if pk in rows]

    @staticmethod
    def _pks_after(queryset: QuerySet, keys: list[Key], values: list, limit: int) -> list:
        """Up to ``limit`` pks after ``values``, region by region of the first key.

        The first key's NULLs form a region of their own (first or last); within the current
        region the next rows are a range of the ordering's index, so the database starts
        where the cursor points instead of walking from the beginning.
        """
        first, value = keys[0], values[0]
        ids = queryset.values_list("pk", flat=True)
        rest = after(keys[1:], values[1:])
        if value is None:
            region = Q(**{f"{first.name}__isnull": True})
            here = ids.filter(region & rest) if rest is not None else ids.none()
        else:
            bound = "lte" if first.descending else "gte"
            start = Q(**{f"{first.name}__{bound}": value})
            strictly = Q(**{f"{first.name}__{'lt' if first.descending else 'gt'}": value})
            tie = Q(**{first.name: value}) & rest if rest is not None else Q(pk__in=[])
            here = ids.filter(start & (strictly | tie))
        pks = list(here[:limit])
        if len(pks) < limit and first.field.null:
            # The other region, if it comes after this one, from its start.
            if value is None and not first.nulls_last:
                pks += list(ids.filter(**{f"{first.name}__isnull": False})[: limit - len(pks)])
            elif value is not None and first.nulls_last:
                pks += list(ids.filter(**{f"{first.name}__isnull": True})[: limit - len(pks)])
        return pks

    # --- cursors ------------------------------------------------------------------------

    def _signature(self, keys: list[Key]) -> str:
        spec = [(k.name, k.descending, k.nulls_last) for k in keys]
        return hashlib.sha1(json.dumps(spec).encode()).hexdigest()[:8]

    def _encode(self, row) -> str:
        values = [getattr(row, key.name) for key in self.keys]
        data = {"o": self._signature(self.keys), "v": [_jsonable(v) for v in values]}
        raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode(self, token: str, keys: list[Key]) -> list:
        invalid = ValidationError(
            {
                "cursor": [
                    "cursor: this is not a cursor of this list in this order; follow the next "
                    "link of a page, or start again with an empty cursor (cursor=)."
                ]
            }
        )
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            data = json.loads(raw)
            if data["o"] != self._signature(keys) or len(data["v"]) != len(keys):
                raise invalid
            return [
                None if value is None else key.field.to_python(value)
                for key, value in zip(keys, data["v"], strict=True)
            ]
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise invalid from exc
        except Exception as exc:  # a value the field refuses (ValidationError)
            if isinstance(exc, ValidationError):
                raise
            raise invalid from exc

    # --- the response -------------------------------------------------------------------

    def get_next_link(self):
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        if self.cursor_mode:
            url = remove_query_param(url, self.page_query_param)
            return replace_query_param(url, self.cursor_query_param, self.next_cursor)
        return replace_query_param(url, self.page_query_param, self.page_number + 1)

    def get_previous_link(self):
        if self.cursor_mode or self.page_number == 1:
            return None
        url = self.request.build_absolute_uri()
        if self.page_number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.page_number - 1)

    def get_paginated_response(self, data):
        body = OrderedDict(
            [
                ("count", self.count),
                ("next", self.get_next_link()),
                ("previous", self.get_previous_link()),
                ("results", data),
                ("count_exact", self.count_exact),
            ]
        )
        if self.cursor_mode:
            body["next_cursor"] = self.next_cursor
        return Response(body)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_exact"] = {
            "type": "boolean",
            "description": f"False when more than {COUNT_CAP:,} rows match: count is then "
            f"{COUNT_CAP:,}, a lower bound.",
        }
        response["properties"]["next_cursor"] = {
            "type": "string",
            "nullable": True,
            "description": "With ?cursor=: the cursor of the next page (also in next).",
        }
        return response

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = "Rows a page: 50 unless given; more than 500 is 500."
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Keyset paging: empty for the first page, then the next_cursor "
                "of the page before. Forward only; not with a ranked q (add sort).",
                "schema": {"type": "string"},
            }
        )
        return parameters


def capped_count(queryset: QuerySet) -> tuple[int, bool]:
    """The number of rows, counted up to COUNT_CAP + 1: (count, exact)."""
    if isinstance(queryset, EventQuerySet):
        n = queryset.count_upto(COUNT_CAP + 1)
    else:
        n = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    return (n, True) if n <= COUNT_CAP else (COUNT_CAP, False)


def _jsonable(value):
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
