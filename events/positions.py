"""Titles and roles as actor mentions: who held "Russian Defense Minister" on a date.

A ``Post`` is a title ("Russian Defense Minister", "the coup leader", "Snr. Gen."), with
aliases; a ``Position`` says an actor held it from a start to an end, each at its precision.
A title resolves to the holders whose tenure overlaps the date (or interval) asked about:
on a boundary day both the outgoing and the incoming holder can match when the record is not
precise enough to tell them apart, and then both are returned (never a guess).

``holders`` and ``positions_held`` ask the database (a constant number of queries);
``TitleBook`` is the same rule on data already loaded, for the suggestion extractor, which
reads sentences without the database: ``TitleBook.mentions(sentence, first, last)``.

A title is no actor: ``title_clash`` is the one rule every writer that makes an actor from a
name asks (the event form, the API, ``save_event``, the admin through ``Actor.clean`` and
``Alias.clean``, the bulk loader through ``title_keys``). An actor named "the coup leader"
would otherwise be what the actor filter finds for that name, instead of whoever held the
title at each event's date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils.text import slugify

from lib.dates import Precision, format_date, interval
from lib.inputs import direction_control_message

from .models import Actor, Position, Post, PostAlias, PostKind

_SPACES = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


def title_key(text: str) -> str:
    """The form titles are compared in: lower case, single spaces, straight apostrophes and
    no leading "the"."""
    text = _SPACES.sub(" ", text.replace("’", "'").replace("‘", "'")).strip().lower()
    return _LEADING_THE.sub("", text)


def title_variants(text: str) -> list[str]:
    return [title_key(text)]


def _overlapping(qs: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    """Positions whose tenure may overlap [first, last] (a blank start or end is open)."""
    return qs.filter(Q(span_start__isnull=True) | Q(span_start__lte=last)).filter(
        Q(span_end__isnull=True) | Q(span_end__gte=first)
    )


def holders(title: str, first: dt.date, last: dt.date | None = None) -> list[Actor]:
    """The actors who held the title ``title`` on ``first`` (or at some time in [first, last]),
    by name; empty when the title is unknown or nobody is recorded for that time."""
    posts = Post.objects.named(title).values("pk")
    positions = _overlapping(Position.objects.filter(post__in=posts), first, last or first)
    return list(Actor.objects.filter(pk__in=positions.values("holder_id")).order_by("name"))


def positions_held(actor: Actor) -> list[Position]:
    """``actor``'s positions, earliest first (one query)."""
    return list(
        Position.objects.filter(holder=actor)
        .select_related("post__organization")
        .order_by("span_start", "post__title")
    )


# A title is no actor ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EventDate:
    """The date of the event a name is written for: the days it may cover, and as written."""

    first: dt.date
    last: dt.date
    shown: str

    @property
    def at(self) -> str:
        """The date after its preposition: "on 22 June 2021", "in June 2025"."""
        return f"{'on' if self.first == self.last else 'in'} {self.shown}"


def event_date(
    start: dt.date | None, end: dt.date | None, precision: str | None
) -> EventDate | None:
    """The event's date as ``TitleClash.message`` reads it; None when it is undated."""
    if start is None:
        return None
    precision = precision or Precision.DAY
    first, last = interval(start, end, precision)
    return EventDate(first, last, format_date(start, end, precision))


def _years(position: Position) -> str:
    """A tenure in years, as short as a message wants it: “2012–2024”, “since 2024”."""
    first = position.start.year if position.start else None
    last = position.end.year if position.end else None
    if first is not None and last is not None:
        return str(first) if first == last else f"{first}–{last}"
    if first is not None:
        return f"since {first}"
    if last is not None:
        return f"until {last}"
    return "dates not recorded"


def _listed(tenures: Iterable[Position]) -> str:
    """“Sergei Shoigu (2012–2024) or Andrei Belousov (since 2024)”."""
    names = [f"{p.holder.name} ({_years(p)})" for p in tenures]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


@dataclass(frozen=True)
class TitleClash:
    """A name given to a new actor (or alias) that is a title: ``spelling`` as written, the
    ``post`` it names and the post's ``tenures`` (positions, holders loaded, earliest first)."""

    spelling: str
    post: Post
    tenures: tuple[Position, ...]

    def held_during(self, when: EventDate) -> list[Position]:
        return [
            p
            for p in self.tenures
            if (p.span_start is None or p.span_start <= when.last)
            and (p.span_end is None or p.span_end >= when.first)
        ]

    def message(self, when: EventDate | None = None, *, alias: bool = False) -> str:
        """Why the name is refused and what to write instead: the holders at the event's
        date (``when``) when it is known, else every holder with the years they held it."""
        head = f"“{self.spelling}” is a title (the post {self.post.title}), not an actor"
        if alias:
            held = f": {_listed(self.tenures)}" if self.tenures else ""
            return (
                f"{head}'s alias: leave it out (the title already finds the events of whoever "
                f"held it{held})."
            )
        if not self.tenures:
            return (
                f"{head}: name the person who held it, and record the position on their actor "
                "page (no holder of it is recorded yet)."
            )
        if when is None:
            return (
                f"{head}: name the person who held it then (the event has no date yet): "
                f"{_listed(self.tenures)}."
            )
        if then := self.held_during(when):
            return f"{head}: name the person who held it {when.at}: {_listed(then)}."
        return (
            f"{head}: name the person who held it {when.at} (no holder is recorded for "
            f"then; its holders: {_listed(self.tenures)}), and record their position on their "
            "actor page."
        )


def title_keys(spellings: Iterable[str] | None = None) -> dict[str, int]:
    """The compared form (``title_key``) of every post title and title alias, or of those among
    ``spellings``, to the post's id (one query)."""
    posts = Post.objects.order_by()
    aliases = PostAlias.objects.order_by()
    if spellings is not None:
        keys = sorted({title_key(s) for s in spellings if s and s.strip()})
        if not keys:
            return {}
        posts, aliases = posts.filter(title_key__in=keys), aliases.filter(key__in=keys)
    return dict(posts.values_list("title_key", "pk").union(aliases.values_list("key", "post_id")))


def clash_with(spelling: str, post_id: int) -> TitleClash:
    """The clash of ``spelling`` with the post ``post_id`` (two queries)."""
    post = Post.objects.get(pk=post_id)
    tenures = Position.objects.filter(post=post).select_related("holder")
    return TitleClash(
        spelling.strip(),
        post,
        tuple(tenures.order_by(F("span_start").asc(nulls_first=True), "pk")),
    )


def title_clash(spellings: Iterable[str]) -> TitleClash | None:
    """The first of ``spellings`` (a new actor's name and slug, or its aliases) that is a
    post's title or alias, compared as the actor filter compares them (``title_key``: case,
    spaces, a leading "the", the apostrophe's shape), also in its words alone
    (``post_in``); None when none is (one query)."""
    spellings = [s for s in spellings if s and s.strip()]
    found = title_keys([form for spelling in spellings for form in (spelling, _words(spelling))])
    for spelling in spellings:
        post_id = post_in(found, spelling)
        if post_id is not None:
            return clash_with(spelling, post_id)
    return None


def post_in(titles: Mapping[str, int], spelling: str) -> int | None:
    """The post of ``titles`` (``title_keys``) that ``spelling`` names: as written, or in its
    words alone ("Russian-Defense-Minister", "the_coup_leader" or "Coup Leader." is the title
    its words spell: a reviewer created those as actors); None when none."""
    for key in (title_key(spelling), title_key(_words(spelling))):
        if key in titles:
            return titles[key]
    return None


def _words(spelling: str) -> str:
    """The words of ``spelling`` without the marks between them ("coup-leader." -> "coup
    leader")."""
    return re.sub(r"[-_]+", " ", slugify(spelling)).strip()


def refuse_title_as_actor(
    name: str, slug: str = "", aliases: Iterable[str] = (), when: EventDate | None = None
) -> None:
    """Raise a ``ValidationError`` (on ``name`` or ``aliases``) when a new actor's name, slug
    or one of its aliases is a title; its message names the post and its holders."""
    clash = title_clash([name, slug])
    if clash is not None:
        raise ValidationError({"name": clash.message(when)})
    clash = title_clash(aliases)
    if clash is not None:
        raise ValidationError({"aliases": clash.message(alias=True)})


# Without the database: the extractor's view ------------------------------------------------


@dataclass(frozen=True)
class Tenure:
    holder_id: int
    holder_name: str
    first: dt.date | None
    last: dt.date | None

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        return (self.first is None or self.first <= last) and (
            self.last is None or self.last >= first
        )


@dataclass(frozen=True)
class TitleMention:
    title: str
    text: str
    start: int
    end: int
    holder_id: int
    holder_name: str


class TitleBook:
    """Every title spelling with the tenures of its post, matched in text as whole words."""

    def __init__(self, spellings: Iterable[tuple[str, str]], tenures: dict[str, list[Tenure]]):
        # spellings: (spelling, post title); tenures: post title -> tenures.
        self.tenures = tenures
        self.by_key: dict[str, str] = {}
        for spelling, post in spellings:
            self.by_key[title_key(spelling)] = post
        keys = sorted(self.by_key, key=len, reverse=True)
        self.fingerprint = hashlib.sha256(
            "\n".join(
                [f"{k}\t{v}" for k, v in sorted(self.by_key.items())]
                + [f"{post}\t{t}" for post in sorted(tenures) for t in tenures[post]]
            ).encode()
        ).hexdigest()[:16]
        self.pattern = (
            re.compile(
                r"(?<![\w])(?:" + "|".join(_spelling_pattern(k) for k in keys) + r")(?![\w])",
                re.IGNORECASE,
            )
            if keys
            else None
        )

    def mentions(
        self, text: str, first: dt.date, last: dt.date | None = None
    ) -> list[TitleMention]:
        """Title mentions in ``text`` resolved to the holders at [first, last]; a title held by
        nobody recorded then is no mention."""
        if self.pattern is None:
            return []
        found: list[TitleMention] = []
        for match in self.pattern.finditer(text):
            post = self.by_key.get(title_key(match.group(0)))
            if post is None:
                continue
            found.extend(
                TitleMention(
                    post,
                    match.group(0),
                    match.start(),
                    match.end(),
                    tenure.holder_id,
                    tenure.holder_name,
                )
                for tenure in self.tenures.get(post, [])
                if tenure.overlaps(first, last or first)
            )
        return found


def _spelling_pattern(key: str) -> str:
    parts = [re.escape(word).replace("'", "['’]") for word in key.split(" ")]
    return r"\s+".join(parts)


def title_book_from_data(data: dict, actor_ids: dict[str, int]) -> TitleBook:
    """The title book of data in the fixture format (fixtures/positions.json), without the
    database; ``actor_ids`` maps holder names to the ids their mentions should carry."""
    spellings: list[tuple[str, str]] = []
    tenures: dict[str, list[Tenure]] = {}
    for post in data.get("posts", []):
        spellings.append((post["title"], post["title"]))
        spellings += [(alias, post["title"]) for alias in post.get("aliases", [])]
    for raw in data.get("positions", []):
        first = _bound(raw.get("start"), "start")
        last = _bound(raw.get("end"), "end")
        tenures.setdefault(raw["post"], []).append(
            Tenure(
                actor_ids[raw["holder"]],
                raw["holder"],
                interval(first[0], None, first[1])[0] if first[0] else None,
                interval(last[0], None, last[1])[1] if last[0] else None,
            )
        )
    return TitleBook(spellings, tenures)


def load_title_book() -> TitleBook:
    """The spellings and tenures of every post someone held (two queries)."""
    tenures: dict[str, list[Tenure]] = {}
    rows = Position.objects.values_list(
        "post__title", "holder_id", "holder__name", "span_start", "span_end"
    ).order_by("post__title", "span_start", "pk")
    for post, holder_id, holder_name, first, last in rows:
        tenures.setdefault(post, []).append(Tenure(holder_id, holder_name, first, last))
    spellings = [(title, title) for title in tenures]
    spellings += [
        (name, post)
        for post, name in PostAlias.objects.values_list("post__title", "name")
        if post in tenures
    ]
    return TitleBook(spellings, tenures)


# The curated positions (fixtures/positions.json) ---------------------------------------------


class PositionLoadError(ValueError):
    """Data that cannot be loaded; the message names the item and the problem."""


def _actor(name: str | None, where: str) -> Actor | None:
    if not name:
        return None
    actor = Actor.objects.named(name).first()
    if actor is None:
        raise PositionLoadError(f"{where}: no actor is named or aliased “{name}”.")
    return actor


def _bound(raw: dict | None, where: str) -> tuple[dt.date | None, str]:
    if not raw:
        return None, Precision.DAY
    try:
        day = dt.date.fromisoformat(raw.get("date", ""))
    except (TypeError, ValueError):
        raise PositionLoadError(f"{where}.date: write the date YYYY-MM-DD.") from None
    precision = raw.get("precision", Precision.DAY)
    if precision not in Precision.values:
        raise PositionLoadError(f"{where}.precision: one of {', '.join(Precision.values)}.")
    return day, precision


@transaction.atomic
def load_positions(data: dict) -> dict[str, int]:
    """Load posts (with aliases) and positions; idempotent: loading twice changes nothing.

    Posts are identified by title, positions by holder, post and start; aliases listed
    replace the post's aliases.
    """
    if not isinstance(data, dict):
        raise PositionLoadError("The file must hold one JSON object with posts and positions.")
    stats = {"posts": 0, "positions": 0}
    posts: dict[str, Post] = {}
    for i, raw in enumerate(data.get("posts", [])):
        where = f"posts[{i}]"
        title = (raw.get("title") or "").strip()
        if not title:
            raise PositionLoadError(f"{where}: a post needs a title.")
        for at, text in [(f"{where}.title", title)] + [
            (f"{where}.aliases[{k}]", alias) for k, alias in enumerate(raw.get("aliases", []))
        ]:
            if problem := direction_control_message(text):
                raise PositionLoadError(f"{at}: {problem}")
        kind = raw.get("kind", PostKind.OFFICE)
        if kind not in PostKind.values:
            raise PositionLoadError(f"{where}.kind: one of {', '.join(PostKind.values)}.")
        values = {
            "title": title,
            "kind": kind,
            "organization": _actor(raw.get("organization"), f"{where}.organization"),
            "description": raw.get("description", ""),
        }
        post = Post.objects.filter(title_key=title_key(title)).first() or Post()
        if post.pk is None or any(getattr(post, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(post, name, value)
            post.save()
            stats["posts"] += 1
        wanted = {title_key(a): a.strip() for a in raw.get("aliases", []) if a.strip()}
        have = {alias.key: alias for alias in post.aliases.all()}
        for key in set(wanted) - set(have):
            clash = (
                PostAlias.objects.filter(key=key).exclude(post=post).first()
                or Post.objects.filter(title_key=key).exclude(pk=post.pk).first()
            )
            if clash is not None:
                raise PositionLoadError(f"{where}: alias “{wanted[key]}” already names {clash}.")
            PostAlias.objects.create(post=post, name=wanted[key])
        PostAlias.objects.filter(pk__in=[have[k].pk for k in set(have) - set(wanted)]).delete()
        posts[post.title_key] = post
    for i, raw in enumerate(data.get("positions", [])):
        where = f"positions[{i}]"
        holder = _actor(raw.get("holder"), f"{where}.holder")
        if holder is None:
            raise PositionLoadError(f"{where}: a position needs a holder.")
        held = (
            posts.get(title_key(raw.get("post") or ""))
            or Post.objects.named(raw.get("post") or "").first()
        )
        if held is None:
            raise PositionLoadError(f"{where}.post: no post is titled “{raw.get('post')}”.")
        start, start_precision = _bound(raw.get("start"), f"{where}.start")
        end, end_precision = _bound(raw.get("end"), f"{where}.end")
        if start and end and end < start:
            raise PositionLoadError(f"{where}: the end is before the start.")
        values = {
            "start_precision": start_precision,
            "end": end,
            "end_precision": end_precision,
            "note": raw.get("note", ""),
        }
        position = Position.objects.filter(holder=holder, post=held, start=start).first()
        if position is None:
            Position.objects.create(holder=holder, post=held, start=start, **values)
            stats["positions"] += 1
        elif any(getattr(position, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(position, name, value)
            position.save()
            stats["positions"] += 1
    return stats


def _surely_held(
    start: dt.date | None, start_precision: str, end: dt.date | None, end_precision: str
) -> tuple[dt.date, dt.date] | None:
    """The days a tenure was surely held: from the last day its start may be to the first
    day its end may be (a blank end is "still held"); None when its start is not known or
    no day is sure ("2024" to "2024")."""
    if start is None:
        return None
    first = interval(start, None, start_precision)[1]
    last = interval(end, None, end_precision)[0] if end is not None else dt.date.max
    return (first, last) if first <= last else None


def office_clash(
    holder: Actor,
    title: str,
    start: dt.date | None,
    start_precision: str,
    end: dt.date | None,
    end_precision: str,
) -> str | None:
    """Why ``holder`` cannot be recorded in the office ``title`` for these dates, or None.

    An office (``PostKind.OFFICE``: a minister, a commander-in-chief) has one holder at a
    time: a tenure that surely overlaps another holder's (on a day both surely held it) is
    refused, or titles would resolve to two people ("held it on June 2025: Andrei Belousov or
    Vladimir Putin"). Handovers within one period of the precision given ("2012-2024",
    "since 2024") are not sure to overlap and are accepted. Ranks and roles may be shared.
    """
    mine = _surely_held(start, start_precision, end, end_precision)
    post = Post.objects.named(title).first()
    if mine is None or post is None or post.kind != PostKind.OFFICE:
        return None
    others = (
        Position.objects.filter(post=post)
        .exclude(holder=holder)
        .select_related("holder")
        .order_by("span_start", "pk")
    )
    for other in others:
        theirs = _surely_held(other.start, other.start_precision, other.end, other.end_precision)
        if theirs is not None and max(mine[0], theirs[0]) <= min(mine[1], theirs[1]):
            return (
                f"“{post.title}” is an office held by one person at a time, and "
                f"{other.holder} held it then ({_years(other)}). Record when their "
                "tenure ended first, or check these dates."
            )
    return None


def add_position(
    holder: Actor,
    title: str,
    start: dt.date | None,
    start_precision: str,
    end: dt.date | None,
    end_precision: str,
    note: str = "",
) -> Position:
    """Record that ``holder`` held ``title`` (a post's title or alias; a new title makes a
    new post) from ``start`` to ``end``."""
    with transaction.atomic():
        post = Post.objects.named(title).first()
        if post is None:
            post = Post.objects.create(title=title.strip())
        return Position.objects.create(
            holder=holder,
            post=post,
            start=start,
            start_precision=start_precision,
            end=end,
            end_precision=end_precision,
            note=note,
        )
