"""Dates as the sources write them: precision, intervals and parsing.

An event's date is a start (and optional end) at a precision of day, month or
year. It occupies the interval from the first day of its start to the last day
of its end, both widened to the precision: "June 2021" covers June 1-30,
"2016" the whole year, "1999-2018" from 1 January 1999 to 31 December 2018.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

import dateparser
from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"


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
_LEAD = re.compile(
    r"^\s*(?:(?:on|in|during|since|by|at|the)\s+)*(?P<qual>(?:early|mid|late|around|about|c\.|circa)[\s-]+)?",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(
    r"\b(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+", re.IGNORECASE
)
_ABBREV_DOT = re.compile(rf"\b({MONTHS})\.", re.IGNORECASE)
_YEAR_RANGE = re.compile(
    r"^(?:between\s+|from\s+)?(?P<a>\d{4})\s*(?:-|–|—|and|to|until)\s*(?P<b>\d{1,4})$",
    re.IGNORECASE,
)
_DAY_RANGE = re.compile(
    rf"^(?P<month>{MONTHS})\s+(?P<a>\d{{1,2}})\s*(?:-|–|—|to|and)\s*(?P<b>\d{{1,2}})(?:,?\s+(?P<year>\d{{4}}))?$",
    re.IGNORECASE,
)
_DAY_RANGE_DMY = re.compile(
    rf"^(?P<a>\d{{1,2}})\s*(?:-|–|—|to|and)\s*(?P<b>\d{{1,2}})\s+(?P<month>{MONTHS})(?:,?\s+(?P<year>\d{{4}}))?$",
    re.IGNORECASE,
)
_YEAR_ONLY = re.compile(r"^\d{4}$")
_DECADE = re.compile(r"^(?P<decade>\d{3}0)s$")


def _settings(reference: dt.date) -> dict:
    base = dt.datetime.combine(reference, dt.time())
    return {
        "RELATIVE_BASE": base,
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": [],
        "RETURN_TIME_AS_PERIOD": False,
    }


def _single(text: str, reference: dt.date) -> tuple[dt.date, str]:
    if _YEAR_ONLY.match(text):
        return dt.date(int(text), 1, 1), Precision.YEAR
    data = dateparser.date.DateDataParser(
        languages=["en"], settings=_settings(reference)
    ).get_date_data(text)
    if data.date_obj is None:
        raise DateTextError(
            f'Could not read a date in "{text}". Write it like "22 June 2021", '
            '"June 22-24, 2021", "May 2020", "2016" or "between 1999 and 2018".'
        )
    period = data.period if data.period in PRECISION_RANK else Precision.DAY
    return truncate(data.date_obj.date(), period), Precision(period)


def _month_number(name: str) -> int:
    return dt.datetime.strptime(name[:3].title(), "%b").month


def _no_impossible_dates(parse):
    """A date Python cannot hold ("0000", year 0) is a DateTextError, not a ValueError."""

    @functools.wraps(parse)
    def wrapper(text: str, reference: dt.date) -> ParsedDate:
        try:
            return parse(text, reference)
        except DateTextError:
            raise
        except (ValueError, OverflowError):
            raise DateTextError(f'"{text}" is not a date in the years 1 to 9998.') from None

    return wrapper


@_no_impossible_dates
def parse_date_text(text: str, reference: dt.date) -> ParsedDate:
    """Read a date expression the way an analyst would, against ``reference``.

    A bare "March 26" takes the reference's year. Handles what dateparser
    lacks: day ranges ("June 22-24"), year ranges ("between 1999 and 2018"),
    abbreviations with a dot ("Jan. 25") and qualifiers ("late June").
    """
    if not text or not text.strip():
        raise DateTextError("The date text is empty.")
    lead = _LEAD.match(text)
    approximate = bool(lead and lead.group("qual"))
    core = text[lead.end() :] if lead else text
    core = _WEEKDAY.sub("", core)
    core = _ABBREV_DOT.sub(r"\1", core).strip().rstrip(".,;")

    if match := _DECADE.match(core):
        # "the 1950s": dateparser reads it as a day near the reference date.
        decade = int(match["decade"])
        return ParsedDate(
            dt.date(decade, 1, 1), dt.date(decade + 9, 1, 1), Precision.YEAR, approximate
        )
    if match := _YEAR_RANGE.match(core):
        a = int(match["a"])
        # "1978-9" and "1999-2018": a short end year takes the start's leading digits;
        # a short end that would not be later ("2021-06") is a month, read below.
        b = int(match["a"][: 4 - len(match["b"])] + match["b"])
        if b < a and len(match["b"]) == 4:
            raise DateTextError(f'"{text}" ends before it starts.')
        if b > a:
            return ParsedDate(dt.date(a, 1, 1), dt.date(b, 1, 1), Precision.YEAR, approximate)
    for pattern in (_DAY_RANGE, _DAY_RANGE_DMY):
        if match := pattern.match(core):
            year = int(match["year"]) if match["year"] else reference.year
            month = _month_number(match["month"])
            try:
                start = dt.date(year, month, int(match["a"]))
                end = dt.date(year, month, int(match["b"]))
            except ValueError as exc:
                raise DateTextError(f'"{text}" is not a real date: {exc}.') from None
            if end < start:
                raise DateTextError(f'"{text}" ends before it starts.')
            return ParsedDate(start, end, Precision.DAY, approximate)
    start, precision = _single(core, reference)
    return ParsedDate(start, None, precision, approximate)
