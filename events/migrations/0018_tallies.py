"""Counts of the whole timeline kept current by the database (``events.tally``).

The unfiltered timeline's facets (events per type, per year, the top actors) and each actor's
number of events were counted from every row on the first request after each write: at a
million events 8.5 s for ``/`` (5.8 of them the top actors' ``COUNT(DISTINCT)`` over 2.5
million participants), seconds for the busiest actor's page. Two small tables hold them:

1. ``events_typetally``: events per (status, type, first year, last year of the interval;
   0 and 0 when undated);
2. ``events_actortally``: per (actor, status), the number of events the actor takes part in
   (an actor in two roles of one event counts once).

Triggers keep both current in the writing transaction, whatever writes (the writer, the
admin, a restore, a load, the shell): PostgreSQL once per statement, from its transition
tables; SQLite per row. An event's participants may be written before it (the bulk load
writes events last): a participant counts when its event exists, else when the event is
written. Decrements only update existing rows (never insert a negative one), so emptying the
tables in any order (a test database's flush on SQLite) leaves no stray count. A bulk load
keeps them current like any other write (about 10 s of a million-event load; one that sets
the indexes aside counts its new events once from its staging tables instead: ``events.bulk``);
the migration counts an existing archive once (``events.tally.recount``).
"""

from django.db import migrations, models

YEAR = "coalesce(extract(year from {0})::int, 0)"

# PostgreSQL ---------------------------------------------------------------------------------

# Per statement: ``rows`` is a transition table, ``sign`` 1 or -1.
PG_TYPES_ADD = f"""
    INSERT INTO events_typetally (status, type, first_year, last_year, n)
    SELECT status, type, {YEAR.format("span_start")}, {YEAR.format("span_end")}, count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (status, type, first_year, last_year)
    DO UPDATE SET n = events_typetally.n + EXCLUDED.n;
"""
PG_TYPES_REMOVE = f"""
    UPDATE events_typetally t SET n = t.n - o.n FROM (
      SELECT status, type, {YEAR.format("span_start")} AS first_year,
             {YEAR.format("span_end")} AS last_year, count(*) AS n
      FROM old_rows GROUP BY 1, 2, 3, 4
    ) o
    WHERE t.status = o.status AND t.type = o.type AND t.first_year = o.first_year
      AND t.last_year = o.last_year;
"""
# Each (actor, event) pair once, counted under ``status`` with ``sign``.
PG_ACTORS_ADD = """
    INSERT INTO events_actortally (actor_id, status, n)
    SELECT actor_id, status, count(*) FROM ({pairs}) k
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (actor_id, status) DO UPDATE SET n = events_actortally.n + EXCLUDED.n;
"""
PG_ACTORS_REMOVE = """
    UPDATE events_actortally t SET n = t.n - k.n FROM (
      SELECT actor_id, status, count(*) AS n FROM ({pairs}) p GROUP BY 1, 2
    ) k
    WHERE t.actor_id = k.actor_id AND t.status = k.status;
"""
# The pairs of the new events with the participants already written.
PG_EVENT_PAIRS = """SELECT DISTINCT p.actor_id, p.event_id, e.status
    FROM {rows} e JOIN events_participation p ON p.event_id = e.id"""
# A participant statement's pairs: counted when present now and not before the statement,
# uncounted when present before and not now (before = now - new rows + old rows), under their
# event's status (a pair whose event is not written yet counts with it), net per actor.
PG_PARTICIPANTS = """
    INSERT INTO events_actortally (actor_id, status, n)
    SELECT actor_id, status, sum(CASE WHEN now > 0 AND now - delta = 0 THEN 1
                                      WHEN now = 0 AND now - delta > 0 THEN -1 ELSE 0 END)
    FROM (
      SELECT k.actor_id, e.status, k.delta, (
        SELECT count(*) FROM events_participation p
        WHERE p.actor_id = k.actor_id AND p.event_id = k.event_id) AS now
      FROM (
        SELECT actor_id, event_id, sum(d) AS delta FROM ({changes}) c GROUP BY 1, 2
      ) k JOIN events_event e ON e.id = k.event_id
    ) pairs
    GROUP BY 1, 2 HAVING sum(CASE WHEN now > 0 AND now - delta = 0 THEN 1
                                  WHEN now = 0 AND now - delta > 0 THEN -1 ELSE 0 END) <> 0
    ORDER BY 1, 2
    ON CONFLICT (actor_id, status) DO UPDATE SET n = events_actortally.n + EXCLUDED.n;
"""
# The rows of ``a`` (old_rows or new_rows) whose status the update changed.
CHANGED = "(SELECT x.* FROM {a} x JOIN {b} y ON y.id = x.id AND y.status <> x.status)"
STATUS_LEFT = PG_ACTORS_REMOVE.format(
    pairs=PG_EVENT_PAIRS.format(rows=CHANGED.format(a="old_rows", b="new_rows"))
)
STATUS_ENTERED = PG_ACTORS_ADD.format(
    pairs=PG_EVENT_PAIRS.format(rows=CHANGED.format(a="new_rows", b="old_rows"))
)
EVENTS_ADDED = PG_ACTORS_ADD.format(pairs=PG_EVENT_PAIRS.format(rows="new_rows"))
EVENTS_REMOVED = PG_ACTORS_REMOVE.format(pairs=PG_EVENT_PAIRS.format(rows="old_rows"))
INSERTED = PG_PARTICIPANTS.format(changes="SELECT actor_id, event_id, 1 AS d FROM new_rows")
DELETED = PG_PARTICIPANTS.format(changes="SELECT actor_id, event_id, -1 AS d FROM old_rows")
UPDATED = PG_PARTICIPANTS.format(
    changes="SELECT actor_id, event_id, 1 AS d FROM new_rows "
    "UNION ALL SELECT actor_id, event_id, -1 FROM old_rows"
)

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION events_tally_event() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {PG_TYPES_REMOVE}
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') THEN
        {PG_TYPES_ADD}
      END IF;
      IF TG_OP = 'INSERT' THEN
        {EVENTS_ADDED}
      ELSIF TG_OP = 'DELETE' THEN
        {EVENTS_REMOVED}
      ELSE
        -- Events whose status changed: their actors move from the old status to the new.
        {STATUS_LEFT}
        {STATUS_ENTERED}
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    *(
        f"""CREATE TRIGGER events_tally_event_{op.lower()} AFTER {op} ON events_event
            REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION events_tally_event()"""
        for op, tables in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ),
    f"""
    CREATE FUNCTION events_tally_participation() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        {INSERTED}
      ELSIF TG_OP = 'DELETE' THEN
        {DELETED}
      ELSE
        {UPDATED}
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    *(
        f"""CREATE TRIGGER events_tally_participation_{op.lower()}
            AFTER {op} ON events_participation
            REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION events_tally_participation()"""
        for op, tables in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ),
]

POSTGRES_BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS events_tally_participation_{op} ON events_participation"
        for op in ("insert", "update", "delete")
    ),
    *(
        f"DROP TRIGGER IF EXISTS events_tally_event_{op} ON events_event"
        for op in ("insert", "update", "delete")
    ),
    "DROP FUNCTION IF EXISTS events_tally_participation()",
    "DROP FUNCTION IF EXISTS events_tally_event()",
]

# SQLite (per row) -----------------------------------------------------------------------------

SQ_YEAR = "coalesce(CAST(strftime('%Y', {0}) AS integer), 0)"


def sq_type(row: str, sign: str) -> str:
    keys = (
        f"{row}.status, {row}.type, {SQ_YEAR.format(row + '.span_start')}, "
        f"{SQ_YEAR.format(row + '.span_end')}"
    )
    if sign == "+":
        return f"""INSERT INTO events_typetally (status, type, first_year, last_year, n)
            SELECT {keys}, 1 WHERE true
            ON CONFLICT (status, type, first_year, last_year) DO UPDATE SET n = n + 1;"""
    return f"""UPDATE events_typetally SET n = n - 1
        WHERE (status, type, first_year, last_year) = ({keys});"""


def sq_actors(event: str, status: str, sign: str) -> str:
    """Every actor of event ``event`` counted once under ``status``."""
    actors = f"SELECT DISTINCT actor_id FROM events_participation WHERE event_id = {event}"
    if sign == "+":
        return f"""INSERT INTO events_actortally (actor_id, status, n)
            SELECT actor_id, {status}, 1 FROM ({actors}) WHERE true
            ON CONFLICT (actor_id, status) DO UPDATE SET n = n + 1;"""
    return f"""UPDATE events_actortally SET n = n - 1
        WHERE status = {status} AND actor_id IN ({actors});"""


def sq_pair(row: str, sign: str) -> str:
    """The pair of participant ``row`` counted (+: if no other participant makes it; -: if no
    participant is left to make it), when its event is written."""
    other = (
        f"SELECT 1 FROM events_participation p WHERE p.actor_id = {row}.actor_id "
        f"AND p.event_id = {row}.event_id" + (f" AND p.id <> {row}.id" if sign == "+" else "")
    )
    status = f"(SELECT status FROM events_event WHERE id = {row}.event_id)"
    if sign == "+":
        return f"""INSERT INTO events_actortally (actor_id, status, n)
            SELECT {row}.actor_id, {status}, 1
            WHERE {status} IS NOT NULL AND NOT EXISTS ({other})
            ON CONFLICT (actor_id, status) DO UPDATE SET n = n + 1;"""
    return f"""UPDATE events_actortally SET n = n - 1
        WHERE actor_id = {row}.actor_id AND status = {status} AND NOT EXISTS ({other});"""


SQLITE_FORWARD = [
    f"""CREATE TRIGGER events_tally_event_insert AFTER INSERT ON events_event BEGIN
        {sq_type("NEW", "+")} {sq_actors("NEW.id", "NEW.status", "+")} END""",
    f"""CREATE TRIGGER events_tally_event_delete AFTER DELETE ON events_event BEGIN
        {sq_type("OLD", "-")} {sq_actors("OLD.id", "OLD.status", "-")} END""",
    f"""CREATE TRIGGER events_tally_event_update AFTER UPDATE ON events_event BEGIN
        {sq_type("OLD", "-")} {sq_type("NEW", "+")} END""",
    f"""CREATE TRIGGER events_tally_event_status AFTER UPDATE OF status ON events_event
        WHEN OLD.status IS NOT NEW.status BEGIN
        {sq_actors("OLD.id", "OLD.status", "-")} {sq_actors("NEW.id", "NEW.status", "+")} END""",
    f"""CREATE TRIGGER events_tally_participation_insert AFTER INSERT ON events_participation
        BEGIN {sq_pair("NEW", "+")} END""",
    f"""CREATE TRIGGER events_tally_participation_delete AFTER DELETE ON events_participation
        BEGIN {sq_pair("OLD", "-")} END""",
    f"""CREATE TRIGGER events_tally_participation_update
        AFTER UPDATE OF actor_id, event_id ON events_participation
        WHEN OLD.actor_id IS NOT NEW.actor_id OR OLD.event_id IS NOT NEW.event_id
        BEGIN {sq_pair("OLD", "-")} {sq_pair("NEW", "+")} END""",
]

SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS events_tally_{name}"
    for name in (
        "event_insert",
        "event_delete",
        "event_update",
        "event_status",
        "participation_insert",
        "participation_delete",
        "participation_update",
    )
]


def forward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRES_FORWARD if postgres else SQLITE_FORWARD:
        schema_editor.execute(sql)
    from events.tally import recount

    recount(schema_editor.connection)


def backward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRES_BACKWARD if postgres else SQLITE_BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0017_type_window_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="TypeTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=10)),
                ("type", models.CharField(max_length=20)),
                ("first_year", models.IntegerField()),
                ("last_year", models.IntegerField()),
                ("n", models.BigIntegerField()),
            ],
            options={
                "db_table": "events_typetally",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("status", "type", "first_year", "last_year"),
                        name="typetally_unique",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ActorTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("actor_id", models.BigIntegerField()),
                ("status", models.CharField(max_length=10)),
                ("n", models.BigIntegerField()),
            ],
            options={
                "db_table": "events_actortally",
                "constraints": [
                    models.UniqueConstraint(fields=("actor_id", "status"), name="actortally_unique")
                ],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
