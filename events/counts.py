"""Counts of matching events (facets, density strip, page counts), cached until the next write.

A count over the whole timeline reads every matching row: a million rows per request at scale.
Counts are therefore cached (Django's cache framework) under a key made of

- the exact SQL and parameters of the filtered queryset (so every filter, the visibility of
  drafts and the chosen actors are part of the key: no canonical form to get wrong), and
- the data generation token (``events.models.Generation``), which database triggers replace
  in the same transaction as every write to the tables counted
  (``events/migrations/0010_scale2_counts_and_spans.py``).

Reading the token is one query per request; a cached count is then never stale: after a
write the key changes, and the first request computes the counts again. The cache is the one
of ``CACHE_URL`` (config/settings.py; by default a table in the database), shared by every
worker process. ``warm()`` computes the unfiltered pages' counts ahead of their first visitor
(``load_timeline`` calls it after an import).
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from rest_framework.relations import Hyperlink

from .models import EventQuerySet

# No expiry: the token makes an entry unreachable after a write, and the cache's MAX_ENTRIES
# culls unreachable ones; an unchanged archive keeps its counts however long it is not written.
TIMEOUT = None


class Counts:
    """The counting methods of one filtered queryset, each cached under the data generation.

    The token is read once, on the first count asked for (one query per request).
    """

    def __init__(self, queryset: "EventQuerySet") -> None:
        self.queryset = queryset
        self._token = None
        self._read = False

    def token(self):
        if not self._read:
            with connections[self.queryset.db].cursor() as cursor:
                cursor.execute("SELECT token FROM events_generation WHERE id = 1")
                row = cursor.fetchone()
            # No row (a test database just flushed): nothing is cached until a write makes one.
            self._token, self._read = (row[0] if row else None), True
        return self._token

    def cached(self, name: str, compute, queryset: QuerySet | None = None):
        """``compute()``, cached under ``name``, the SQL of ``queryset`` and the token."""
        queryset = self.queryset if queryset is None else queryset
        token = self.token()
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:
            return compute()
        if token is None:
            return compute()
        digest = hashlib.sha256(repr((name, sql, params, queryset.db)).encode()).hexdigest()
        key = f"events.counts:{token}:{digest}"
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, TIMEOUT)
        return value

    def cards(self, events: list) -> list:
        """Set ``card`` on each of ``events``: its ``events/_event.html`` rendered (its actors,
        citations and where sources disagree), cached until the next write under its id (one
        cache read for the page). Only the events not cached are prefetched and rendered:
        ``events`` need not carry their evidence. A card depends on no filter and no user.
        """
        from .disagreement import annotate
        from .models import evidence

        token = self.token()
        keys = {event.pk: f"events.card:{token}:{event.pk}" for event in events}
        found = cache.get_many(list(keys.values())) if token is not None else {}
        missing = [event for event in events if keys[event.pk] not in found]
        if missing:
            prefetch_related_objects(missing, *evidence())
            made = {
                keys[event.pk]: str(render_to_string("events/_event.html", {"event": event}))
                for event in annotate(missing)
            }
            if token is not None:
                cache.set_many(made, TIMEOUT)
            found.update(made)
        for event in events:
            event.card = mark_safe(found[keys[event.pk]])  # rendered (escaped) by the engine
        return events

    def representations(self, events: list, serializer, site: str) -> list:
        """``serializer``'s representation of each of ``events`` (the API's JSON of an event),
        cached until the next write under its id and ``site`` (the links are absolute): one
        cache read for the page; only the events not cached are prefetched and serialized.
        """
        from .models import evidence

        token = self.token()
        keys = {event.pk: f"events.json:{token}:{site}:{event.pk}" for event in events}
        found = cache.get_many(list(keys.values())) if token is not None else {}
        missing = [event for event in events if keys[event.pk] not in found]
        if missing:
            prefetch_related_objects(missing, *evidence())
            made = {
                keys[event.pk]: _plain(serializer.to_representation(event)) for event in missing
            }
            if token is not None:
                cache.set_many(made, TIMEOUT)
            found.update(made)
        return [found[keys[event.pk]] for event in events]

    def type_counts(self) -> dict[str, int]:
        return self.cached("types", self.queryset.type_counts)

    def year_counts(self) -> tuple[dict[int, int], int]:
        return self.cached("years", self.queryset.year_counts)

    def actor_counts(self, limit: int, exclude=frozenset()) -> list[dict]:
        return self.cached(
            f"actors:{limit}:{sorted(exclude)}",
            lambda: list(self.queryset.actor_counts(limit, exclude)),
        )

    def count(self, queryset: QuerySet | None = None) -> int:
        queryset = self.queryset if queryset is None else queryset
        return self.cached("count", queryset.count, queryset)


def warm() -> None:
    """Compute and cache the counts of the unfiltered timeline and of ``/actors/``, as a reader
    and as an analyst sees them (at a million events, seconds each), by running those views
    as their first visitor would: the keys are theirs by construction."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from .views.actors import actor_list
    from .views.timeline import timeline

    factory = RequestFactory()
    analyst = get_user_model()(is_active=True, is_superuser=True)  # sees drafts; never saved
    for user in (AnonymousUser(), analyst):
        for view, path in ((timeline, "/"), (actor_list, "/actors/")):
            request = factory.get(path)
            request.user = user
            view(request)


def _plain(representation: dict) -> dict:
    """A representation without DRF's ``Hyperlink`` strings, which carry their object (an
    event and everything prefetched on it: pickled into the cache, it is read back whole)."""
    return {
        name: str(value) if isinstance(value, Hyperlink) else value
        for name, value in representation.items()
    }
