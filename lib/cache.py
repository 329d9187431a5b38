"""The shared cache in a database table (``CACHE_URL=db://table``), each write one statement.

Django's ``DatabaseCache`` writes every key on its own: a ``COUNT(*)`` of the table (to know
whether to cull), a savepoint, a ``SELECT`` of the key and an ``INSERT`` or ``UPDATE``. A page
of 50 events not cached yet writes 50 cards or 50 JSON representations (``events.counts``):
at 20,000 cached entries that was about 110 ms of a 240 ms API request at a million events,
more than its SQL. Here ``set`` and ``set_many`` write every key with one
``INSERT ... ON CONFLICT (cache_key) DO UPDATE`` (PostgreSQL, and SQLite 3.24 or later), in
the same encoding, table and expiry as Django's, so ``get``, ``get_many``, ``add``, culling
and ``createcachetable`` are Django's own. Other databases keep Django's writes.

The table is counted (to cull past ``MAX_ENTRIES``) before a process's first write and then
once that process has written a tenth of ``MAX_ENTRIES`` rows since its last count, not
before every write: at 20,000 entries the ``COUNT(*)`` took 10-31 ms of each request that
wrote, about a third of an API list's SQL. Each process may so add up to a tenth of
``MAX_ENTRIES`` (and one write's rows) past it before it counts and culls: with five
worker processes (``make run`` on two cores) the table may hold half as many entries again
as ``MAX_ENTRIES``, and a cull removes a third of the entries, so a table far past it takes
several counts to shrink.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import pickle
import threading
from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

UPSERT_VENDORS = ("postgresql", "sqlite")
ROWS_PER_STATEMENT = 300  # three parameters a row: under SQLite's oldest limit of 999

# Rows this process has written into each cache table since it last counted it (all its
# threads: Django gives each thread its own cache object).
_written_since_count: dict[str, int] = {}
_lock = threading.Lock()
logger = logging.getLogger(__name__)


class DatabaseCache(DjangoDatabaseCache):
    def _count_due(self, rows: int) -> bool:
        """Whether to count the table before writing ``rows`` more (see the module's doc)."""
        table = self._table  # type: ignore[attr-defined]  # BaseDatabaseCache's, not in the stubs
        margin = max(1, self._max_entries // 10)
        with _lock:
            written = _written_since_count.get(table)
            if written is None or written >= margin:
                _written_since_count[table] = rows
                return True
            _written_since_count[table] = written + rows
            return False

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version=None) -> None:
        self.set_many({key: value}, timeout, version)

    def set_many(self, data: dict, timeout: Any = DEFAULT_TIMEOUT, version=None) -> list:
        """Write every key of ``data``; returns the keys that could not be written (as
        Django's does, a write that fails is dropped silently: it is a cache)."""
        if not data:
            return []
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in UPSERT_VENDORS:
            return super().set_many(data, timeout, version)
        seconds = self.get_backend_timeout(timeout)
        now = tz_now().replace(microsecond=0)
        if seconds is None:
            until = dt.datetime.max
        else:
            until = dt.datetime.fromtimestamp(seconds, tz=dt.UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(until.replace(microsecond=0))
        rows = [
            (
                self.make_and_validate_key(key, version=version),
                base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1"),
            )
            for key, value in data.items()
        ]
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]  # BaseDatabaseCache's, not in the stubs
        key, value, expiry = quote("cache_key"), quote("value"), quote("expires")
        culled = False
        count_due = self._count_due(len(rows))
        # One statement alone, outside a transaction, is its own: no BEGIN and COMMIT round
        # trips (a tenth of an uncached API list's time after its SQL at a million events).
        alone = not count_due and len(rows) <= ROWS_PER_STATEMENT
        if alone and connection.get_autocommit():
            atomic: Any = nullcontext()
        else:
            atomic = transaction.atomic(using=db)
        try:
            with atomic, connection.cursor() as cursor:
                if count_due:
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")
                    count = cursor.fetchone()[0]
                    if count > self._max_entries:
                        self._cull(db, cursor, now, count)  # type: ignore[attr-defined]  # as above
                        culled = True
                for start in range(0, len(rows), ROWS_PER_STATEMENT):
                    chunk = rows[start : start + ROWS_PER_STATEMENT]
                    marks = ", ".join(["(%s, %s, %s)"] * len(chunk))
                    cursor.execute(
                        f"INSERT INTO {table} ({key}, {value}, {expiry}) VALUES {marks} "
                        f"ON CONFLICT ({key}) DO UPDATE "
                        f"SET {value} = excluded.{value}, {expiry} = excluded.{expiry}",
                        [part for k, v in chunk for part in (k, v, expires)],
                    )
        except DatabaseError:
            return list(data)
        # Inside a transaction the cull is not committed yet: nothing to vacuum now.
        if culled and connection.vendor == "postgresql" and not connection.in_atomic_block:
            vacuum_later(db, table)
        return []


_vacuuming = threading.Lock()


def vacuum_later(db: str, table: str) -> None:
    """``VACUUM`` the cache table in a thread of its own (PostgreSQL), after a cull.

    A cull deletes a third of the entries; on a server without autovacuum their space is never
    reused and every ``COUNT(*)`` reads it again (the table had grown to 820 MB for 19,000
    live entries after a benchmark, each count 88 ms). One vacuum at a time per process; the
    request that culled does not wait for it. A failure is logged, never raised (a cache)."""
    if not _vacuuming.acquire(blocking=False):
        return

    def run() -> None:
        try:
            connection = connections[db]
            connection.ensure_connection()
            connection.set_autocommit(True)  # VACUUM cannot run in a transaction
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")  # this thread's own connection
                cursor.execute(f"VACUUM {table}")
        except DatabaseError:
            logger.exception("Vacuuming the cache table %s failed", table)
        finally:
            connections.close_all()  # this thread's connections only
            _vacuuming.release()

    thread = threading.Thread(target=run, name=f"vacuum {table}", daemon=True)
    _threads[:] = [alive for alive in _threads if alive.is_alive()]
    _threads.append(thread)
    thread.start()


_threads: list[threading.Thread] = []  # vacuums started (tests wait for them)
