"""Dates as the sources write them: precision, intervals and parsing.

An event's date is a start (and optional end) at a precision of day, month or
year. It occupies the interval from the first day of its start to the last day
of its end, both widened to the precision: "June 2021" covers June 1-30,
"2016" the whole year, "1999-2018" from 1 January 1999 to 31 December 2018.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

import dateparser
from django.core.exceptions import ValidationError
from django.db import models

from lib.limits import LIMIT_WORDS, limit_side


class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"


def stated_precision(start: dt.date | None, precision: str) -> str | None:
    """A date's precision as the API and the exports state it: None for an undated event,
    whose stored precision is only the field's default ("day") and says nothing."""
    return None if start is None else precision


# Sort rank: at the same start, day before month before year.
PRECISION_RANK = {Precision.DAY: 0, Precision.MONTH: 1, Precision.YEAR: 2}


def truncate(day: dt.date, precision: str) -> dt.date:
    """The first day of the period that contains ``day``."""
    if precision == Precision.YEAR:
        return day.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return day.replace(day=1)
    return day


def period_end(day: dt.date, precision: str) -> dt.date:
    """The last day of the period that contains ``day``."""
    if precision == Precision.YEAR:
        return day.replace(month=12, day=31)
    if precision == Precision.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def interval(start: dt.date, end: dt.date | None, precision: str) -> tuple[dt.date, dt.date]:
    """The closed interval of days a dated event occupies."""
    return truncate(start, precision), period_end(end or start, precision)


@dataclass(frozen=True)
class ParsedDate:
    start: dt.date
    end: dt.date | None
    precision: str
    approximate: bool = False

    def describe(self) -> str:
        return format_date(self.start, self.end, self.precision, self.approximate)


class DateTextError(ValueError):
    """Raised when a date expression cannot be read."""


class CountedFromReferenceError(DateTextError):
    """Raised when a date expression is counted from a reference that is not known finely
    enough ("last week", "on Monday" against a source with no date)."""


_COARSER: dict[str, int] = {Precision.DAY: 0, Precision.MONTH: 1, Precision.YEAR: 2}


@dataclass(frozen=True)
class Reference:
    """A text's own date as far as it is known: what "on Monday", "yesterday" or "last month"
    are counted from, and where a day written without a year takes its year.

    ``day``: the date (the first day of its period); ``precision``: how much of it is known
    (an article dated "December 2025" is known to the month); ``on_or_after``: the text was
    written on or after it, and how long after is not known; ``known``: False for a text
    with no date at all, whose ``day`` (today) only lends bare dates a year; ``source``: the
    source's id, when it is a source's date.

    A relative expression is read only when the reference is known at least as finely as
    the expression counts: "on Monday" needs the day, "last month" the month, "last year"
    the year. Otherwise it is refused, saying why: counting from the first day of the
    month would invent a day the text does not give.
    """

    day: dt.date
    precision: str = Precision.DAY
    on_or_after: bool = False
    known: bool = True
    # False when no source is cited at all (an event without citations): nothing is known,
    # and the refusals say so rather than blame a source's date.
    cited: bool = True
    # The source whose date it is, when one is: a form sends the reference back by it.
    source: int | None = field(default=None, compare=False)

    @classmethod
    def uncited(cls) -> Reference:
        """What dates are read against when nothing is cited: nothing known ("on Monday" is
        refused); a day written without a year takes today's."""
        return cls(dt.date.today(), known=False, cited=False)

    @property
    def key(self) -> str:
        """All it says, for a cache key: "2025-12-01:month", "2021-06-24:day:on-or-after"."""
        marks = (
            (":on-or-after" if self.on_or_after else "")
            + ("" if self.known else ":unknown")
            + ("" if self.cited else ":uncited")
        )
        return f"{self.day.isoformat()}:{self.precision}{marks}"

    @property
    def latest(self) -> dt.date:
        """The last day the text can have been written on, as far as the date says."""
        return period_end(self.day, self.precision)

    def precedes(self, parsed: ParsedDate) -> bool:
        """Whether all of ``parsed`` comes after the last day the text can have been written:
        told as a plan or a forecast (a date known only as a lower bound precedes nothing)."""
        return (
            not self.on_or_after
            and interval(parsed.start, parsed.end, parsed.precision)[0] > self.latest
        )

    def counts(self, unit: str) -> bool:
        """Whether an expression counted in ``unit`` (a Precision) can be read from it."""
        return self.known and not self.on_or_after and _COARSER[self.precision] <= _COARSER[unit]

    def describe(self) -> str:
        """As a reader is told what bare dates are read against: "24 June 2021", "December
        2025 (known to the month)", "24 June 2021 (written on or after it)"."""
        when = format_date(self.day, None, self.precision)
        if not self.cited:
            return f"{when} (today: no source is cited yet)"
        if not self.known:
            return f"{when} (today: the source has no date)"
        if self.on_or_after:
            return f"{when} (written on or after it)"
        if self.precision != Precision.DAY:
            return f"{when} (known to the {self.precision})"
        return when

    def refusal(self, text: str, unit: str) -> DateTextError:
        if not self.cited:
            return CountedFromReferenceError(
                f'"{text.strip()}" is counted from the source\'s own date, and no source is '
                f"cited yet: which {unit} it means cannot be told. Cite the source in the same "
                "request, or write the date itself."
            )
        if not self.known:
            why = "the source has no date"
        elif self.on_or_after:
            when = format_date(self.day, None, self.precision)
            why = f"the source's date is only a lower bound (written on or after {when})"
        else:
            when = format_date(self.day, None, self.precision)
            why = f"the source's date is known only to the {self.precision} ({when})"
        return CountedFromReferenceError(
            f'"{text.strip()}" is counted from the source\'s own date, and {why}: which {unit} '
            "it means cannot be told. Write the date itself, or give the source its full date."
        )


def as_reference(reference: dt.date | Reference) -> Reference:
    """A plain date is a reference known to the day."""
    return reference if isinstance(reference, Reference) else Reference(reference)


def format_date(
    start: dt.date | None, end: dt.date | None, precision: str, approximate: bool = False
) -> str:
    """Human form, as precise as known and no more: "22–24 June 2021", "May 2020"."""
    if start is None:
        return "undated"
    prefix = "c. " if approximate else ""

    def one(day: dt.date) -> str:
        if precision == Precision.YEAR:
            return str(day.year)
        if precision == Precision.MONTH:
            return f"{day:%B} {day.year}"
        return f"{day.day} {day:%B} {day.year}"

    if end is None or one(end) == one(start):
        return prefix + one(start)
    if precision == Precision.DAY and (start.year, start.month) == (end.year, end.month):
        return f"{prefix}{start.day}–{end.day} {end:%B} {end.year}"
    if precision == Precision.DAY and start.year == end.year:
        return f"{prefix}{start.day} {start:%B} – {end.day} {end:%B} {end.year}"
    if precision == Precision.MONTH and start.year == end.year:
        return f"{prefix}{start:%B}–{end:%B} {end.year}"
    return f"{prefix}{one(start)}–{one(end)}"


MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FIRST_YEAR, LAST_YEAR = 1, 9998

HOW_TO_WRITE = (
    'Write it like "22 June 2021", "June 22-24, 2021", "March 26 to April 2, 2021", '
    '"May 2020", "June-July 2021", "Q3 2021", "spring 2021", "mid-2021", "2016", '
    '"between 1999 and 2018", "the 1950s", or a day named against the source\'s date '
    '("on Monday", "yesterday").'
)


class Tense(models.TextChoices):
    """The direction a bare weekday is read in: the clause's tense."""

    PAST = "past", "past"
    FUTURE = "future", "future"
    # A present progressive ("talks are being held on Thursday", "is holding talks on
    # Friday"): under way or arranged, not over: the source's day or the next such one.
    PRESENT = "present", "present"


# --- The grammar of one point in time ---------------------------------------------------------
# Each form is matched against the whole (normalised, lower-case) text: an expression is read
# in full or not at all, never in part.

_M = r"(?P<month>" + MONTHS.lower() + r")\.?"
_M2 = r"(?P<month2>" + MONTHS.lower() + r")\.?"
_D = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_D2 = r"(?P<day2>\d{1,2})(?:st|nd|rd|th)?"
_Y = r"(?P<year>\d{4})"
_WD = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"
# A weekday after the date: "5 December 2023 (Tuesday)", "June 22, 2021, Tuesday".
_WD_AFTER = r"(?:\s*[(,]\s*(?P<weekday_after>" + "|".join(WEEKDAYS) + r"))?"
_SEP = r"\s*(?:-|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b)\s*"
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4}
# A season's first month (northern, as the sources write them); a season is three months.
SEASON_FIRST_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9}
# early / mid / late part of a year: (first month, last month), as DEVSET.md agrees.
_PART_OF_YEAR = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}

_POINT_FORMS = [
    ("iso_day", rf"{_Y}-(?P<mnum>\d{{1,2}})-(?P<day>\d{{1,2}})"),
    ("day", rf"(?:{_WD},?\s+)?(?:the\s+)?{_D}(?:\s+of)?\s+{_M}(?:,?\s+{_Y})?{_WD_AFTER}"),
    ("day", rf"(?:{_WD},?\s+)?{_M}\s+{_D}(?:,?\s+{_Y})?{_WD_AFTER}"),
    ("month", rf"{_M}(?:,?\s+(?:of\s+)?{_Y})?"),
    ("year", _Y),
    ("quarter", rf"(?:q(?P<q>[1-4])|(?P<q2>[1-4])q)(?:,?\s+(?:of\s+)?{_Y})?"),
    (
        "quarter",
        rf"(?:the\s+)?(?P<qword>first|second|third|fourth|final)\s+quarter(?:,?\s+(?:of\s+)?{_Y})?",
    ),
    ("half", rf"(?:h(?P<h>[12])|(?P<h2>[12])h)(?:,?\s+(?:of\s+)?{_Y})?"),
    ("half", rf"(?:the\s+)?(?P<hword>first|second)\s+half(?:,?\s+(?:of\s+)?{_Y})?"),
    ("season", rf"(?:the\s+)?(?P<season>spring|summer|autumn|fall)(?:,?\s+(?:of\s+)?{_Y})?"),
    ("winter", rf"(?:the\s+)?winter(?:\s+of)?\s+{_Y}\s*[-/]\s*(?P<year2>\d{{2}}|\d{{4}})"),
    ("decade", r"(?:the\s+)?(?P<decade>\d{3}0)s"),
    # early/mid/late + year: a third of the year, approximate (DEVSET.md).
    ("part_year", rf"(?P<part>early|mid|late)[\s-]*{_Y}"),
    # Days against the reference date.
    (
        "weekday",
        rf"(?:(?:late|early)\s+(?:on\s+)?)?(?P<which>last|next|this|past|coming)?\s*{_WD}"
        r"(?:\s+(?:morning|afternoon|evening|night))?",
    ),
    # A day of a named week: "Tuesday next week", "next week on Tuesday", "Monday last week".
    (
        "week_day",
        rf"(?:{_WD}\s+(?:of\s+)?(?P<which>next|last|this)\s+week"
        rf"|(?P<which2>next|last|this)\s+week\s+(?:on\s+)?(?P<weekday2>{'|'.join(WEEKDAYS)}))",
    ),
    # "over the weekend", "last weekend": Saturday and Sunday, named against the reference.
    ("weekend", r"(?:the\s+)?(?P<which>this|last|next|past)?\s*weekend"),
    ("deictic_day", r"(?P<word>yesterday|today|tomorrow)"),
    # "the day before yesterday", "the day after tomorrow": two days off.
    ("deictic_day", r"(?:the\s+)?day\s+(?P<word>before\s+yesterday|after\s+tomorrow)"),
    # "the 15th", month not named: a day of the source's month (``_month_day``).
    ("month_day", r"(?:the\s+)?(?P<ordday>\d{1,2})(?:st|nd|rd|th)"),
    (
        "deictic_period",
        r"(?:(?:earlier|later)\s+)?(?P<which>last|this|next|past)\s+(?P<unit>week|month|year)",
    ),
    # "the month before last", "the year before last": two back ("the week before last" is
    # refused as "last week" is).
    (
        "deictic_period",
        r"(?:the\s+)?(?P<unit>week|month|year)\s+before\s+(?P<which>last)(?P<twice>)",
    ),
    ("named_month", rf"(?P<which>last|this|next)\s+{_M}"),
    # "last summer", "this past autumn", "next spring": a season named against the reference.
    (
        "named_season",
        r"(?P<which>last|this\s+past|this|next)\s+(?P<season>spring|summer|autumn|fall)",
    ),
    (
        "ago",
        r"(?P<count>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
        r"(?P<unit>day|week|month|year)s?\s+ago",
    ),
]
_POINTS = [(kind, re.compile(rx + r"$")) for kind, rx in _POINT_FORMS]
_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip

_LEAD = re.compile(r"^(?:(?:on|in|during|at|from|sometime\s+in|some\s+time\s+in)\s+)+")
# A bound, not a date: "by March 2021" says no later than March, "after 2019" no earlier
# (the limit words are the suggestions' too: ``lib.limits``).
_BOUND = re.compile(rf"^(?P<bound>{LIMIT_WORDS})\s+")
_QUALIFIER = re.compile(
    r"^(?P<qual>early|mid|late|the\s+(?:beginning|start|middle|end)\s+of|"
    r"(?:beginning|start|middle|end)\s+of)[\s-]+(?!on\b)"
)
_QUAL_PART = {"beginning": "early", "start": "early", "middle": "mid", "end": "late"}
_APPROX_WORDS = re.compile(r"^(?:around|about|circa|c\.|approximately|roughly)\s+")
_RANGE_OPEN = re.compile(r"^(?:from|between)\s+")
_YEAR_RANGE = re.compile(
    r"^(?P<a>\d{4})\s*(?:-|\bto\b|\buntil\b|\btill\b|\band\b|/)\s*(?P<b>\d{1,4})$"
)
_DAY_RANGE = re.compile(rf"^(?:{_WD},?\s+)?{_M}\s+{_D}{_SEP}{_D2}(?:,?\s+{_Y})?$")
_DAY_RANGE_DMY = re.compile(
    rf"^(?:the\s+)?{_D}{_SEP}(?:the\s+)?{_D2}\s+(?:of\s+)?{_M}(?:,?\s+{_Y})?$"
)
# "between June 1 and 4", "between 1 and 4 June": a day range whose ends "and" joins.
_BETWEEN_DAYS = re.compile(r"^between\s+(?P<a>.+?)\s+and\s+(?P<b>.+)$")
# A day or month of a year named against the reference: "January this year", "in September
# last year", "Dec. 21 last year", "March of next year".
_OF_NAMED_YEAR = re.compile(r"^(?P<body>.+?),?\s+(?:of\s+)?(?P<which>last|this|next)\s+year$")
_SLASHED = re.compile(r"^\d{1,4}\s*/\s*\d{1,4}(?:\s*/\s*\d{1,4})?$")
# "5-12-2023", "05.12.2023", "22/06/2021": the day or the month first?
_NUMERIC_DATE = re.compile(r"^\d{1,2}\s*([-./])\s*\d{1,2}\s*\1\s*\d{4}$")
_NUMBER = re.compile(r"\d+")
_DAY_OF_NAMED_MONTH = re.compile(
    r"^(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)\s+of\s+(?P<which>this|last|next)\s+month$"
)
_TWO_DAYS = re.compile(
    r"^(?:the\s+)?(?P<a>\d{1,2})(?:st|nd|rd|th)?\s+and\s+(?:the\s+)?(?P<b>\d{1,2})"
    rf"(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<rest>{MONTHS.lower()}\.?(?:,?\s+\d{{4}})?)$"
)
# What a year named against the reference can be a part of: a month or day ("January this
# year"), a quarter, a half or a season ("the second half of last year", "the spring of last
# year", "Q1 this year"), its first or last months ("the first nine months of this year").
_PART_OF_NAMED_YEAR = re.compile(
    rf"\b(?:{MONTHS.lower()}|q[1-4]|h[12]|quarter|half|spring|summer|autumn|fall|months)\b"
)
# "the first nine months of 2024", "the last three months of 2023": months counted from the
# start or back from the end of the year.
_MONTHS_OF_YEAR = re.compile(
    r"^(?:the\s+)?(?P<end>first|last|final)\s+(?P<count>\d{1,2}|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven)\s+months(?:\s+of\s+(?P<year>\d{4}))?$"
)
_YEAR_ENDING = re.compile(
    r"^(?:the\s+)?(?:(?:fiscal|financial|budget)\s+year|year|12\s+months|twelve\s+months)\s+"
    r"(?:ending|ended|to|through)\s+(?:in\s+)?(?P<month>.+)$"
)
_FISCAL_YEARS = re.compile(
    r"^(?:fy\s*|fiscal\s+(?:year\s+)?)(?P<a>\d{4})\s*[-/]\s*(?P<b>\d{4}|\d{2})$"
)
_YEARS_TO = re.compile(
    r"^(?:the\s+)?(?P<count>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\s+years\s+"
    r"(?:to|through|until|ending\s+in)\s+(?P<year>\d{4})$"
)


@dataclass(frozen=True)
class _Point:
    """One side of an expression: its first period, its last period and whether the text
    gave a year (a range's first side may borrow the second's)."""

    start: dt.date
    last: dt.date
    precision: str
    approximate: bool = False
    has_year: bool = True


def _month_number(name: str) -> int:
    return dt.datetime.strptime(name[:3].title(), "%b").month


def year_outside(day: dt.date) -> str:
    """Why ``day`` cannot be stored, when its year is outside the years kept (a period that
    ends after 9998 has no end the calendar can hold); else ""."""
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return ""
    return (
        f"{day.isoformat()}: years run from {FIRST_YEAR} to {LAST_YEAR}; {day.year:04d} is not one."
    )


def validate_year(day: dt.date) -> None:
    """A model field's validator: the one rule of every writer (form, API, loaders)."""
    if message := year_outside(day):
        raise ValidationError(message, code="year")


def _check_year(year: int, text: str) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateTextError(
            f'"{text}": years run from {FIRST_YEAR} to {LAST_YEAR}; {year:04d} is not one. '
            'Write a year like "2021".'
        )
    return year


def _real_date(year: int, month: int, day: int, text: str) -> dt.date:
    if not 1 <= month <= 12:
        raise DateTextError(
            f'"{text}" is not a real date: there is no month {month}. '
            'Write the month in words, like "June 2021".'
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        days = calendar.monthrange(year, month)[1]
        name = calendar.month_name[month]
        raise DateTextError(
            f'"{text}" is not a real date: {name} {year} has {days} days.'
        ) from None


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _weekday(name: str, reference: dt.date, tense: str, which: str | None) -> dt.date:
    """A named weekday against the reference date, in the clause's direction.

    Past (the default): the most recent such day on or before the reference ("on Monday" in
    a report dated Monday is that day); "last Friday": strictly before. Future ("will",
    "opens", "next"): strictly after the reference.
    """
    target = WEEKDAYS.index(name)
    back = (reference.weekday() - target) % 7
    ahead = (target - reference.weekday()) % 7 or 7
    if which in {"next", "coming"} or (which in {None, "this"} and tense == Tense.FUTURE):
        return reference + dt.timedelta(days=ahead)
    if which in {"last", "past"}:
        return reference - dt.timedelta(days=back or 7)
    if which in {None, "this"} and tense == Tense.PRESENT:
        return reference + dt.timedelta(days=(target - reference.weekday()) % 7)
    return reference - dt.timedelta(days=back)


def _refuse_next_in_this_week(name: str, which: str | None, reference: dt.date, text: str) -> None:
    """ "next Wednesday" written on a Tuesday: tomorrow, or the Wednesday of next week? Readers
    take it both ways, so it is refused. Not when the day is not later this week ("next
    Monday" on a Thursday, "next Thursday" on a Thursday: next week's)."""
    if which != "next" or WEEKDAYS.index(name) <= reference.weekday():
        return
    soon = reference + dt.timedelta(days=WEEKDAYS.index(name) - reference.weekday())
    later = soon + dt.timedelta(days=7)
    raise DateTextError(
        f'"{text.strip()}", written on {reference:%A} {format_date(reference, None, "day")}: '
        f"this week's ({format_date(soon, None, 'day')}) or next week's "
        f"({format_date(later, None, 'day')})? Readers take it both ways; write the date."
    )


def _weekend(which: str | None, reference: dt.date, tense: str, text: str) -> dt.date:
    """The Saturday of the weekend named: "over the weekend" in a past clause is the latest
    one begun by the reference date (that of the week before, on a weekday), in a future one
    the next to begin; "last weekend" the previous week's; "next weekend" is refused (the
    coming one, or the one after?)."""
    monday = reference - dt.timedelta(days=reference.weekday())
    if which == "next":
        raise DateTextError(
            f'"{text.strip()}": the coming weekend or the one after it? Readers take it both '
            "ways; write the days."
        )
    if which in {"last", "past"}:
        return monday - dt.timedelta(days=2)
    if tense == Tense.FUTURE:
        return reference + dt.timedelta(days=(5 - reference.weekday()) % 7)
    if reference.weekday() >= 5:
        return monday + dt.timedelta(days=5)
    return monday - dt.timedelta(days=2)


def _month_day(number: int, ref: Reference, tense: str, text: str) -> dt.date:
    """ "the 15th", its month not named: a day of the source's month. Against a date known to
    the day, a past clause means the latest such day on or before it (this month's 15th, or
    last month's when the source is dated the 10th), a future clause the next one after it;
    against a date known only to the month, that month's (as "December 15" in an article of
    December stays in its year). A month without that day (the 31st) is skipped."""
    if not 1 <= number <= 31:
        raise DateTextError(f'"{text.strip()}" is not a real date: no month has a day {number}.')
    reference = ref.day
    month = reference.replace(day=1)
    if ref.precision != Precision.DAY:
        return _real_date(month.year, month.month, number, text)
    if tense == Tense.PAST:
        step, start = -1, 0 if number <= reference.day else -1
    elif tense == Tense.PRESENT:  # under way or arranged: today's or the next
        step, start = 1, 0 if number >= reference.day else 1
    else:
        step, start = 1, 0 if number > reference.day else 1
    for months in range(start, start + 3 * step, step):
        first = _add_months(month, months)
        if number <= calendar.monthrange(first.year, first.month)[1]:
            return first.replace(day=number)
    raise DateTextError(f'"{text.strip()}" is not a real date.')  # pragma: no cover


def _point(
    core: str, text: str, ref: Reference, tense: str, bare_year: int | None = None
) -> _Point | None:
    """One point in time written in full as ``core`` (normalised), or None. A day or month
    written without a year takes ``bare_year`` (else the reference's). An expression counted
    from the reference ("on Monday", "last month") needs it known that finely."""
    reference = ref.day
    approximate = False
    if match := _APPROX_WORDS.match(core):
        approximate, core = True, core[match.end() :]
    if match := _QUALIFIER.match(core):
        qual = match["qual"].split()[-2] if " of" in match["qual"] else match["qual"]
        qual = _QUAL_PART.get(qual, qual)
        rest = core[match.end() :]
        inner = _point(rest, text, ref, tense, bare_year)
        if inner is None:
            return None
        if inner.precision == Precision.YEAR and inner.start == inner.last:
            first_month, last_month = _PART_OF_YEAR[qual]
            year = inner.start.year
            return _Point(
                dt.date(year, first_month, 1), dt.date(year, last_month, 1), Precision.MONTH, True,
                inner.has_year,
            )  # fmt: skip
        if inner.precision == Precision.MONTH and inner.start == inner.last:
            return _Point(inner.start, inner.last, Precision.MONTH, True, inner.has_year)
        return None  # "early June 22", "late Q3 2021": nothing the database can hold
    for kind, pattern in _POINTS:
        match = pattern.match(core)
        if match is None:
            continue
        groups = match.groupdict()
        has_year = bool(groups.get("year"))
        year = _check_year(int(groups["year"]), text) if has_year else bare_year or reference.year
        if kind == "iso_day":
            day = _real_date(year, int(groups["mnum"]), int(groups["day"]), text)
            return _Point(day, day, Precision.DAY, approximate)
        if kind == "day":
            month = _month_number(groups["month"])
            day = _real_date(year, month, int(groups["day"]), text)
            name = groups.get("weekday") or groups.get("weekday_after")
            if name and not has_year and day.weekday() != WEEKDAYS.index(name):
                # "Thursday, March 25" in a report of the next January: last year's.
                earlier = _real_date(year - 1, month, int(groups["day"]), text)
                if earlier.weekday() == WEEKDAYS.index(name):
                    day = earlier
            if name and day.weekday() != WEEKDAYS.index(name):
                # "Monday, 22 June 2021": one of the two is wrong, and which is not written.
                raise DateTextError(
                    f'"{text.strip()}": {day.day} {day:%B} {day.year} was a {day:%A}, not a '
                    f"{name.capitalize()}. Check the day and the weekday in the source, and "
                    "write the date without the weekday once you know which is right."
                )
            return _Point(day, day, Precision.DAY, approximate, has_year)
        if kind == "month":
            day = dt.date(year, _month_number(groups["month"]), 1)
            return _Point(day, day, Precision.MONTH, approximate, has_year)
        if kind == "year":
            day = dt.date(year, 1, 1)
            return _Point(day, day, Precision.YEAR, approximate)
        if kind == "quarter":
            number = int(groups.get("q") or groups.get("q2") or _ORDINALS[groups["qword"]])
            first = dt.date(year, 3 * number - 2, 1)
            return _Point(first, _add_months(first, 2), Precision.MONTH, approximate, has_year)
        if kind == "half":
            number = int(groups.get("h") or groups.get("h2") or _ORDINALS[groups["hword"]])
            first = dt.date(year, 6 * number - 5, 1)
            return _Point(first, _add_months(first, 5), Precision.MONTH, approximate, has_year)
        if kind == "season":
            first = dt.date(year, SEASON_FIRST_MONTH[groups["season"]], 1)
            return _Point(first, _add_months(first, 2), Precision.MONTH, True, has_year)
        if kind == "winter":
            second = groups["year2"]
            end_year = int(groups["year"][: 4 - len(second)] + second)
            if end_year != year + 1:
                return None
            _check_year(end_year, text)
            first = dt.date(year, 12, 1)
            return _Point(first, _add_months(first, 2), Precision.MONTH, True)
        if kind == "decade":
            decade = _check_year(int(groups["decade"]), text)
            end = dt.date(decade + 9, 1, 1)
            return _Point(dt.date(decade, 1, 1), end, Precision.YEAR, approximate)
        if kind == "part_year":
            first_month, last_month = _PART_OF_YEAR[groups["part"]]
            return _Point(
                dt.date(year, first_month, 1), dt.date(year, last_month, 1), Precision.MONTH, True
            )
        if kind in _COUNTED_IN and not ref.counts(_counted_in(kind, groups)):
            raise ref.refusal(text, _counted_in(kind, groups))
        if kind == "weekday":
            _refuse_next_in_this_week(groups["weekday"], groups.get("which"), reference, text)
            day = _weekday(groups["weekday"], reference, tense, groups.get("which"))
            return _Point(day, day, Precision.DAY, approximate)
        if kind == "week_day":
            which = groups.get("which") or groups["which2"]
            name = groups.get("weekday") or groups["weekday2"]
            monday = reference - dt.timedelta(days=reference.weekday())
            monday += dt.timedelta(days=7 * {"last": -1, "this": 0, "next": 1}[which])
            day = monday + dt.timedelta(days=WEEKDAYS.index(name))
            return _Point(day, day, Precision.DAY, approximate)
        if kind == "weekend":
            saturday = _weekend(groups.get("which"), reference, tense, text)
            return _Point(saturday, saturday + dt.timedelta(days=1), Precision.DAY, approximate)
        if kind == "month_day":
            day = _month_day(int(groups["ordday"]), ref, tense, text)
            return _Point(day, day, Precision.DAY, approximate)
        if kind == "deictic_day":
            word = " ".join(groups["word"].split())
            shift = {
                "yesterday": -1, "today": 0, "tomorrow": 1, "before yesterday": -2,
                "after tomorrow": 2,
            }[word]  # fmt: skip
            day = reference + dt.timedelta(days=shift)
            return _Point(day, day, Precision.DAY, approximate)
        if kind == "deictic_period":
            unit, which = groups["unit"], groups["which"]
            shift = {"last": -1, "past": -1, "this": 0, "next": 1}[which]
            if groups.get("twice") is not None:
                shift = -2  # "the month before last"
            if unit == "week":
                # Which week is known; which of its days, or whether all of them, is not.
                monday = reference - dt.timedelta(days=reference.weekday() - 7 * shift)
                sunday = monday + dt.timedelta(days=6)
                days = (
                    f' ("{sunday:%B} {monday.day}-{sunday.day}" when it lasted the week, as '
                    "they fall)"
                    if monday.month == sunday.month
                    else " when it lasted the week"
                )
                raise DateTextError(
                    f'"{text}" is the week of {format_date(monday, sunday, Precision.DAY)}, '
                    "and a week is no precision a date can have here: write the day the text "
                    f"means, or the days{days}."
                )
            if unit == "month":
                day = _add_months(reference.replace(day=1), shift)
                return _Point(day, day, Precision.MONTH, approximate)
            day = dt.date(_check_year(reference.year + shift, text), 1, 1)
            return _Point(day, day, Precision.YEAR, approximate)
        if kind == "named_month":
            month = _month_number(groups["month"])
            year = reference.year
            if groups["which"] == "last" and month >= reference.month:
                year -= 1
            elif groups["which"] == "next" and month <= reference.month:
                year += 1
            day = dt.date(_check_year(year, text), month, 1)
            return _Point(day, day, Precision.MONTH, approximate)
        if kind == "named_season":
            first = _named_season(SEASON_FIRST_MONTH[groups["season"]], groups["which"], reference)
            _check_year(first.year, text)
            return _Point(first, _add_months(first, 2), Precision.MONTH, True)
        if kind == "ago":
            return _ago(groups, reference, text)
    return None


# The kinds counted from the reference, and the precision each needs it known to.
_COUNTED_IN: dict[str, str | None] = {
    "weekday": Precision.DAY,
    "week_day": Precision.DAY,
    "deictic_day": Precision.DAY,
    "month_day": Precision.MONTH,
    "deictic_period": None,  # by its unit
    "named_month": Precision.MONTH,
    "named_season": Precision.MONTH,
    "weekend": Precision.DAY,
    "ago": None,
}


def _named_season(first_month: int, which: str, reference: dt.date) -> dt.date:
    """The first month of the season named against ``reference``: "this summer" is the
    reference year's; "last summer" and "this past summer" the latest one over before the
    reference's month (in July, last year's); "next summer" the first one that begins after
    it."""
    this = dt.date(reference.year, first_month, 1)
    month = reference.replace(day=1)
    if which == "this":
        return this
    if which == "next":
        return this if this > month else this.replace(year=this.year + 1)
    return this if _add_months(this, 2) < month else this.replace(year=this.year - 1)


def _counted_in(kind: str, groups: dict) -> str:
    if need := _COUNTED_IN[kind]:
        return need
    return (
        Precision.YEAR
        if groups["unit"] == "year"
        else (Precision.MONTH if groups["unit"] == "month" else Precision.DAY)
    )


def _ago(groups: dict, reference: dt.date, text: str) -> _Point:
    """ "three days ago", "two weeks ago": read by dateparser against the reference."""
    count = _COUNTS.get(groups["count"]) or int(groups["count"])
    unit = groups["unit"]
    base = dt.datetime.combine(reference, dt.time())
    found = dateparser.parse(
        f"{count} {unit}s ago", languages=["en"], settings={"RELATIVE_BASE": base}
    )
    if found is None:  # pragma: no cover - dateparser reads every form this grammar passes
        raise DateTextError(f'Could not read a date in "{text}". {HOW_TO_WRITE}')
    precision = {"day": Precision.DAY, "week": Precision.DAY, "month": Precision.MONTH}.get(
        unit, Precision.YEAR
    )
    day = truncate(found.date(), precision)
    return _Point(day, day, precision, approximate=unit != "day")


def _normalise(text: str) -> str:
    core = " ".join(text.split()).lower()
    # Hyphen, non-breaking hyphen, figure dash, en and em dashes, bar: as written in print.
    core = re.sub(r"\s*[\u2010\u2011\u2012\u2013\u2014\u2015]\s*", "-", core)
    core = core.strip(" .,;:()[]")
    return core


def _range(
    core: str, text: str, ref: Reference, tense: str, bare_year: int | None = None
) -> ParsedDate | None:
    """ "March 26 to April 2, 2021", "June-July 2021", "December 2021 to January 2022",
    "from Monday to Wednesday", "Thursday and Friday": two points at one precision."""
    opened = _RANGE_OPEN.match(core)
    body = core[opened.end() :] if opened else core
    separators = [r"-", r"\s+to\s+", r"\s+until\s+", r"\s+till\s+", r"\s+through\s+"]
    # "and" joins a range only after "between", or two named weekdays ("Thursday and Friday").
    if (opened and opened.group().startswith("between")) or re.fullmatch(
        rf"{_WD}\s+and\s+(?:{'|'.join(WEEKDAYS)})", body
    ):
        separators.append(r"\s+and\s+")
    for separator in separators:
        for match in re.finditer(separator, body):
            left, right = body[: match.start()].strip(), body[match.end() :].strip()
            if not left or not right:
                continue
            b = _point(right, text, ref, tense, bare_year)
            if b is None:
                continue
            a = _point(left, text, ref, tense, bare_year)
            if a is None:
                continue
            return _join(a, b, left, right, text, tense)
    return None


def _join(a: _Point, b: _Point, left: str, right: str, text: str, tense: str) -> ParsedDate:
    if a.precision != b.precision:
        raise DateTextError(
            f'"{text}": write both ends of a range alike, like "March 26 to April 2, 2021", '
            '"June-July 2021" or "1999-2018".'
        )
    if re.fullmatch(rf"(?:(?:last|this|next|past|coming)\s+)?{_WD}", left) and re.fullmatch(
        rf"{_WD}", right
    ):
        # Weekdays: the end is the first such day on or after the start.
        if tense == Tense.PAST and not left.startswith(("next", "coming")):
            end = b.start
            start = end - dt.timedelta(days=(end.weekday() - a.start.weekday()) % 7)
        else:
            start = a.start
            end = start + dt.timedelta(days=(b.start.weekday() - start.weekday()) % 7)
        return ParsedDate(start, end, Precision.DAY)
    if not a.has_year and b.has_year:
        # "March 26 to April 2, 2021": the first end takes the year written once, or the
        # year before when it would start after the end ("December 28 to January 3, 2022").
        year = b.start.year
        a = _with_year(a, year)
        if a.start > b.start:
            a = _with_year(a, year - 1)
    if b.last < a.start:
        raise DateTextError(f'"{text}" ends before it starts.')
    return ParsedDate(a.start, b.last, a.precision, a.approximate or b.approximate)


def _with_year(point: _Point, year: int) -> _Point:
    try:
        start = point.start.replace(year=year)
        last = point.last.replace(year=year + point.last.year - point.start.year)
    except ValueError:  # 29 February
        raise DateTextError(f"{point.start:%-d %B} {year} is not a real date.") from None
    return _Point(start, last, point.precision, point.approximate, True)


def _bound_refusal(text: str, bound: str) -> DateTextError:
    """ "by March 2021", "before 2019", "until June": a limit on when, which no date the
    timeline holds states (March 2021 is not "by March 2021")."""
    side = limit_side(bound)
    return DateTextError(
        f'"{text.strip()}" is a limit ({side} the date after "{bound}"), not the date it '
        "happened, which the timeline would state. Write the date the event happened if the "
        "source gives it; otherwise leave the date out and say the limit in the summary."
    )


# "since the 1950s", "ever since 2016": a state from then on, still so when the text was written.
_SINCE = re.compile(r"^(?:ever\s+)?since\s+")


def _since(rest: str, text: str, ref: Reference, year: int | None) -> ParsedDate:
    """ "since the 1950s", "since 2016", "since March": from then until the source was written.

    The text says it still held when written, and nothing of when it ended: the end is the
    source's date (the earliest it can be, when the date is only a lower bound), never the
    end of the period named. The start is as precise as written, and both ends are read at
    one precision, no finer than the source's date is known ("since 26 March" in an article
    of June 2021: March-June 2021). A start written as a span ("the 1950s") is approximate:
    which of its years it began in is not written. A bare month or day after the source's
    date is the one before it ("since March", in a January article: last March). A source
    without a date gives no end: refused, saying how to write both ends.
    """
    if not ref.known:
        why, fix = (
            ("the source has no date", "give the source its date")
            if ref.cited
            else ("no source is cited yet", "cite the source in the same request")
        )
        raise DateTextError(
            f'"{text.strip()}" runs until the source was written, and {why}: until when cannot '
            f'be told. Write both ends ("the 1950s to 2021"), or {fix}.'
        )
    then = _read_date_text(rest, ref, Tense.PAST, year)
    bare = year is None and not re.search(r"\b\d{4}\b", rest)
    if then.start > ref.latest and bare and not ref.on_or_after:
        then = _read_date_text(rest, ref, Tense.PAST, ref.day.year - 1)
    if then.start > ref.latest and not ref.on_or_after:
        raise DateTextError(
            f'"{text.strip()}" begins after the source was written ({ref.describe()}). Write '
            "the date itself."
        )
    precision = max(then.precision, ref.precision, key=_COARSER.__getitem__)
    start = truncate(then.start, precision)
    end = truncate(max(ref.day, then.start), precision)
    began_in_a_span = then.end is not None and truncate(then.end, precision) != start
    return ParsedDate(
        start, end if end != start else None, precision, then.approximate or began_in_a_span
    )


def _to_parsed(point: _Point) -> ParsedDate:
    end = point.last if point.last != point.start else None
    return ParsedDate(point.start, end, point.precision, point.approximate)


def parse_date_text(
    text: str, reference: dt.date | Reference, tense: str = Tense.PAST, year: int | None = None
) -> ParsedDate:
    """``_read_date_text``, kept inside the years the timeline holds: a date counted past
    them from a reference at the calendar's edge ("tomorrow" on 31 December 9999, "last
    month" in January of the year 1) is refused like a year written outside them."""
    outside = (
        f'"{text.strip()}" falls outside the years the timeline holds ({FIRST_YEAR} to {LAST_YEAR})'
    )
    try:
        parsed = _read_date_text(text, reference, tense, year)
    except DateTextError:
        raise
    except (OverflowError, ValueError):  # the date arithmetic left the calendar
        raise DateTextError(
            f"{outside} when counted from {as_reference(reference).describe()}. Write the date "
            "itself."
        ) from None
    if not FIRST_YEAR <= parsed.start.year <= (parsed.end or parsed.start).year <= LAST_YEAR:
        raise DateTextError(f"{outside}. Write a date within them.")
    return parsed


def _read_date_text(
    text: str, reference: dt.date | Reference, tense: str = Tense.PAST, year: int | None = None
) -> ParsedDate:
    """Read a date expression in full the way an analyst would, against ``reference``.

    ``reference`` is the source's own date: a bare "March 26" takes its year, "on Monday" is
    the Monday on or before it, or the one after it when ``tense`` is future (the clause says
    "will", "opens", "is due to"). Reads days, months, years, day/month/year ranges within
    and across months and years, quarters and halves (month-precision ranges), seasons and
    early/mid/late parts (approximate), decades, weekdays and yesterday/today/tomorrow, last
    or this month or year, and "since" any of them (from then to the source's date,
    ``_since``). Anything else is refused with one message saying how to write it:
    never a partial guess. Impossible dates and years outside 1-9998 say so.

    ``year``: the year a day or month written without one belongs to, when the text around
    it has established one ("2021" as a chronology's heading); else the reference's.

    A ``Reference`` known only to the month or year, only as a lower bound, or not at all
    refuses what would be counted from it more finely than it is known ("on Monday" from a
    source dated "December 2025"); a plain date is a reference known to the day.
    """
    ref = as_reference(reference)
    reference = ref.day
    if not text or not text.strip():
        raise DateTextError("The date text is empty.")
    core = _normalise(text)
    if bound := _BOUND.match(core):
        raise _bound_refusal(text, bound["bound"])
    if since := _SINCE.match(core):
        return _since(core[since.end() :], text, ref, year)
    core = _LEAD.sub("", core)
    if (named := _OF_NAMED_YEAR.match(core)) and _PART_OF_NAMED_YEAR.search(named["body"]):
        # "January this year", "Dec. 21 last year": the day or month in the year named.
        if not ref.counts(Precision.YEAR):
            raise ref.refusal(text, Precision.YEAR)
        shift = {"last": -1, "this": 0, "next": 1}[named["which"]]
        return _read_date_text(named["body"], ref, tense, _check_year(reference.year + shift, text))
    if (match := _MONTHS_OF_YEAR.match(core)) and (match["year"] or year):
        # "the first nine months of 2024": January-September 2024.
        months = {"eleven": 11}.get(match["count"]) or _COUNTS.get(match["count"])
        months = months or int(match["count"])
        if not 1 <= months <= 12:
            raise DateTextError(f'"{text.strip()}": a year has twelve months. {HOW_TO_WRITE}')
        in_year = _check_year(int(match["year"]) if match["year"] else year or 0, text)
        opens = 1 if match["end"] == "first" else 13 - months
        return ParsedDate(
            dt.date(in_year, opens, 1), dt.date(in_year, opens + months - 1, 1), Precision.MONTH
        )
    if match := _YEARS_TO.match(core):
        # "the five years to 2023": 2019-2023, the years counted back from the last.
        last = _check_year(int(match["year"]), text)
        count = _COUNTS.get(match["count"]) or int(match["count"])
        if count < 2:
            raise DateTextError(f'Could not read a date in "{text.strip()}". {HOW_TO_WRITE}')
        first = _check_year(last - count + 1, text)
        return ParsedDate(dt.date(first, 1, 1), dt.date(last, 1, 1), Precision.YEAR)
    if match := _DAY_OF_NAMED_MONTH.match(core):
        # "the 5th of last month": that day of the month named against the reference.
        if not ref.counts(Precision.MONTH):
            raise ref.refusal(text, Precision.MONTH)
        shift = {"last": -1, "this": 0, "next": 1}[match["which"]]
        month_named = _add_months(reference.replace(day=1), shift)
        day = _real_date(
            _check_year(month_named.year, text), month_named.month, int(match["day"]), text
        )
        return ParsedDate(day, None, Precision.DAY)
    if match := _YEAR_ENDING.match(core):
        # "the fiscal year ending March 2024": the twelve months to it, April 2023-March 2024.
        ending = _point(match["month"], text, ref, tense, year)
        if ending is None or ending.precision != Precision.MONTH or not ending.has_year:
            raise DateTextError(f'Could not read a date in "{text.strip()}". {HOW_TO_WRITE}')
        return ParsedDate(_add_months(ending.start, -11), ending.start, Precision.MONTH)
    if match := _FISCAL_YEARS.match(core):
        # "FY2023/24": a fiscal year that begins in one year and ends in the next, read as those
        # calendar years (which months, the text around it may say).
        begins = _check_year(int(match["a"]), text)
        if int(match["a"][: 4 - len(match["b"])] + match["b"]) != begins + 1:
            raise DateTextError(
                f'"{text.strip()}": a fiscal year runs into the next year only. Write its years '
                '("FY2023/24") or its months ("April 2023 to March 2024").'
            )
        return ParsedDate(
            dt.date(begins, 1, 1), dt.date(_check_year(begins + 1, text), 1, 1), Precision.YEAR
        )
    if _NUMERIC_DATE.match(core):
        first, second, year = (int(n) for n in _NUMBER.findall(core))
        readings = [
            f"{day} {calendar.month_name[month]} {year}"
            for day, month in dict.fromkeys([(first, second), (second, first)])
            if 1 <= month <= 12 and 1 <= day <= 31
        ]
        if len(readings) == 2:
            which = f"{readings[0]} or {readings[1]}? Write the month in words."
        else:
            example = readings[0] if readings else "22 June 2021"
            which = f'the day or the month first? Write the month in words ("{example}").'
        raise DateTextError(f'"{text.strip()}" could be read more than one way: {which}')
    if _SLASHED.match(core):
        raise DateTextError(
            f'"{text.strip()}" could be read more than one way. Write the month in words '
            '("22 June 2021"), a span of years as "2021-2022", or the months '
            '("July 2021 to June 2022").'
        )
    for number in _NUMBER.findall(core):
        if len(number) > 4:
            raise DateTextError(f'Could not read a date in "{text.strip()}". {HOW_TO_WRITE}')
    if match := _YEAR_RANGE.match(_RANGE_OPEN.sub("", core)):
        a = _check_year(int(match["a"]), text)
        b = int(match["a"][: 4 - len(match["b"])] + match["b"])
        # "1978-9", "1999-2018"; a short end that would not be later ("2021-06") is a month.
        if b < a and len(match["b"]) == 4:
            raise DateTextError(f'"{text}" ends before it starts.')
        if b > a:
            _check_year(b, text)
            return ParsedDate(dt.date(a, 1, 1), dt.date(b, 1, 1), Precision.YEAR)
        if "/" in match.group():
            raise DateTextError(
                f'"{text.strip()}" could be read more than one way. Write a span of years as '
                '"2021-2022", or the months ("July 2021 to June 2022").'
            )
        if match.group().count("-") == 1 and re.fullmatch(r"\d{4}-\d{1,2}", match.group()):
            month = int(match["b"])
            _real_date(a, month, 1, text)
            return ParsedDate(dt.date(a, month, 1), None, Precision.MONTH)
        raise DateTextError(f'"{text}" ends before it starts.')
    days = core
    if between := _BETWEEN_DAYS.match(core):
        days = f"{between['a']} to {between['b']}"
    elif listed := _TWO_DAYS.match(core):
        # "on 5 and 6 December": two days running are the two days; "5 and 8 December" are
        # two days apart, not the days between them.
        if int(listed["b"]) != int(listed["a"]) + 1:
            raise DateTextError(
                f'"{text.strip()}" names two days, not the days between them: write each '
                f'("{listed["a"]} {listed["rest"].title()}", "{listed["b"]} '
                f'{listed["rest"].title()}").'
            )
        days = f"{listed['a']} to {listed['b']} {listed['rest']}"
    for pattern in (_DAY_RANGE, _DAY_RANGE_DMY):
        if match := pattern.match(days):
            bare = year or reference.year
            year = _check_year(int(match["year"]), text) if match["year"] else bare
            month = _month_number(match["month"])
            start = _real_date(year, month, int(match["day"]), text)
            end = _real_date(year, month, int(match["day2"]), text)
            if end < start:
                raise DateTextError(f'"{text}" ends before it starts.')
            return ParsedDate(start, end, Precision.DAY)
    point = _point(core, text, ref, tense, year)
    if point is not None:
        return _to_parsed(point)
    parsed = _range(core, text, ref, tense, year)
    if parsed is not None:
        return parsed
    if re.search(r"\bwinter\b", core):
        raise DateTextError(
            f'"{text.strip()}": a winter spans two years. Write "winter 2021-22" or the '
            'months ("December 2021 to February 2022").'
        )
    raise DateTextError(f'Could not read a date in "{text.strip()}". {HOW_TO_WRITE}')
