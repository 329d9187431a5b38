"""Counts of the whole timeline, kept current by the database: ``TypeTally`` and
``ActorTally`` (``events/migrations/0018_tallies.py``).

The unfiltered timeline's type and year facets, its density strip and its top actors, and
every actor's number of events, are read from them in a few milliseconds, exact after every
write (the triggers run in the writing transaction), where counting them took seconds at a
million events on the first request after each write. A filtered list still counts its own
matches (``events.counts``): the tallies know the whole timeline only.

``statuses`` says which events a reader counts: ``("published",)`` for readers, ``None``
for analysts (every status).
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import connection as default_connection
from django.db.models import Sum

from .models import ActorTally, Status, TypeTally, _sees_drafts


def statuses_of(user) -> tuple[str, ...] | None:
    """The statuses ``user`` counts (``EventQuerySet.visible_to``); None: all of them."""
    return None if _sees_drafts(user) else (Status.PUBLISHED,)


def _types(statuses: tuple[str, ...] | None):
    rows = TypeTally.objects.filter(n__gt=0)
    return rows if statuses is None else rows.filter(status__in=statuses)


Rows = list[tuple[str, int | None, int | None, int]]


def type_year_rows(statuses: tuple[str, ...] | None) -> Rows:
    """(type, first year, last year, count), the years None for the undated: one query, from
    which the type facet (``type_counts``), the year facet and density strip
    (``year_spans``) and the time axis (``events.axis.load_axis``) are made."""
    rows = (
        _types(statuses)
        .values_list("type", "first_year", "last_year")
        .annotate(total=Sum("n"))
        .order_by()
    )
    return [
        (kind, first or None, last or None, total) for kind, first, last, total in rows if total
    ]


def type_counts(rows: Rows) -> dict[str, int]:
    """Events per type (``EventQuerySet.type_counts`` of every visible event)."""
    counts: dict[str, int] = {}
    for kind, _first, _last, n in rows:
        counts[kind] = counts.get(kind, 0) + n
    return counts


def year_spans(rows: Rows) -> list[dict]:
    """Events per first and last year of their interval: rows ``{"a", "b", "n"}``, ``a`` and
    ``b`` None for the undated (as ``EventQuerySet.year_counts`` and the density strip group
    them)."""
    spans: dict[tuple[int | None, int | None], int] = {}
    for _kind, first, last, n in rows:
        spans[(first, last)] = spans.get((first, last), 0) + n
    return [{"a": first, "b": last, "n": n} for (first, last), n in sorted(spans.items(), key=str)]


def actor_counts(
    statuses: tuple[str, ...] | None, limit: int, exclude: Collection[int] = frozenset()
) -> list[dict]:
    """The ``limit`` actors in most events, ties by name: rows of name, slug, kind, n, as
    ``EventQuerySet.actor_counts`` gives them. One query."""
    conditions: list[str] = ["t.n > 0"]
    params: list[str | int] = []
    if statuses is not None:
        conditions.append(f"t.status IN ({', '.join(['%s'] * len(statuses))})")
        params += list(statuses)
    if exclude:
        conditions.append(f"t.actor_id NOT IN ({', '.join(['%s'] * len(exclude))})")
        params += sorted(exclude)
    with default_connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT a.name, a.slug, a.kind, sum(t.n) AS n
                FROM events_actortally t JOIN events_actor a ON a.id = t.actor_id
                WHERE {" AND ".join(conditions)}
                GROUP BY a.id, a.name, a.slug, a.kind
                HAVING sum(t.n) > 0
                ORDER BY n DESC, a.name LIMIT %s""",
            [*params, limit],
        )
        return [
            {"actor__name": name, "actor__slug": slug, "actor__kind": kind, "n": int(n)}
            for name, slug, kind, n in cursor.fetchall()
        ]


def actor_event_counts(statuses: tuple[str, ...] | None, actor_ids: Collection[int]) -> dict:
    """The number of events of each of ``actor_ids`` (missing: none)."""
    tallies = ActorTally.objects.filter(actor_id__in=list(actor_ids))
    if statuses is not None:
        tallies = tallies.filter(status__in=statuses)
    return dict(tallies.values_list("actor_id").annotate(total=Sum("n")).order_by())


def _year(connection) -> str:
    if connection.vendor == "postgresql":
        return "coalesce(extract(year from {0})::int, 0)"
    return "coalesce(CAST(strftime('%Y', {0}) AS integer), 0)"


def recount(connection=None) -> None:
    """Count both tallies again from the events and participants (the migration that creates
    them; a repair after writes made with the triggers disabled by hand)."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM events_typetally")
        cursor.execute("DELETE FROM events_actortally")
        add(cursor, "events_event", "events_participation", "id", "event_id")


def add(
    cursor, events: str, participants: str, event_key: str, participant_key: str, where: str = ""
) -> None:
    """Add to the tallies the events of the table ``events`` (``e``) that satisfy ``where``
    and their participants in ``participants`` (``p``, joined on ``p.participant_key =
    e.event_key``), which the tallies do not count yet: ``recount``, and a bulk load that
    writes its new events without the tallies' triggers (``events.bulk``: counted once from
    its staging tables, where the triggers copied every new event and participant into
    transition tables)."""
    year = _year(cursor.db)
    where = f"WHERE {where}" if where else ""
    cursor.execute(
        f"""INSERT INTO events_typetally (status, type, first_year, last_year, n)
            SELECT status, type, {year.format("span_start")}, {year.format("span_end")},
                   count(*)
            FROM {events} e {where} GROUP BY 1, 2, 3, 4
            ON CONFLICT (status, type, first_year, last_year)
            DO UPDATE SET n = events_typetally.n + excluded.n"""
    )
    cursor.execute(
        f"""INSERT INTO events_actortally (actor_id, status, n)
            SELECT p.actor_id, e.status, count(DISTINCT p.{participant_key})
            FROM {participants} p JOIN {events} e ON e.{event_key} = p.{participant_key}
            {where} GROUP BY 1, 2
            ON CONFLICT (actor_id, status) DO UPDATE SET n = events_actortally.n + excluded.n"""
    )
