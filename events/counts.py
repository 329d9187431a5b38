"""Counts of matching events (facets, density strip, page counts), cached until the next write.

Also cached the same way: each page's event ids (``Counts.rows``: the list asked again reads
its events by id), each event's card and API JSON (``cards``, ``representations``).

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

A time budget (``settings.COUNTS_BUDGET_MS``, web process on PostgreSQL only): a count not
cached is computed under ``SET LOCAL statement_timeout`` in a savepoint, so a count that would
take seconds (the first request after a write, at a million events) cannot reach the web
statement timeout and turn the page into a 503. When the budget runs out the count is
``Counts.PENDING`` for this request (the page says the counts are being computed; it never
shows a wrong number), and one background thread per key (a ``cache.add`` lock) computes it
without the budget and stores it under the same generation token. Management commands
(``warm_counts``) and SQLite have no budget: they have no statement timeout either.
"""

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import OperationalError, connections, transaction
from django.db.models import QuerySet, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import tally
from .models import EventQuerySet, fold_years

# No expiry: the token makes an entry unreachable after a write, and the cache's MAX_ENTRIES
# culls unreachable ones; an unchanged archive keeps its counts however long it is not written.
TIMEOUT = None

# A background computation holds its key's lock at most this long (it deletes it when done):
# a worker restarted mid-computation leaves readers without that count (the note) this long
# at most; a computation longer than this may run twice (wasted work, never a wrong count).
LOCK_SECONDS = 120

# Raised when what a card shows changes with no write to the data (entries never expire, so a
# deploy would keep the cards rendered before it): 2, a day that opens a stay is read as its
# days where sources are compared (the June 2021 visit no longer disagrees on the date); 3,
# a card says "planned when written". JSON_VERSION likewise for the API's JSON of an event:
# 2, ``planned_when_written``.
CARD_VERSION = 3
JSON_VERSION = 2

logger = logging.getLogger(__name__)

_threads: list[threading.Thread] = []  # the background computations started (for tests)


class OutOfBudget(Exception):
    """A count's statement was cancelled by the counts' time budget."""


def within_budget(compute: Callable, db: str):
    """``compute()`` with each of its statements limited to ``COUNTS_BUDGET_MS`` on
    PostgreSQL (0: no limit); raises ``OutOfBudget`` when one is cancelled. The limit is set
    with ``SET LOCAL`` in a savepoint and so ends with it, whether the count is done or not."""
    connection = connections[db]
    budget = settings.COUNTS_BUDGET_MS
    if not budget or connection.vendor != "postgresql":
        return compute()
    nested = connection.in_atomic_block
    try:
        with transaction.atomic(using=db):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s", [budget])
            value = compute()
            if nested:  # a released savepoint keeps SET LOCAL: the outer transaction's again
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL statement_timeout = %s", [_session()])
            return value
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) == "57014":  # query_canceled
            raise OutOfBudget from error
        raise


def _session() -> int:
    """The web process's own statement timeout (config/settings.py), or none (0)."""
    options = settings.DATABASES["default"].get("OPTIONS", {}).get("options", "")
    return settings.STATEMENT_TIMEOUT_MS if "statement_timeout=" in options else 0


def compute_later(key: str, token, compute: Callable, db: str) -> None:
    """Compute ``compute()`` in a daemon thread, without the budget, and cache it under ``key``
    if the data generation is still ``token`` afterwards; at most one thread per key (across
    worker processes: the lock is in the shared cache)."""
    lock = f"{key}:computing"  # (Counts.cached reads it too)
    if not cache.add(lock, True, LOCK_SECONDS):
        return

    def run() -> None:
        try:
            connection = connections[db]
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET statement_timeout = 0")  # this thread's own connection
            if _token(db) == token:
                value = compute()
                # A write committed meanwhile may be in the value: then it is not kept.
                if _token(db) == token:
                    cache.set(key, value, TIMEOUT)
        except Exception:
            logger.exception("Computing the counts %s in the background failed", key)
        finally:
            cache.delete(lock)
            connections.close_all()  # this thread's connections only (they are per thread)

    thread = threading.Thread(target=run, name=f"counts {key[-12:]}", daemon=True)
    _threads[:] = [alive for alive in _threads if alive.is_alive()]
    _threads.append(thread)
    thread.start()


def join_background(timeout: float = 60) -> None:
    """Wait for the background computations started so far (tests)."""
    while _threads:
        _threads.pop().join(timeout)


def _token(db: str):
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT token FROM events_generation WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


class Counts:
    """The counting methods of one filtered queryset, each cached under the data generation.

    The token is read once, on the first count asked for (one query per request).

    ``budgeted``: a count not cached is computed within the time budget (``within_budget``);
    one that runs out of it is ``PENDING`` (and computed in the background), as are one being
    computed in the background already and the counts not cached asked for after either in
    the same request (they would run out too): a reader waits for one budget at most.
    ``pending`` then says so.
    """

    PENDING = None

    def __init__(
        self, queryset: "EventQuerySet", budgeted: bool = False, batched: bool = False
    ) -> None:
        self.queryset = queryset
        self.budgeted = budgeted
        self.pending = False
        self._token = None
        self._read = False
        # ``batched``: what is computed is written to the cache by ``flush()``, in one
        # statement, instead of one transaction per value (the caller flushes at its end).
        self._unwritten: dict | None = {} if batched else None
        self._expected: dict = {}  # read ahead by _expect(): a key's value, None when missing
        # ``whole``: the queryset is every event of ``statuses`` (None: all): its facets are
        # read from the tallies the database keeps current (``events.tally``).
        self.whole = False
        self.statuses: tuple[str, ...] | None = None
        self._tallies: tally.Rows | None = None
        # The SQL of each queryset keyed (``_sql``), by id, beside the queryset itself (which
        # keeps the id from being reused while this Counts lives).
        self._compiled: dict[int, tuple[QuerySet, tuple[str, tuple] | None]] = {}

    def of_whole_timeline(self, statuses: tuple[str, ...] | None) -> "Counts":
        """Say that the queryset is the whole timeline as a reader of ``statuses`` sees it."""
        self.whole, self.statuses = True, statuses
        return self

    def tallies(self) -> "tally.Rows":
        """The whole timeline's type and year tallies (one query, read once a request)."""
        if self._tallies is None:
            self._tallies = tally.type_year_rows(self.statuses)
        return self._tallies

    def _store(self, values: dict) -> None:
        if self._unwritten is None:
            cache.set_many(values, TIMEOUT)
        else:
            self._unwritten.update(values)

    def _read_cached(self, key: str):
        if self._unwritten and key in self._unwritten:
            return self._unwritten[key]
        if key in self._expected:
            return self._expected.pop(key)
        return cache.get(key)

    def _expect(self, names: Iterable[str], queryset: QuerySet) -> None:
        """Read the values of ``names`` for ``queryset`` from the cache in one statement, for
        the ``cached`` and ``rows`` that follow."""
        keys = [key for name in names if (key := self._key(name, queryset)) is not None]
        if keys:
            found = cache.get_many(keys)
            self._expected.update({key: found.get(key) for key in keys})

    def flush(self) -> None:
        """Write what a batched ``Counts`` computed (nothing otherwise)."""
        if self._unwritten:
            cache.set_many(self._unwritten, TIMEOUT)
            self._unwritten.clear()

    def token(self):
        if not self._read:
            with connections[self.queryset.db].cursor() as cursor:
                cursor.execute("SELECT token FROM events_generation WHERE id = 1")
                row = cursor.fetchone()
            # No row (a test database just flushed): nothing is cached until a write makes one.
            self._token, self._read = (row[0] if row else None), True
        return self._token

    def cached(self, name: str, compute, queryset: QuerySet | None = None, budget: bool = True):
        """``compute()``, cached under ``name``, the SQL of ``queryset`` and the token; or
        ``PENDING`` when budgeted and out of budget (``budget=False``: never, for what takes
        milliseconds whatever the data's size)."""
        queryset = self.queryset if queryset is None else queryset
        key = self._key(name, queryset)
        if key is None:
            return compute()
        token = self.token()
        value = self._read_cached(key)
        if value is None:
            if not (self.budgeted and budget):
                value = compute()
            elif self.pending or cache.get(f"{key}:computing"):
                # Out of budget already, or being computed: not worth the wait of a budget.
                self.pending = True
                compute_later(key, token, compute, queryset.db)
                return self.PENDING
            else:
                try:
                    value = within_budget(compute, queryset.db)
                except OutOfBudget:
                    self.pending = True
                    compute_later(key, token, compute, queryset.db)
                    return self.PENDING
            self._store({key: value})
        return value

    def _key(self, name: str, queryset: QuerySet) -> str | None:
        """The cache key of ``name`` for ``queryset`` (its SQL) under the current token; None
        when nothing can be cached (no token yet, or a filter that matches nothing)."""
        token = self.token()
        if token is None:
            return None
        compiled = self._sql(queryset)
        if compiled is None:
            return None
        sql, params = compiled
        digest = hashlib.sha256(repr((name, sql, params, queryset.db)).encode()).hexdigest()
        return f"events.counts:{token}:{digest}"

    def _sql(self, queryset: QuerySet) -> tuple[str, tuple] | None:
        """``queryset``'s SQL and parameters (None: it matches nothing), compiled once for
        all the keys of one queryset (a list's page and its count; a page's facets): the ORM
        took about 1.7 ms to compile a filtered list's."""
        found = self._compiled.get(id(queryset))
        if found is None or found[0] is not queryset:
            try:
                found = (queryset, queryset.query.sql_with_params())
            except EmptyResultSet:
                found = (queryset, None)
            self._compiled[id(queryset)] = found
        return found[1]

    def rows(
        self,
        start: int,
        stop: int,
        queryset: "EventQuerySet | None" = None,
        read_with: Sequence[str] = (),
    ) -> list:
        """``queryset.rows(start, stop)``: a page of events, whose ids are cached until the
        next write under the queryset's SQL. The same page asked again (a reload, the next
        reader, a client polling the API) reads its events by id instead of searching them
        out again: for a busy filter at a million events, the difference between its SQL
        (up to a few hundred ms) and one lookup by primary key."""
        queryset = self.queryset if queryset is None else queryset
        name = f"rows:{start}:{stop}"
        # ``read_with``: names ``cached`` asks next for the same queryset (a list's count),
        # read with the ids in one round trip to the cache.
        self._expect([name, *read_with], queryset)
        key = self._key(name, queryset)
        ids = self._read_cached(key) if key is not None else None
        if ids is not None:
            return queryset.by_ids(ids)
        rows = queryset.rows(start, stop)
        if key is not None:
            self._store({key: [row.pk for row in rows]})
        return rows

    def cards(self, events: list) -> list:
        """Set ``card`` on each of ``events``: its ``events/_event.html`` rendered (its actors,
        citations and where sources disagree), cached until the next write under its id (one
        cache read for the page). Only the events not cached are prefetched and rendered:
        ``events`` need not carry their evidence. A card depends on no filter and no user.
        """
        from .disagreement import annotate
        from .models import evidence

        token = self.token()
        keys = {event.pk: f"events.card:{CARD_VERSION}:{token}:{event.pk}" for event in events}
        found = cache.get_many(list(keys.values())) if token is not None else {}
        missing = [event for event in events if keys[event.pk] not in found]
        if missing:
            prefetch_related_objects(missing, *evidence())
            made = {
                keys[event.pk]: str(render_to_string("events/_event.html", {"event": event}))
                for event in annotate(missing)
            }
            if token is not None:
                self._store(made)
            found.update(made)
        for event in events:
            event.card = mark_safe(found[keys[event.pk]])  # rendered (escaped) by the engine
        return events

    def representations(
        self, events: list, represent: Callable[[list], list[dict]], site: str
    ) -> list:
        """The API's JSON of each of ``events``, ``represent(events)`` (one dict per event,
        in order), cached until the next write under its id and ``site`` (the links are
        absolute): one cache read for the page; only the events not cached are represented.
        """
        token = self.token()
        keys = {
            event.pk: f"events.json:{JSON_VERSION}:{token}:{site}:{event.pk}" for event in events
        }
        found = cache.get_many(list(keys.values())) if token is not None else {}
        missing = [event for event in events if keys[event.pk] not in found]
        if missing:
            made = {
                keys[event.pk]: representation
                for event, representation in zip(missing, represent(missing), strict=True)
            }
            if token is not None:
                self._store(made)
            found.update(made)
        return [found[keys[event.pk]] for event in events]

    # The whole timeline's facets are read from the tallies the database keeps current
    # (``of_whole_timeline``): milliseconds where counting took seconds at a million events.
    # Cached all the same: a request then reads them as it reads every other count.

    def type_counts(self) -> dict[str, int] | None:
        if self.whole:
            return self.cached("types", lambda: tally.type_counts(self.tallies()), budget=False)
        return self.cached("types", self.queryset.type_counts)

    def year_counts(self) -> tuple[dict[int, int], int]:
        if self.whole:
            return self.cached(
                "years",
                lambda: fold_years(
                    (r["a"], r["b"], r["n"]) for r in tally.year_spans(self.tallies())
                ),
                budget=False,
            )
        return self.cached("years", self.queryset.year_counts)

    def actor_counts(self, limit: int, exclude=frozenset()) -> list[dict] | None:
        key = f"actors:{limit}:{sorted(exclude)}"
        if self.whole:
            return self.cached(
                key, lambda: tally.actor_counts(self.statuses, limit, exclude), budget=False
            )
        return self.cached(key, lambda: list(self.queryset.actor_counts(limit, exclude)))

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
