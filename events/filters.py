"""The event filter: one FilterSet shared by the timeline page (and later the API).

Public query parameters: ``actor`` (repeatable, all of them), ``type`` (repeatable, any of
them), ``year``, ``from``, ``to``, ``source``, ``q`` and ``sort``. Every filter that follows a
relation goes through a ``pk__in`` subquery, so no event is listed twice and prefetches keep
working. Nothing here knows about HTML.
"""

import datetime as dt
import json
import re
from typing import Any, cast

import django_filters
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import (
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL

from lib.dates import Precision, period_end
from lib.forms import NulNamed
from lib.inputs import direction_control_message
from sources.models import Source

from .models import (
    Event,
    EventQuerySet,
    EventType,
    Participation,
    Position,
    Status,
    close_actor_names,
    named_actors_and_titles,
)

# ASCII digits only: "٢٠٢١-06" is not a date the reader can type back or the API documents.
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)
SEARCH_CONFIG = "english"
# A ranked q (PostgreSQL) lists, best first, the RANK_CAP newest matching events: more than
# the API's capped count (500), so its counts are unchanged; sort=date lists every match.
RANK_CAP = 1000
# A LIMIT no subquery reaches (an optimisation fence for PostgreSQL's planner).
UNBOUNDED = 2**62
# An actor filter whose participants name at most this many events lists them by primary key
# (ActorFilter._few).
FEW_EVENTS = 2000


class ActorNamesField(forms.Field):
    """Repeatable actor names: each a slug, name or alias; cleaned to the matching actor pks."""

    widget = forms.MultipleHiddenInput
    # Who asks (``EventFilter.form`` sets it): an actor a reader may not see (in drafts only)
    # is no actor to them, as unknown as a name nobody has.
    viewer: Any = None
    # What ``clean`` found for each name (``ActorGroup``s), whether all were known or not.
    resolved: list["ActorGroup"] | None = None

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        names = [name.strip() for name in value if name and name.strip()]
        if any("\x00" in name for name in names):
            raise forms.ValidationError(
                # Such a name gets no chip (the form cannot send it back): it is gone already.
                "actor: a name cannot contain a NUL character (\\x00), so it is left out of "
                "the form; press Filter to search without it.",
                code="null_characters",
            )
        return names

    def clean(self, value) -> list["ActorGroup"]:
        names = self.to_python(value)
        groups, unknown = [], []
        for name in names:
            # Its actors, and a title's ("Russian Defense Minister") posts: the title's holders
            # at each event's date. Both when an actor has the title as its name (one stored
            # before such names were refused, ``events.positions.title_clash``).
            actors, posts, found = named_actors_and_titles(name, self.viewer or AnonymousUser())
            group = ActorGroup(actors)
            group.posts, group.names = posts, found
            if not group and not group.posts:
                unknown.append(f"“{name}”")
            groups.append(group)
        # Kept for the page's chips, also when a name is unknown (then the form has no
        # cleaned value): each name's group, in the order given (the field is the form's own
        # copy, so this is this request's).
        self.resolved = groups
        if unknown:  # every one of them, not the first only
            close = close_actor_names(
                [name for name, group in zip(names, groups, strict=True) if not group.names],
                self.viewer or AnonymousUser(),
            )
            meant = f" Did you mean {' or '.join(f'“{c}”' for c in close)}?" if close else ""
            raise forms.ValidationError(
                f"actor: no actor or title is named {' or '.join(dict.fromkeys(unknown))}; use "
                "an actor's name, slug or alias (for example actor=min-aung-hlaing) or a title "
                f"such as actor=Russian Defense Minister.{meant}",
                code="unknown_actor",
            )
        return groups


class ActorGroup(list):
    """The pks of the actors one ``actor`` value names, and of the titles (posts) it names;
    ``names``: their names, as a page shows them (empty for a name nothing has)."""

    posts: list[int] = []
    names: list[str] = []


class PartialDateField(forms.CharField):
    """YYYY, YYYY-MM or YYYY-MM-DD, cleaned to the closed interval of days it names."""

    def __init__(self, *, param: str, **kwargs) -> None:
        self.param = param
        super().__init__(**kwargs)

    def clean(self, value) -> tuple[dt.date, dt.date] | None:
        value = super().clean(value)
        if not value:
            return None
        error = forms.ValidationError(
            f"{self.param}: “{value}” is not a date; write YYYY, YYYY-MM or YYYY-MM-DD "
            f"(for example {self.param}=2021-06).",
            code="invalid",
        )
        match = _PARTIAL_DATE.match(value)
        if not match:
            raise error
        year, month, day = match.groups()
        try:
            first = dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            raise error from None
        precision = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
        return first, period_end(first, precision)


class SourcePk(int):
    """A source's pk, with its ``title`` (read with it) for a page to name it."""

    title: str = ""


class SourceKeyField(forms.CharField):
    """A source id or key, cleaned to the source's pk (a ``SourcePk``, knowing its title)."""

    def clean(self, value) -> SourcePk | None:
        value = super().clean(value)
        if not value:
            return None
        found = Source.objects.by_key_or_id(value).values_list("pk", "title").first()
        if found is None:
            raise forms.ValidationError(source_error(value), code="unknown_source")
        pk = SourcePk(found[0])
        pk.title = found[1]
        return pk


def source_error(value: str) -> str:
    """What a source filter says of a value no source has as its id or key."""
    return (
        f"source: no source has the id or key “{value}”; use a source's key "
        "(for example source=mah-moscow-visit-june-2021) or its id."
    )


def involving(group: "ActorGroup", within: dict | None = None) -> Q:
    """The participations of the actors ``group`` names: its actors', and for a title, its
    holders' in the events during their tenure (tenure and event overlap). ``within``: the
    conditions on the participants' copy of the event's interval (``ActorFilter._interval``).
    """
    within = within or {}
    involved = Q(actor_id__in=list(group), **within)
    if group.posts:
        held = Position.objects.filter(
            Q(span_start__isnull=True) | Q(span_start__lte=OuterRef("event__span_end")),
            Q(span_end__isnull=True) | Q(span_end__gte=OuterRef("event__span_start")),
            post_id__in=group.posts,
            holder_id=OuterRef("actor_id"),
        )
        # Only the holders' participations are checked (participation_actor_idx).
        holders = Position.objects.filter(post_id__in=group.posts).values("holder_id")
        # Q & Exists is a Q (django-stubs types it as a bare Combinable).
        involved |= Q(actor_id__in=holders, **within) & Exists(held)  # type: ignore[assignment]
    return involved


class ActorFilter(django_filters.Filter):
    """Events involving every one of the named actors; a title names whoever held it at the
    event's date (their tenure overlaps the event's interval)."""

    field_class = ActorNamesField

    def filter(self, qs: QuerySet, value: list[ActorGroup]) -> QuerySet:
        # With year/from/to, the participants' copy of the event's interval narrows the
        # subquery to one index range (participation_actor_span_idx / _end_idx) instead of
        # every event of the actor; the event's own interval is still filtered as well.
        within = self._interval()
        few_events: list[set[int]] = []  # each group's few events, if few
        seen = set()
        for group in value or []:
            # An actor named twice (by slug and by alias, or repeated) is one condition.
            key = (frozenset(group), frozenset(group.posts))
            if key in seen:
                continue
            seen.add(key)
            involved = Participation.objects.filter(involving(group, within))
            events = involved.values("event_id").order_by()
            few = None if group.posts else self._few(events, list(group), within)
            if few is not None:
                few_events.append(few)
                continue
            if within and not self._in_date_order():
                # Drive from the participants (their (actor, span) index), then sort the few
                # matches: a LIMIT that never binds keeps PostgreSQL from flattening the
                # subquery and walking the date index from the earliest (or latest) event
                # instead (it cannot know a frequent actor's events of one year lie far along
                # that order: 2.7 s against 0.14 s for the most frequent actor at a million
                # events). In date order the list is read per reach class within the dates
                # (EventQuerySet.rows): there the subquery is left to the planner, which
                # walks those dates checking each event's participants (60 ms, not 300).
                events = events[:UNBOUNDED]
            qs = qs.filter(pk__in=events)
        if few_events:
            # Few events (most actors, most windows): by primary key, then sorted; with
            # several actors, the events they all take part in, as one list.
            qs = cast(EventQuerySet, qs).among(set.intersection(*few_events))
        return qs

    @staticmethod
    def _few(participations: QuerySet, actors: list[int], within: dict) -> set[int] | None:
        """The events of ``participations`` if there are at most ``FEW_EVENTS`` of them, else
        None: one index-only range of the actor's participants (``participation_actor_span_idx``
        or ``_end_idx``, as the planner picks), read up to ``FEW_EVENTS`` + 1 matches.

        The planner cannot tell an actor's few events in a year from a frequent actor's
        thousands (it overestimates the first tenfold), and walks the year's date order
        checking each event's participants either way: 15-40 ms at a million events where
        reading the few by primary key takes 1-6 ms. Frequent actors keep that walk (it stops
        after a page of matches, and so beats reading thousands of rows to sort them).

        With a window (``within``, ``_interval``), the ``actors``' participants starting within
        it, which overlap it, are counted first from one tight index range: more than
        ``FEW_EVENTS`` there settles it. The
        overlap alone is an index range open at one end (the most frequent actor's 2015 took
        6 ms); with it the look takes 1-2 ms at a million events whatever the actor and year.
        """
        first = participations.order_by().values_list("event_id", flat=True)[: FEW_EVENTS + 1]
        sql, params = first.query.sql_with_params()
        connection = connections[participations.db]
        # One row: the ids as one value, or NULL when there are more (none sent then).
        if connection.vendor == "postgresql":
            gather = "coalesce(array_agg(event_id), '{}')"
        else:
            gather = "json_group_array(event_id)"
        query = f"SELECT CASE WHEN count(*) > %s THEN NULL ELSE {gather} END FROM ({sql}) first"
        arguments: tuple = (FEW_EVENTS, *params)
        if "span_end__gte" in within:
            starting = Participation.objects.filter(
                actor_id__in=actors, span_start__gte=within["span_end__gte"]
            )
            if "span_start__lte" in within:
                starting = starting.filter(span_start__lte=within["span_start__lte"])
            quick, quick_params = (
                starting.order_by()
                .values_list("event_id", flat=True)[: FEW_EVENTS + 1]
                .query.sql_with_params()
            )
            # The second subquery runs only when the first does not settle it.
            query = (
                f"SELECT CASE WHEN (SELECT count(*) FROM ({quick}) quick) > %s THEN NULL "
                f"ELSE ({query}) END"
            )
            arguments = (*quick_params, FEW_EVENTS, *arguments)
        with connection.cursor() as cursor:
            cursor.execute(query, arguments)
            ids = cursor.fetchone()[0]
        if ids is None:
            return None
        return set(ids if isinstance(ids, list) else json.loads(ids))

    def _in_date_order(self) -> bool:
        """Whether the list is oldest first (no ``q``, ``sort`` absent or ``date``)."""
        data = getattr(self.parent.form, "cleaned_data", {}) if self.parent else {}
        return not (data.get("q") or "").strip() and data.get("sort") != "-date"

    def _interval(self) -> dict:
        """Conditions on a participant's span for the filter's year, from and to."""
        data = getattr(self.parent.form, "cleaned_data", {}) if self.parent else {}
        within = {}
        firsts, lasts = [], []
        if data.get("year"):
            firsts.append(dt.date(data["year"], 1, 1))
            lasts.append(dt.date(data["year"], 12, 31))
        if data.get("from"):
            firsts.append(data["from"][0])
        if data.get("to"):
            lasts.append(data["to"][1])
        if firsts:
            within["span_end__gte"] = max(firsts)
        if lasts:
            within["span_start__lte"] = min(lasts)
        return within


class PartialDateFilter(django_filters.Filter):
    """Interval overlap: ``from`` compares to span_end, ``to`` to span_start."""

    field_class = PartialDateField

    def __init__(self, *, bound: str, **kwargs) -> None:
        self.bound = bound
        super().__init__(**kwargs)

    def filter(self, qs: EventQuerySet, value: tuple[dt.date, dt.date] | None) -> EventQuerySet:
        if value is None:
            return qs
        first, last = value
        return qs.overlapping(first, None) if self.bound == "from" else qs.overlapping(None, last)


class AsciiIntegerField(forms.IntegerField):
    """A whole number in ASCII digits: ``int()`` also reads Arabic-Indic and full-width
    digits, which the README says are refused (as ``page`` refuses them)."""

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if text and not (text.lstrip("+-").isascii() and text.lstrip("+-").isdigit()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class YearFilter(django_filters.Filter):
    """Events whose date interval overlaps the year."""

    field_class = AsciiIntegerField

    def filter(self, qs: EventQuerySet, value: int | None) -> EventQuerySet:
        return qs if value is None else qs.in_year(value)


class SourceFilter(django_filters.Filter):
    """Events with at least one citation from the source."""

    field_class = SourceKeyField

    def filter(self, qs: QuerySet, value: int | None) -> QuerySet:
        if value is None:
            return qs
        return cast(EventQuerySet, qs).citing_source(int(value))


def refuse_direction_control_in_q(value: str) -> None:
    """A search with an invisible direction control (U+202E ...) is refused: it matches
    nothing a reader can type, and the page and its "no match" message repeat it reordered
    ("evil" shown as "live")."""
    if (message := direction_control_message(value)) is not None:
        raise forms.ValidationError(f"q: {message}", code="direction_control")


class TextFilter(django_filters.CharFilter):
    """Words in titles, summaries or citation quotes, annotated with ``search_rank``.

    One stored search document per event (title A, summary B, quotes C), kept current by the
    database (``events/migrations/0008_scale_search.py``):

    - PostgreSQL: ``search_vector @@ to_tsquery(tsquery(q))`` over the GIN index
      ``event_search_vector_gin``, ranked by ``ts_rank``: web-search syntax, each term's
      last word a prefix;
    - SQLite: the FTS5 table ``events_search``, ranked by ``bm25`` weighing title 4, summary
      2, quotes 1, with the same web-search syntax (``fts5_query``): every word required
      (anywhere in the document, as a word prefix), "a phrase", ``or``, ``-word``.
    """

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        if connections[qs.db].vendor == "postgresql":
            text = tsquery(value)
            if not text:
                return qs.none().annotate(search_rank=Value(0.0))
            query = SearchQuery(text, search_type="raw", config=SEARCH_CONFIG)
            return qs.filter(search_vector=query).annotate(
                search_rank=SearchRank(F("search_vector"), query)
            )
        match, without = fts5_query(value)
        if not match and without:
            # Only words to leave out ("-Shoigu"): every event without them, as PostgreSQL.
            return qs.exclude(
                pk__in=RawSQL(
                    "SELECT rowid FROM events_search WHERE events_search MATCH %s", [without]
                )
            ).annotate(search_rank=Value(0.0))
        if not match:
            return qs.none().annotate(search_rank=Value(0.0))
        return qs.filter(
            pk__in=RawSQL("SELECT rowid FROM events_search WHERE events_search MATCH %s", [match])
        ).annotate(
            search_rank=RawSQL(
                "SELECT -bm25(events_search, 4.0, 2.0, 1.0) FROM events_search "
                "WHERE events_search MATCH %s AND events_search.rowid = events_event.id",
                [match],
                output_field=FloatField(),
            )
        )


_SEARCH_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')

# One term: the words of a word or of "a phrase" (punctuation is not searched).
Term = list[str]


def search_groups(value: str) -> list[tuple[list[Term], list[Term]]]:
    """``q`` read as web-search syntax: groups that ``or`` separates, each the terms it
    requires and the terms it leaves out (``-word``, ``-"a phrase"``); a term is its words.
    The one reading of ``q`` for both databases (``fts5_query``, ``tsquery``)."""
    groups: list[tuple[list[Term], list[Term]]] = [([], [])]
    for match in _SEARCH_TERM.finditer(value):
        negated = bool(match[1] or match[3])
        text = match[2] if match[2] is not None else match[4]
        if not negated and match[4] is not None and text.lower() == "or":
            if groups[-1] != ([], []):
                groups.append(([], []))
            continue
        words = re.findall(r"\w+", text)
        if words:
            groups[-1][1 if negated else 0].append(words)
    return [group for group in groups if group != ([], [])]


def fts5_query(value: str) -> tuple[str, str]:
    """``q`` as FTS5 queries (``search_groups``): words are all required (each a quoted word
    prefix), "a phrase" is its words in order, ``or`` between terms is either, ``-word`` or
    ``-"a phrase"`` leaves it out.

    Returns (what to match, what to leave out when nothing is to be matched): ``-Shoigu``
    alone is every event without Shoigu, as on PostgreSQL. Punctuation is not searched
    (FTS5 would read it as syntax). "" for both when ``q`` has no word.
    """
    groups = [
        (['"' + " ".join(t) + '"*' for t in wanted], ['"' + " ".join(t) + '"*' for t in unwanted])
        for wanted, unwanted in search_groups(value)
    ]
    matched = [
        " AND ".join(wanted) + "".join(f" NOT {term}" for term in unwanted)
        for wanted, unwanted in groups
        if wanted
    ]
    if matched:
        return " OR ".join(f"({group})" for group in matched), ""
    # No word wanted: leave out what is unwanted (one group: "-a -b" is neither a nor b).
    unwanted = [term for _wanted, terms in groups for term in terms]
    return "", " OR ".join(unwanted)


def tsquery(value: str) -> str:
    """``q`` as PostgreSQL ``to_tsquery`` text (``search_groups``), read as FTS5 reads its
    query: every word required, the last word of each term a word prefix (``helicop``
    finds helicopters, as on SQLite), "a phrase" its words in order, ``or`` either, ``-word``
    left out (``-Russia`` alone: every event without it). The words are ``\\w`` characters
    only, each quoted: nothing of ``q`` is read as tsquery syntax. "" when ``q`` has no word.
    """

    def term(words: Term) -> str:
        *first, last = words
        return "(" + " <-> ".join([*(f"'{w}'" for w in first), f"'{last}':*"]) + ")"

    groups = [
        " & ".join([*(term(t) for t in wanted), *(f"!{term(t)}" for t in unwanted)])
        for wanted, unwanted in search_groups(value)
    ]
    return " | ".join(f"({group})" for group in groups)


class SortFilter(django_filters.ChoiceFilter):
    """``date`` (oldest first) or ``-date`` (newest first); undated stay last.

    Newest first, events of the same start keep the finer date first (a day, then its
    month, then its year): a year's events whose month is not given come after its January,
    where the timeline shows them (``group_events``), also across a page break.

    Without ``sort``: oldest first, or best match first when ``q`` is given (see
    ``EventFilter.filter_queryset``).
    """

    def filter(self, qs: EventQuerySet, value: str) -> EventQuerySet:
        if value == "-date":
            return qs.order_by(
                F("date_start").desc(nulls_last=True),
                "precision_rank",
                F("date_end").desc(nulls_last=True),
                "-title",
                "-pk",
            )
        return qs.chronological()


class EventFilterForm(NulNamed, forms.Form):
    # An actor name holding a NUL gets no chip: its message says it is left out of the form.
    own_nul_message = frozenset({"actor"})

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("from"), data.get("to")
        if start and end and start[0] > end[1]:
            self.add_error(
                "from",
                f"from: {start[0]:%Y-%m-%d} is after to={end[1]:%Y-%m-%d}; "
                "make from earlier than or equal to to.",
            )
        year = data.get("year")
        if isinstance(year, int) and (
            (start and start[0].year > year) or (end and end[1].year < year)
        ):
            window = " ".join(
                f"{name}={value}"
                for name, value in (("from", self.data.get("from")), ("to", self.data.get("to")))
                if value
            )
            self.add_error(
                "year",
                f"year: {year} is outside {window}, so no event can match both; remove one.",
            )
        return data


TYPE_VALUES = ", ".join(EventType.values)


class EventFilter(django_filters.FilterSet):
    actor = ActorFilter(label="Actor")
    type = django_filters.MultipleChoiceFilter(
        choices=EventType.choices,
        distinct=False,
        label="Type",
        error_messages={
            "invalid_choice": f"type: unknown event type “%(value)s”; use one of {TYPE_VALUES}.",
            "invalid_list": f"type: give each type as its own parameter, one of {TYPE_VALUES}.",
        },
    )
    year = YearFilter(
        label="Year",
        min_value=1,
        max_value=9999,
        error_messages={
            "invalid": "year: write the year as four digits (for example year=2021).",
            "min_value": "year: years run from 1 to 9999 (for example year=2021).",
            "max_value": "year: years run from 1 to 9999 (for example year=2021).",
        },
    )
    # "from" is a Python keyword, so it is declared through the class namespace.
    locals()["from"] = PartialDateFilter(bound="from", param="from", label="From")
    to = PartialDateFilter(bound="to", param="to", label="To")
    source = SourceFilter(label="Source")
    q = TextFilter(label="Text", validators=[refuse_direction_control_in_q])
    # Drafts or published events only (analysts, who see both: readers see published events
    # whatever they ask, ``visible_to``).
    status = django_filters.ChoiceFilter(
        choices=Status.choices,
        label="Status",
        error_messages={
            "invalid_choice": "status: use status=draft or status=published, or leave it out."
        },
    )
    sort = SortFilter(
        choices=[("date", "oldest first"), ("-date", "newest first")],
        label="Sort",
        error_messages={"invalid_choice": "sort: use sort=date or sort=-date."},
    )

    class Meta:
        model = Event
        fields: list[str] = []
        form = EventFilterForm

    @property
    def form(self):
        form = super().form
        if "actor" in form.fields:
            form.fields["actor"].viewer = getattr(self.request, "user", None)
        return form

    @property
    def filters_nothing(self) -> bool:
        """Whether the filter matches every event it is given (no filter set; the order may
        be any)."""
        if not (self.is_bound and self.is_valid()):
            return not self.is_bound
        data = self.form.cleaned_data
        return not any(data.get(name) for name in self.filters if name != "sort")

    @property
    def ranked(self) -> bool:
        """Whether the results are ordered best match first (``q`` given, ``sort`` absent)."""
        data = self.form.cleaned_data if self.is_bound and self.is_valid() else {}
        return bool((data.get("q") or "").strip()) and not data.get("sort")

    def filter_queryset(self, queryset: EventQuerySet) -> EventQuerySet:
        queryset = super().filter_queryset(queryset)
        # Every matching event, for counts (the ranked list below may be capped).
        self.matches = queryset
        self.cap = None  # how many of the matches the list holds, when fewer than all
        if self.ranked:
            if connections[queryset.db].vendor == "postgresql":
                # Rank the RANK_CAP newest matches only: ranking reads each match's document,
                # every row of the table for a common word. The newest come from the date
                # index walked backwards (common words) or the GIN index (rare ones).
                newest = queryset.order_by(F("date_start").desc(), "-pk").values("pk")
                queryset = queryset.filter(pk__in=newest[:RANK_CAP])
                self.cap = RANK_CAP
            chronological = queryset.chronological().query.order_by
            queryset = queryset.order_by(F("search_rank").desc(), *chronological)
        return queryset
