import datetime as dt
import difflib
import json
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest, Lower, Upper
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from lib.dates import (
    PRECISION_RANK,
    Precision,
    Reference,
    format_date,
    interval,
    truncate,
    validate_year,
)
from lib.inputs import refuse_direction_controls
from sources.models import Passage

from .history_base import HistoryBatch

if TYPE_CHECKING:
    from .disagreement import Disagreement

CONTEXT_CHARS = 32


class ActorKind(models.TextChoices):
    PERSON = "person", "person"
    ORGANIZATION = "organization", "organization"
    COUNTRY = "country", "country"
    PLACE = "place", "place or venue"


class EventType(models.TextChoices):
    VISIT = "visit", "visit"
    MEETING = "meeting", "meeting or talks"
    ARMS_DEAL = "arms_deal", "arms deal or delivery"
    AGREEMENT = "agreement", "agreement"
    UN_ACTION = "un_action", "UN vote or statement"
    STATEMENT = "statement", "statement"
    AWARD = "award", "award or honour"
    CONFERENCE = "conference", "conference or exhibition"
    PARADE = "parade", "parade"
    EXERCISE = "exercise", "exercise or military games"
    ECONOMIC = "economic", "economic talks"
    MILITARY_ACTION = "military_action", "military action"
    POLICY = "policy", "policy"
    AGGREGATE = "aggregate", "total over a period"
    OTHER = "other", "other"


class Role(models.TextChoices):
    VISITOR = "visitor", "visitor"
    HOST = "host", "host"
    SUPPLIER = "supplier", "supplier"
    RECIPIENT = "recipient", "recipient"
    PARTICIPANT = "participant", "participant"
    ORGANIZER = "organizer", "organizer"
    SPEAKER = "speaker", "speaker"
    SUBJECT = "subject", "subject"
    VOTER = "voter", "voter"
    HONOREE = "honoree", "honoree"
    SIGNATORY = "signatory", "signatory"


class Status(models.TextChoices):
    DRAFT = "draft", "draft"
    PUBLISHED = "published", "published"


def _sees_drafts(user) -> bool:
    from accounts.access import is_analyst

    return is_analyst(user)


# Who sees what: drafts are for analysts. Every page, fragment, count, API endpoint and export
# asks these ``visible_to(user)`` methods; no view filters by status itself.


class ActorQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActorQuerySet":
        """Actors ``user`` may see: for non-analysts, not those that appear only in drafts.

        Those are told from the actors' tallies (``ActorTally``, kept current by the database:
        ``events.tally``), by the tallies' key, for each actor asked about: telling them from
        the participants read every actor's (0.15-0.2 s a request at a million events), and
        grouping every tally to find them, 13 ms (an actor filter asks about one actor).
        Seen: an actor with a published event, or with no event at all."""
        if _sees_drafts(user):
            return self
        tallies = ActorTally.objects.filter(actor_id=models.OuterRef("pk"), n__gt=0)
        return self.filter(
            models.Exists(tallies.filter(status=Status.PUBLISHED)) | ~models.Exists(tallies)
        )

    def named(self, name: str) -> "ActorQuerySet":
        """Actors whose name, slug or any alias is ``name``, ignoring case."""
        return self.filter(pk__in=actor_ids_named([name]))


def actor_ids_named(names: Collection[str]) -> models.QuerySet:
    """The ids of the actors whose name, slug or an alias is one of ``names`` (stripped),
    ignoring case as ``iexact`` does (both sides upper-cased by the database): a union of
    three lookups, each through its upper-case index. (One ``iexact`` OR across the aliases'
    join read every actor and alias: 6 ms at 5,000 actors, on every request with an actor
    filter, cached or not.) The names form one IN list, however many there are."""
    keys = [Upper(models.Value(name.strip())) for name in names]
    if not keys:
        return Actor.objects.none().values("pk")
    actors, aliases = Actor.objects.order_by(), Alias.objects.order_by()
    return (
        actors.alias(key=Upper("name"))
        .filter(key__in=keys)
        .values("pk")
        .union(
            actors.alias(key=Upper("slug")).filter(key__in=keys).values("pk"),
            aliases.alias(key=Upper("name")).filter(key__in=keys).values("actor_id"),
        )
    )


# The SQL of ``visible_actors_and_titles`` by (database, whether drafts are seen).
_VISIBLE_NAMED: dict[tuple[str, bool], tuple[str, tuple]] = {}


def visible_actors_and_titles(
    name: str, user, using: str = "default"
) -> tuple[list[int], list[int]]:
    """One name of the actor filter, as two lists of ids: the actors ``user`` may see that it
    names (``Actor.objects.visible_to(user).filter(pk__in=actor_ids_named([name]))``) and the
    posts whose title or title alias it is (``Post.objects.named(name)``), in one query and
    without building those querysets each time (``named_actors_and_titles`` also gives their
    names, from the same query).

    Both, not the posts only when no actor has the name: an actor named like a title (one
    stored before ``events.positions.title_clash`` refused such names) then adds its own
    events to those of the title's holders instead of hiding them.
    """
    actors, posts, _names = named_actors_and_titles(name, user, using)
    return actors, posts


def close_actor_names(names: Iterable[str], user, using: str = "default") -> list[str]:
    """Names of actors ``user`` may see, and of titles, spelt close to ``names`` (a typo:
    "Min Aung Hliang"), at most three, best first: for the message of a name nothing has.
    Reads every visible actor's name and alias, and every title (a few thousand rows at a
    million events): only when a name is unknown, never on a page that found its actors."""
    visible = Actor.objects.using(using).visible_to(user)
    spellings: dict[str, str] = {}
    for spelling, shown in [
        *visible.values_list("name", "name"),
        *Alias.objects.using(using).filter(actor__in=visible).values_list("name", "actor__name"),
        *Post.objects.using(using).values_list("title", "title"),
        *PostAlias.objects.using(using).values_list("name", "post__title"),
    ]:
        spellings.setdefault(spelling.casefold(), shown)
    found: dict[str, None] = {}
    for name in names:
        for close in difflib.get_close_matches(name.casefold(), spellings, n=3, cutoff=0.8):
            found[spellings[close]] = None
    return list(found)[:3]


def named_actors_and_titles(
    name: str, user, using: str = "default"
) -> tuple[list[int], list[int], list[str]]:
    """``visible_actors_and_titles``, with the names of what it found: the actors' names (in
    order of name), then the posts' titles not already among them (ignoring case), so a page
    can show "Min Aung Hlaing" for ``actor=min-aung-hlaing``. Still one query.

    Every request with an actor filter asks this for each name: the ORM took about 5 ms to
    compile the query (a union of three lookups and the visibility ``EXISTS``), the database
    under 1 ms to run it. So the ORM compiles it once per process for each visibility, with
    placeholder names (a NUL and a letter: no actor's name has a NUL, and the filters refuse
    one), and each call runs that SQL with its own name (and its ``title_key``) in the
    placeholders' parameters. A name with a NUL goes through the ORM.
    """
    from .positions import title_key

    name = name.strip()

    def named(actor_name: str, key: str) -> models.QuerySet:
        number = models.IntegerField()
        actors = (
            Actor.objects.using(using)
            .visible_to(user)
            .filter(pk__in=actor_ids_named([actor_name]))
            .order_by()
            .values_list(models.Value(0, output_field=number), "pk", "name")
        )
        posts = Post.objects.using(using).order_by().filter(title_key=key)
        aliases = PostAlias.objects.using(using).order_by().filter(key=key)
        return actors.union(
            posts.values_list(models.Value(1, output_field=number), "pk", "title"),
            aliases.values_list(models.Value(1, output_field=number), "post_id", "post__title"),
            all=True,
        )

    if "\x00" in name:
        rows = list(named(name, title_key(name)))
    else:
        key = (using, _sees_drafts(user))
        compiled = _VISIBLE_NAMED.get(key)
        if compiled is None:
            compiled = _VISIBLE_NAMED[key] = named("\x00a", "\x00t").query.sql_with_params()
        sql, template = compiled
        slots = {"\x00a": name, "\x00t": title_key(name)}
        params = [slots.get(p, p) if isinstance(p, str) else p for p in template]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    actors = sorted({pk for kind, pk, _ in rows if kind == 0})
    posts = sorted({pk for kind, pk, _ in rows if kind == 1})
    names: dict[str, str] = {}
    for _kind, _pk, label in sorted(rows, key=lambda row: (row[0], row[2], row[1])):
        names.setdefault(label.casefold(), label)
    return actors, posts, list(names.values())


class Actor(models.Model):
    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="Canonical name.",
        validators=[refuse_direction_controls],
    )
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=12, choices=ActorKind.choices)
    description = models.CharField(max_length=500, blank=True)

    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # Lookup by name is case-insensitive, so names must be too.
            models.UniqueConstraint(Lower("name"), name="actor_name_ci_unique"),
        ]
        # Names and slugs are looked up ignoring case (``actor_ids_named``).
        indexes = [
            models.Index(Upper("name"), name="actor_name_upper_idx"),
            models.Index(Upper("slug"), name="actor_slug_upper_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:200]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        alias = Alias.objects.filter(name__iexact=self.name).exclude(actor_id=self.pk).first()
        if alias is not None:
            raise ValidationError({"name": f'"{self.name}" is already an alias of {alias.actor}.'})
        # A title is no actor (``events.positions.title_clash``); a name it had is kept.
        from .positions import title_clash

        stored = self.pk and Actor.objects.filter(pk=self.pk).values_list("name", "slug").first()
        kept = {spelling.lower() for spelling in stored or ()}
        clash = title_clash(s for s in (self.name, self.slug) if s.lower() not in kept)
        if clash is not None:
            raise ValidationError({"name": clash.message()})


class Alias(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(
        max_length=200,
        help_text="Another spelling the sources use.",
        validators=[refuse_direction_controls],
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"
        constraints = [
            # One spelling names one actor: serves alias lookup too.
            models.UniqueConstraint(Lower("name"), name="alias_name_ci_unique"),
        ]
        indexes = [models.Index(Upper("name"), name="alias_name_upper_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        clash = Actor.objects.filter(name__iexact=self.name).exclude(pk=self.actor_id).first()
        if clash:
            raise ValidationError({"name": f'"{self.name}" is already the name of {clash}.'})
        # A title is no actor's alias (``events.positions.title_clash``); one it had is kept.
        from .positions import title_clash

        stored = self.pk and Alias.objects.filter(pk=self.pk).values_list("name", flat=True).first()
        if not stored or stored.lower() != self.name.lower():
            title = title_clash([self.name])
            if title is not None:
                raise ValidationError({"name": title.message(alias=True)})


def fold_years(rows: Iterable[tuple[int | None, int | None, int]]) -> tuple[dict[int, int], int]:
    """Events per year they overlap, and the undated, from (first year, last year, count)."""
    counts: dict[int, int] = {}
    undated = 0
    for first, last, n in rows:
        if first is None or last is None:
            undated += n
            continue
        for year in range(first, last + 1):
            counts[year] = counts.get(year, 0) + n
    return counts, undated


def evidence() -> list[models.Prefetch]:
    """An event's actors and its citations with their sources (``prefetch_related``)."""
    return [
        models.Prefetch("participations", queryset=Participation.objects.select_related("actor")),
        models.Prefetch(
            "citations",
            # Never the texts: a source's full text is megabytes a citation does not need.
            queryset=Citation.objects.select_related("passage__source").defer(
                "passage__text", "passage__source__text"
            ),
        ),
    ]


class EventQuerySet(models.QuerySet):
    # The interval the ``overlapping`` filters applied ask events to overlap (None: open).
    _window: tuple[dt.date | None, dt.date | None] = (None, None)
    # Whether ``among`` narrowed the events to a few known ids (read by primary key).
    _among = False

    def published(self) -> "EventQuerySet":
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user) -> "EventQuerySet":
        """Drafts are for analysts; everyone else reads published events."""
        return self if _sees_drafts(user) else self.published()

    def with_evidence(self) -> "EventQuerySet":
        """Prefetch actors and citations with their sources: a constant number of queries."""
        return self.prefetch_related(*evidence())

    def overlapping(self, first, last) -> "EventQuerySet":
        """Events whose date interval overlaps [first, last] (either may be None)."""
        qs = self
        if first is not None:
            qs = qs.filter(span_end__gte=first)
        if last is not None:
            qs = qs.filter(span_start__lte=last)
        now_first, now_last = self._window
        qs._window = (
            max(filter(None, (first, now_first)), default=None),
            min(filter(None, (last, now_last)), default=None),
        )
        return qs

    def in_year(self, year: int) -> "EventQuerySet":
        return self.overlapping(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def citing_source(self, source_id: int) -> "EventQuerySet":
        """Events with at least one citation from the source (the timeline's ``?source=``)."""
        return self.filter(
            pk__in=Citation.objects.filter(passage__source_id=source_id).values("event_id")
        )

    def among(self, ids: Collection[int]) -> "EventQuerySet":
        """Only the events of ``ids``, a few known ahead (an actor's events in a window,
        ``events.filters.ActorFilter``): read by primary key, then sorted and counted, instead
        of walking the window's date order (``_streams``) checking each event against them.
        """
        # One parameter whatever the number of ids (no IN list of thousands to build).
        if connections[self.db].vendor == "postgresql":
            listed = RawSQL("SELECT unnest(%s::bigint[])", (sorted(ids),))
        else:
            listed = RawSQL("SELECT value FROM json_each(%s)", (json.dumps(sorted(ids)),))
        qs = self.filter(pk__in=listed)
        qs._among = True
        return qs

    def for_actor(self, actor: Actor) -> "EventQuerySet":
        return self.filter(participations__actor=actor)

    # Facets: counts computed by the database (GROUP BY), never by reading the matching rows.

    def type_counts(self) -> dict[str, int]:
        """Matching events per type, in one GROUP BY (their sum is the total count)."""
        rows = self.order_by().values_list("type").annotate(n=models.Count("pk"))
        return dict(rows)

    def year_counts(self) -> tuple[dict[int, int], int]:
        """Events overlapping each year (as ``year=`` filters them) and the undated count.

        One GROUP BY over (first year, last year) of the events' intervals: a few hundred
        distinct pairs at most, spread over their years here.
        """
        from django.db.models.functions import ExtractYear

        rows = (
            self.order_by()
            .values_list(ExtractYear("span_start"), ExtractYear("span_end"))
            .annotate(n=models.Count("pk"))
        )
        return fold_years(rows)

    def actor_counts(self, limit: int, exclude: Collection[int] = frozenset()) -> list[dict]:
        """The ``limit`` actors in most matching events: rows of name, slug, kind, n.

        Counted per actor id, then only the counted actors' names are joined (grouping the
        participants by name, slug and kind sorted them all by text: 2 s against 1 s for the
        busiest actor's partners at a million events).
        """
        counted = (
            Participation.objects.filter(event_id__in=self.order_by().values("pk"))
            .exclude(actor_id__in=exclude)
            .values("actor_id")
            .annotate(n=models.Count("event_id", distinct=True))
            .order_by()
        )
        try:
            sql, params = counted.query.sql_with_params()
        except EmptyResultSet:
            return []
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"""SELECT a.name, a.slug, a.kind, k.n FROM ({sql}) k
                    JOIN {Actor._meta.db_table} a ON a.id = k.actor_id
                    ORDER BY k.n DESC, a.name LIMIT %s""",
                [*params, limit],
            )
            names = ("actor__name", "actor__slug", "actor__kind", "n")
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def chronological(self) -> "EventQuerySet":
        return self.order_by(*CHRONOLOGICAL)

    def rows(self, start: int, stop: int) -> list:
        """The events ``start:stop`` of this ordered queryset, in one query.

        The page's ids are found first, then only those rows are read (a deferred join):

        - in the chronological order with a from/to/year window (``overlapping``), from one
          walk of the date order per reach class (``SPAN_CLASSES``), each from ``from`` less
          the class's reach to ``to`` plus it, stopping after ``stop`` ids, merged; instead
          of reading every event that overlaps the window to sort them;
        - past the first page otherwise, from the filtered, ordered ids alone (for the public
          chronological list an index-only scan of ``event_published_chrono_idx``, which
          holds the whole order), instead of reading every row before the page to skip it.

        The filters and the order are this queryset's; the outer query reads the rows by id
        with the prefetches, in the same order.
        """
        query = self.query
        if query.annotations or query.combinator or query.distinct or query.is_sliced:
            return [*self[start:stop]]
        ordering = list(query.order_by or self.model._meta.ordering or ())
        streams = self._streams(stop) if ordering == list(CHRONOLOGICAL) else None
        if streams is None and start == 0:
            return [*self[start:stop]]
        page = self._reader().order_by(*ordering)
        if streams is None:
            return [*page.filter(pk__in=self.values("pk")[start:stop])]
        # The merged ids as SQL compiled once: given as a queryset, the ORM relabels the
        # union's three parts into the outer query (a third of the page's time in Python).
        try:
            ids = RawSQL(*streams[0].union(*streams[1:], all=True).query.sql_with_params())
        except EmptyResultSet:  # every part matches nothing
            return []
        return [*page.filter(pk__in=ids)[start:stop]]

    def by_ids(self, ids: list) -> list:
        """The events of ``ids`` in that order, loaded as this queryset loads its rows (its
        select_related, deferred fields and prefetches); ids no longer stored are left out."""
        found = self._reader().in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]

    def _reader(self) -> Any:
        """All events, loaded as this queryset loads its rows: for reading rows by id."""
        reader: Any = self.model._default_manager.all()
        reader.query.select_related = self.query.select_related
        reader.query.deferred_loading = self.query.deferred_loading
        reader._prefetch_related_lookups = self._prefetch_related_lookups  # type: ignore[attr-defined]
        return reader

    def count_upto(self, n: int) -> int:
        """How many events match, counted up to about ``n`` (exact when fewer than ``n``).

        With a from/to/year window, counted per reach class (each up to ``n``, so the sum is
        at least ``n`` when ``n`` or more match), each class within its range of dates.
        """
        streams = None if self.query.annotations else self._streams(n, ordered=False)
        if streams is None:
            return self.order_by().values("pk")[:n].count()
        return streams[0].union(*streams[1:], all=True).count()

    def within_window(self) -> "EventQuerySet":
        """The same events, the from/to/year window also given as the reach classes' date
        ranges (``_streams``, unlimited): the planner then reads the window's events from
        the date order's index, where the interval filter alone, whose selectivity it cannot
        estimate, leads it to walk every event (an export of one year at a million events:
        1.8 s of database time instead of 4.4)."""
        streams = self._streams(None, ordered=False)
        if streams is None:
            return self
        return self.filter(pk__in=streams[0].union(*streams[1:], all=True))

    def _streams(self, stop: int | None, ordered: bool = True) -> list | None:
        """The first ``stop`` ids of each reach class overlapping ``self._window``."""
        first, last = self._window
        if first is None or self._among:
            return None
        events = self.alias(span_reach=SPAN_REACH)
        if not ordered:
            events = events.order_by()
        classes, shorter = [], None
        for longest in (*SPAN_CLASSES, None):
            bounds: dict = {}
            if shorter is not None:
                bounds["span_reach__gt"] = shorter
            if longest is not None:
                # A matching event of this class ends on or after ``first`` and starts on or
                # before ``last``, and its date is at most ``longest`` from either end.
                bounds["span_reach__lte"] = longest
                if first - dt.date.min > longest:
                    bounds["date_start__gte"] = first - longest
                if last is not None and dt.date.max - last > longest:
                    bounds["date_start__lte"] = last + longest
            ids = events.filter(**bounds).values("pk")[:stop]
            if not connections[self.db].features.supports_slicing_ordering_in_compound:
                # SQLite allows no LIMIT in a part of a UNION: each part is wrapped.
                ids = self.model._default_manager.filter(pk__in=ids).order_by().values("pk")
            classes.append(ids)
            shorter = longest
        return classes

    def _clone(self):
        clone = super()._clone()
        clone._window = self._window
        clone._among = self._among
        return clone


class EventManager(models.Manager.from_queryset(EventQuerySet)):  # type: ignore[misc]
    """Events without their search vector: the database writes it (triggers) and reads it
    (the ``q`` filter); loaded, it was two thirds of each row read (630 of 936 bytes a row
    at a million events) on every page, list and export."""

    def get_queryset(self) -> EventQuerySet:
        return super().get_queryset().defer("search_vector")


# The list's order: oldest first, undated last, ties by precision, end, title and id.
CHRONOLOGICAL = (
    models.F("date_start").asc(nulls_last=True),
    "precision_rank",
    "date_end",
    "title",
    "pk",
)
# An event's reach: how far its date (date_start, the list's order) is from either end of its
# interval. A page of a list filtered by from/to/year walks the date order of each reach class
# from ``from - reach`` to ``to + reach`` (most events are a day, a month or a year); the
# events that reach further (ranges of years, decades: rare) are a class of their own, read
# from their partial index whole.
SPAN_REACH = models.ExpressionWrapper(
    Greatest(
        models.F("span_end") - models.F("date_start"),
        models.F("date_start") - models.F("span_start"),
    ),
    output_field=models.DurationField(),
)
SPAN_CLASSES = (dt.timedelta(days=40), dt.timedelta(days=400))


# A summary and a citation's note are a paragraph, not a document: a list page carries 50 of
# each, and a 1 MB summary (accepted until the seventeenth round) made every list holding it
# twice the 500 KB a page may send.
SUMMARY_MAX = 5000
NOTE_MAX = 5000  # as the API has taken since its first round


def planned_as_of(start: dt.date | None, references: Sequence[Reference]) -> str:
    """The latest of ``references`` (the dates of the sources citing an event), described,
    when the event ``start``s after every one of them: they tell a plan or a forecast, not a
    happening ("" when not, when nothing is cited, or when a source's date is unknown or only
    a lower bound)."""
    if not start or not references:
        return ""
    if any(not r.known or r.on_or_after for r in references):
        return ""
    latest = max(references, key=lambda r: r.latest)
    return latest.describe() if start > latest.latest else ""


class Event(models.Model):
    title = models.CharField(max_length=300, validators=[refuse_direction_controls])
    summary = models.TextField(
        blank=True, max_length=SUMMARY_MAX, validators=[MaxLengthValidator(SUMMARY_MAX)]
    )
    type = models.CharField(max_length=20, choices=EventType.choices, default=EventType.OTHER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    location = models.CharField(
        max_length=200,
        blank=True,
        help_text="Place name.",
        validators=[refuse_direction_controls],
    )
    date_start = models.DateField(
        null=True, blank=True, verbose_name="start", validators=[validate_year]
    )
    date_end = models.DateField(
        null=True, blank=True, verbose_name="end", validators=[validate_year]
    )
    date_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY, verbose_name="precision"
    )
    date_text = models.CharField(
        max_length=200, blank=True, verbose_name="date as written", help_text='e.g. "June 22-24"'
    )
    date_approximate = models.BooleanField(default=False, verbose_name="approximate")
    attribution = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who says so, as the source puts it; blank: stated as fact.",
        validators=[refuse_direction_controls],
    )
    # Derived from the date fields on save: the interval the event occupies.
    span_start = models.DateField(null=True, editable=False)
    span_end = models.DateField(null=True, editable=False)
    precision_rank = models.PositiveSmallIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actors = models.ManyToManyField(Actor, through="Participation", related_name="events")
    # Title (A), summary (B) and citation quotes (C), kept by database triggers on PostgreSQL
    # (events/migrations/0008_scale_search.py); unused on SQLite, which has events_search (FTS5).
    search_vector = SearchVectorField(null=True, editable=False)
    # Who changed what and when (events.history); derived fields are recomputed on save.
    # History is looked up by the record's id (and a child's by its event): its copies of
    # other keys are not indexed (each index cost every save, and a bulk load a rebuild).
    history = HistoricalRecords(
        excluded_fields=["span_start", "span_end", "precision_rank", "updated", "search_vector"],
        no_db_index=["author"],
        bases=[HistoryBatch],
    )

    objects = EventManager()

    # Not stored: set on the events a page shows by events.disagreement.annotate().
    disagreement: "Disagreement | None"
    source_count: int

    class Meta:
        ordering = ["date_start", "precision_rank", "title"]
        indexes = [
            # Chronological listing and sorting.
            models.Index(fields=["date_start", "precision_rank"], name="event_chrono_idx"),
            # Year and from/to filters: interval overlap.
            models.Index(fields=["span_start", "span_end"], name="event_span_idx"),
            # Type filter and facets; with a date range or the chronological order
            # (?type=…&from=…&to=…): what the window's filters test is included, so a type's
            # shortest events in a window are counted from the index alone. (The longer reach
            # classes have partial indexes by type on PostgreSQL: migrations/0017_….)
            models.Index(
                fields=["type", "date_start"],
                include=["status", "span_start", "span_end"],
                name="event_type_date_idx",
            ),
            models.Index(fields=["status"], name="event_status_idx"),
            # The public list's whole order, with what the date and type filters test: a deep
            # ?page= finds its ids by an index-only scan, and a dated page's shortest events
            # (EventQuerySet.rows) are walked from just before ``from`` without reading rows.
            # (The longer classes have partial indexes of their own on PostgreSQL:
            # migrations/0011_event_list_windows.py.)
            models.Index(
                fields=["date_start", "precision_rank", "date_end", "title", "id"],
                include=["type", "span_start", "span_end"],
                condition=models.Q(status="published"),
                name="event_published_chrono_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_end__isnull=True)
                | models.Q(date_end__gte=models.F("date_start")),
                name="event_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(date_start__isnull=False) | models.Q(date_end__isnull=True),
                name="event_end_needs_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date_display()}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        if self.date_start:
            # A month or a year is kept as its first day, whichever day was sent with it
            # ("2021-06-15" at month precision is June 2021), as every reading writes it.
            self.date_start = truncate(self.date_start, self.date_precision)
            if self.date_end:
                self.date_end = truncate(self.date_end, self.date_precision)
            self.span_start, self.span_end = interval(
                self.date_start, self.date_end, self.date_precision
            )
        else:
            self.span_start = self.span_end = None
        self.precision_rank = PRECISION_RANK[Precision(self.date_precision)]
        super().save(*args, **kwargs)

    def planned_when_written(self) -> str:
        """The latest date of the sources citing it, described, when the event starts after
        every one of them was written: they tell a plan or a forecast, not a happening ("" when
        not, or when a source's date is unknown or only a lower bound). Reads the citations
        prefetched (``with_evidence``): no query of its own there."""
        references = [c.passage.source.date_reference() for c in self.citations.all()]
        return planned_as_of(self.date_start, references)

    def date_context(self, citing: Sequence[Any] = ()) -> tuple[Reference, str, int, int]:
        """What this event's date as written is read against and in
        (``lib.datesearch.read_as_cited``): the source's ``date_reference`` (as far as its
        date is known), the passage and the quote's offsets in it, of the first citation a
        write adds (``citing``: ``events.services.Located``), else of the event's first. With
        nothing cited nothing is known (``Reference.uncited``) and there is no passage:
        "next Thursday" is refused, not read against today and kept when a source is cited
        later.
        """
        if citing:
            cited = citing[0]
        elif self.pk:
            cited = self.citations.select_related("passage__source").first()
        else:
            cited = None
        if cited is None:
            return Reference.uncited(), "", 0, 0
        return cited.passage.source.date_reference(), cited.passage.text, cited.start, cited.end

    def date_display(self) -> str:
        return format_date(
            self.date_start, self.date_end, self.date_precision, self.date_approximate
        )

    def clean(self) -> None:
        if self.date_end and not self.date_start:
            raise ValidationError({"date_end": "An end date needs a start date."})
        if self.date_start and self.date_end and self.date_end < self.date_start:
            raise ValidationError({"date_end": "The end date is before the start date."})


# The fields an analyst edits: exported, compared in history diffs and put back by a restore.
EVENT_FIELDS = (
    "title",
    "summary",
    "type",
    "status",
    "location",
    "date_start",
    "date_end",
    "date_precision",
    "date_text",
    "date_approximate",
    "attribution",
)


class OfEventQuerySet(models.QuerySet):
    """Rows that belong to an event (participants, citations): visible with their event."""

    def visible_to(self, user) -> "OfEventQuerySet":
        return self if _sees_drafts(user) else self.filter(event__status=Status.PUBLISHED)


class Participation(models.Model):
    # No index of their own: participation_unique_role (event, ...) and
    # participation_actor_event_idx (actor, event) serve lookups by either.
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="participations", db_index=False
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="participations", db_index=False
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PARTICIPANT)
    # The event's interval, copied by database triggers (events/migrations/
    # 0010_scale2_counts_and_spans.py) so "events of actor A in year Y" is one index range.
    span_start = models.DateField(null=True, editable=False)
    span_end = models.DateField(null=True, editable=False)
    history = HistoricalRecords(
        excluded_fields=["span_start", "span_end"], no_db_index=["actor"], bases=[HistoryBatch]
    )

    objects = OfEventQuerySet.as_manager()

    class Meta:
        ordering = ["event", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "actor", "role"], name="participation_unique_role"
            ),
        ]
        indexes = [
            # Actor filter: events of an actor (and with a role).
            models.Index(fields=["actor", "role"], name="participation_actor_idx"),
            # Actor filter and co-actor counts: an actor's event ids from the index alone.
            models.Index(fields=["actor", "event"], name="participation_actor_event_idx"),
            # Actor with a year or from/to: the actor's events overlapping an interval, from
            # whichever end of the interval is nearer (the planner picks).
            models.Index(
                fields=["actor", "span_start", "span_end"],
                include=["event"],
                name="participation_actor_span_idx",
            ),
            models.Index(
                fields=["actor", "span_end", "span_start"],
                include=["event"],
                name="participation_actor_end_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.role}) in {self.event_id}"


class Citation(models.Model):
    """A verbatim quote from one passage proving an event.

    The quote equals ``passage.text[start:end]`` (W3C TextPositionSelector);
    prefix and suffix are up to 32 characters around it (TextQuoteSelector).
    A database trigger refuses any row where the quote does not match.
    """

    # No index of its own: citation_span_once_per_event (event, ...) serves lookups by event.
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="citations", db_index=False
    )
    passage = models.ForeignKey(Passage, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField()
    start = models.PositiveIntegerField(help_text="Offset of the quote in the passage.")
    end = models.PositiveIntegerField(help_text="Offset just past the quote in the passage.")
    prefix = models.CharField(max_length=CONTEXT_CHARS, blank=True)
    suffix = models.CharField(max_length=CONTEXT_CHARS, blank=True)
    date_text = models.CharField(
        max_length=200, blank=True, help_text="The date as this source writes it."
    )
    note = models.TextField(
        blank=True, max_length=NOTE_MAX, validators=[MaxLengthValidator(NOTE_MAX)]
    )
    history = HistoricalRecords(no_db_index=["passage"], bases=[HistoryBatch])

    objects = OfEventQuerySet.as_manager()

    class Meta:
        ordering = ["event", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="citation_nonempty_span"
            ),
            # A span is cited once per event (events.services.save_event says so first).
            models.UniqueConstraint(
                fields=["event", "passage", "start", "end"], name="citation_span_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"“{self.quote[:60]}” ({self.passage})"

    # The stored context is cut at CONTEXT_CHARS, often mid-word: shown from whole words.
    @property
    def prefix_cut(self) -> bool:
        return len(self.prefix) >= CONTEXT_CHARS

    @property
    def suffix_cut(self) -> bool:
        return len(self.suffix) >= CONTEXT_CHARS

    @property
    def context_before(self) -> str:
        """The prefix from its first whole word ("…d him and" shows "him and")."""
        if not self.prefix_cut:
            return self.prefix
        parts = self.prefix.split(None, 1)
        return (
            parts[1] if len(parts) == 2 and not self.prefix[0].isspace() else self.prefix.lstrip()
        )

    @property
    def context_after(self) -> str:
        """The suffix up to its last whole word."""
        if not self.suffix_cut:
            return self.suffix
        parts = self.suffix.rsplit(None, 1)
        return (
            parts[0] if len(parts) == 2 and not self.suffix[-1].isspace() else self.suffix.rstrip()
        )

    def clean(self) -> None:
        if self.passage_id is None:
            return
        problem = quote_mismatch(self.passage.text, self.quote, self.start, self.end)
        if problem:
            raise ValidationError({"quote": problem})


def quote_mismatch(text: str, quote: str, start: int | None, end: int | None) -> str:
    """Why ``quote`` is not ``text[start:end]``, or "" when it is."""
    if start is not None and end is not None and 0 <= start < len(text) and end <= start:
        return f"Offsets {start}–{end}: the end must come after the start."
    if start is None or end is None or start < 0 or end <= start or end > len(text):
        return f"Offsets {start}–{end} are outside the passage (0–{len(text)})."
    found = text[start:end]
    if found != quote:
        return f"The quote does not match the passage at {start}–{end}: the passage says “{found}”."
    return ""


# Positions: titles held by actors over time (like Popolo's posts and memberships) ------------


class PostKind(models.TextChoices):
    OFFICE = "office", "office"
    RANK = "rank", "rank"
    ROLE = "role", "role"


class PostQuerySet(models.QuerySet):
    def named(self, text: str) -> "PostQuerySet":
        """Posts whose title or any alias is ``text`` (ignoring case, a leading "the" and the
        apostrophe's shape)."""
        from .positions import title_variants

        variants = title_variants(text)
        return self.filter(
            models.Q(title_key__in=variants) | models.Q(aliases__key__in=variants)
        ).distinct()


class Post(models.Model):
    """A title or role someone holds for a time: "Russian Defense Minister", "the coup leader"."""

    title = models.CharField(
        max_length=200,
        help_text="The title as sources write it.",
        validators=[refuse_direction_controls],
    )
    title_key = models.CharField(max_length=200, editable=False)
    kind = models.CharField(max_length=6, choices=PostKind.choices, default=PostKind.OFFICE)
    organization = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        help_text="The organization or country the post belongs to, if any.",
    )
    description = models.CharField(max_length=500, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            # One title names one post: serves title lookup.
            models.UniqueConstraint(fields=["title_key"], name="post_title_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        from .positions import title_key

        self.title_key = title_key(self.title)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from .positions import title_key

        key = title_key(self.title)
        if Post.objects.filter(title_key=key).exclude(pk=self.pk).exists():
            raise ValidationError({"title": f"“{self.title}” is already a title."})
        clash = PostAlias.objects.filter(key=key).exclude(post_id=self.pk)
        if clash.exists():
            raise ValidationError({"title": f"“{self.title}” is already another title's alias."})


class PostAlias(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(
        max_length=200,
        help_text="Another way sources write the title.",
        validators=[refuse_direction_controls],
    )
    key = models.CharField(max_length=200, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "title alias"
        verbose_name_plural = "title aliases"
        constraints = [
            # One spelling names one post: serves alias lookup too.
            models.UniqueConstraint(fields=["key"], name="post_alias_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        from .positions import title_key

        self.key = title_key(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from .positions import title_key

        key = title_key(self.name)
        if PostAlias.objects.filter(key=key).exclude(pk=self.pk).exists():
            raise ValidationError({"name": f"“{self.name}” is already a title's alias."})
        clash = Post.objects.filter(title_key=key).exclude(pk=self.post_id)
        if clash.exists():
            raise ValidationError({"name": f"“{self.name}” is already the title {clash.first()}."})


class Position(models.Model):
    """``holder`` held ``post`` from ``start`` to ``end`` (each at its precision; a blank start
    or end is not known or, for the end, still held)."""

    holder = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="positions")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="positions")
    start = models.DateField(null=True, blank=True, help_text="Blank: not known.")
    start_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    end = models.DateField(null=True, blank=True, help_text="Blank: still held, or not known.")
    end_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    note = models.TextField(
        blank=True, help_text="What supports these dates: the source, or the public record."
    )
    # Derived on save: the first day it may have been held, the last day it may have been held.
    span_start = models.DateField(null=True, editable=False)
    span_end = models.DateField(null=True, editable=False)

    class Meta:
        ordering = ["post", "span_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="position_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["holder", "post", "start"], name="position_unique_holder_post_start"
            ),
        ]
        indexes = [
            # Title resolution: the holders of a post over a date interval.
            models.Index(fields=["post", "span_start", "span_end"], name="position_post_span_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.holder} as {self.post} ({self.held_display()})"

    def save(self, *args, **kwargs) -> None:
        self.span_start = (
            interval(self.start, None, self.start_precision)[0] if self.start else None
        )
        self.span_end = interval(self.end, None, self.end_precision)[1] if self.end else None
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The end is before the start."})

    def held_display(self) -> str:
        """“30 March 2011 – …” (no end known), “6 November 2012 – 12 May 2024”, “? – …”."""
        first = format_date(self.start, None, self.start_precision, False) if self.start else "?"
        last = format_date(self.end, None, self.end_precision, False) if self.end else "…"
        return f"{first} – {last}"


class Generation(models.Model):
    """One row: a random token that database triggers replace on every write to the tables
    the timeline's counts read (events, participants, actors, citations, positions, passages).

    Cached counts are keyed by it (``events.counts``): a write, in the same transaction,
    makes every cached count unreachable, and a rolled-back write leaves the old token, whose
    counts are still true. Triggers, not the writer, so every path (admin, restore, bulk load,
    shell) is covered.
    """

    token = models.BigIntegerField(default=0)

    class Meta:
        db_table = "events_generation"

    def __str__(self) -> str:
        return f"data generation {self.token}"


class TypeTally(models.Model):
    """Events per status, type and first and last year of their interval (0 and 0: undated),
    kept current by database triggers (``events/migrations/0018_tallies.py``): the
    unfiltered timeline's facets without counting a million rows (``events.tally``)."""

    status = models.CharField(max_length=10)
    type = models.CharField(max_length=20)
    first_year = models.IntegerField()
    last_year = models.IntegerField()
    n = models.BigIntegerField()

    class Meta:
        db_table = "events_typetally"
        constraints = [
            models.UniqueConstraint(
                fields=["status", "type", "first_year", "last_year"], name="typetally_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.n} {self.status} {self.type} {self.first_year}-{self.last_year}"


class ActorTally(models.Model):
    """The number of events of each status an actor takes part in (once per event, whatever
    its roles), kept current by database triggers (``events/migrations/0018_tallies.py``)."""

    actor_id = models.BigIntegerField()
    status = models.CharField(max_length=10)
    n = models.BigIntegerField()

    class Meta:
        db_table = "events_actortally"
        constraints = [
            models.UniqueConstraint(fields=["actor_id", "status"], name="actortally_unique")
        ]

    def __str__(self) -> str:
        return f"actor {self.actor_id}: {self.n} {self.status}"
