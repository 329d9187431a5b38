"""Find every date expression in a text and resolve it against a reference date.

``find_dates(text, reference)`` returns each expression with its character offsets and
its resolution (a ``lib.dates.ParsedDate``). The parts:

- A grammar of the forms the sources write finds the spans: day ranges ("June 22-24",
  "22-24 June 2021"), year ranges ("between 1999 and 2018", "from 2000 to 2019",
  "1978-9"), days with or without weekday and year ("Thursday, March 25", "Jan. 25",
  "March 27, 2019"), months ("In May", "in late June", "November 2020", "last February"),
  years ("in 2016") and decades ("the 1950s").
- dateparser (``lib.dates.parse_date_text``, English only, with a ``RELATIVE_BASE``) resolves
  each span the grammar found, and dateparser's ``search_dates`` is the engine for deictic
  expressions ("yesterday", "three days ago", "last week"), run only on the sentences that
  contain one, because it is slow (about 0.4 s for 1,300 words) and its own spans are wrong
  for the other forms: it reads "June 22-24" as the year 2024, splits "between 1999 and 2018"
  in two, drops the day of "a June 23 report", and takes "we", "now", "the 9th", "39% of" or
  "may" (the verb) for dates.
- Relative expressions ("the day before the February 1 coup", "two weeks before", "the
  following day") are resolved from an anchor date in the same sentence, or from the
  ``context`` date the caller passes (the date of the entry a chronology line belongs to),
  and are marked approximate; without an anchor they are left out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from lib.dates import DateTextError, ParsedDate, Precision, parse_date_text, truncate


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    text: str
    parsed: ParsedDate
    relative: bool = False


_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\."
MONTH = rf"(?:{_MONTH_NAMES}|{_MONTH_ABBR})"
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:1[6-9]\d\d|20\d\d)"
DASH = r"\s*[-–—]\s*"
QUAL = r"(?:(?:[Ee]arly|[Mm]id|[Ll]ate)[\s-]+|mid-)"

# Longest forms first: the alternation takes the first that matches at a position.
_FORMS = [
    (
        "year_range",
        rf"(?:[Bb]etween\s+{YEAR}\s+and\s+{YEAR}|[Ff]rom\s+{YEAR}\s+(?:to|until|till)\s+{YEAR}"
        rf"|{YEAR}{DASH}(?:\d{{4}}|\d{{1,2}})(?![\d-]))",
    ),
    (
        "day_range",
        rf"(?:{WEEKDAY},?\s+)?{MONTH}\s+{DAY}{DASH}{DAY}(?:,?\s+{YEAR})?"
        rf"|{DAY}{DASH}{DAY}\s+{MONTH}(?:,?\s+{YEAR})?",
    ),
    (
        "day",
        rf"(?:{WEEKDAY},?\s+)?{MONTH}\s+{DAY}(?![\d%])(?:,?\s+{YEAR})?"
        rf"|(?:{WEEKDAY},?\s+)?{DAY}\s+{MONTH}(?:,?\s+{YEAR})?",
    ),
    ("month", rf"(?:{QUAL})?{MONTH}(?:,?\s+{YEAR})?"),
    ("last_month", rf"(?:last|this|next)\s+(?:{_MONTH_NAMES})"),
    ("decade", r"(?:the\s+)?(?:1[6-9]\d0|20[0-2]0)s"),
    ("year", rf"(?:{QUAL})?{YEAR}"),
]
_GRAMMAR = re.compile(
    r"(?<![\w$£€.-])(?:" + "|".join(f"(?P<{name}>{rx})" for name, rx in _FORMS) + r")(?![\w%])"
)

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a few": 3, "several": 3, "some": 1,
}  # fmt: skip
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_COUNT = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)"
# "the day before", "two weeks before", "three days after"; the anchor comes after it.
_RELATIVE_BEFORE = re.compile(
    rf"\b(?:(?P<the>the)\s+(?P<unit1>day|week|month|year)|(?P<count>{_COUNT})\s+"
    r"(?P<unit2>days?|weeks?|months?|years?))\s+(?P<dir>before|after|earlier|later)\b",
    re.IGNORECASE,
)
# "the following day", "the next day", "the day after": the anchor comes before it.
_RELATIVE_FOLLOWING = re.compile(r"\bthe\s+(?:following|next)\s+day\b", re.IGNORECASE)
# "that same year": the year of the last date written before it.
_SAME_YEAR = re.compile(r"\b(?:that|the)\s+same\s+year\b", re.IGNORECASE)
# Deictic expressions only dateparser's search_dates reads for us.
# ("today" and "now" are left out: in articles they mean "nowadays" more often than a day.)
_DEICTIC = re.compile(
    r"\b(?:yesterday|tomorrow|(?:\d+|a|one|two|three|four|five|six|seven)\s+days?\s+ago"
    r"|(?:last|this)\s+(?:month|year))\b",
    re.IGNORECASE,
)
# Words before a bare year that make it a year: "in 2016", "since 2010", "until 2019".
# A capitalised word other than these makes it a name ("Army 2021"), not a date.
_YEAR_LEADS = {
    "in", "since", "by", "during", "until", "till", "from", "before", "after", "around",
    "as", "of", "the", "and", "to", "early", "late", "mid", "year", "between", "through",
}  # fmt: skip
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n“\"(]\s*)$")


@lru_cache(maxsize=4096)
def _parse(expression: str, reference: dt.date) -> ParsedDate | None:
    try:
        return parse_date_text(expression, reference)
    except DateTextError:
        return None


def _last_month(expression: str, reference: dt.date) -> ParsedDate:
    word, name = expression.split()
    month = dt.datetime.strptime(name[:3], "%b").month
    year = reference.year
    if word.lower() == "last" and month >= reference.month:
        year -= 1
    elif word.lower() == "next" and month <= reference.month:
        year += 1
    return ParsedDate(dt.date(year, month, 1), None, Precision.MONTH)


def _accept(kind: str, text: str, start: int, match_text: str) -> bool:
    """No false hits: "May" and "March" as verbs, names that end in a year."""
    before = text[max(0, start - 40) : start]
    if kind == "month" and match_text in {"May", "March"}:
        # A bare "May"/"March" opening a sentence is a verb ("March on the capital").
        return not _SENTENCE_START.search(before)
    if kind == "year":
        previous = re.search(r"([A-Za-z]+)[\s-]*$", before)
        if previous and previous.group(1)[0].isupper():
            return previous.group(1).lower() in _YEAR_LEADS
        if re.search(r"(?:No\.|#|\$|US\$)\s*$", before):
            return False
    return True


def _grammar_dates(text: str, reference: dt.date) -> list[FoundDate]:
    found = []
    for match in _GRAMMAR.finditer(text):
        kind = match.lastgroup or ""
        expression = match.group()
        if not _accept(kind, text, match.start(), expression):
            continue
        parsed: ParsedDate | None
        if kind == "last_month":
            parsed = _last_month(expression, reference)
        else:
            parsed = _parse(expression, reference)
        if parsed is not None:
            found.append(FoundDate(match.start(), match.end(), expression, parsed))
    return found


_BOUNDARY = re.compile(r"[.!?]\s+[A-Z“\"]|\n")


def _same_sentence(text: str, a: int, b: int) -> bool:
    return not _BOUNDARY.search(text, a, b)


def _shift(anchor: ParsedDate, days: int) -> ParsedDate:
    """A date ``days`` from the anchor's first day, at day precision, approximate."""
    day = anchor.start + dt.timedelta(days=days)
    return ParsedDate(day, None, Precision.DAY, approximate=True)


def _relative_dates(
    text: str, explicit: list[FoundDate], context: ParsedDate | None
) -> list[FoundDate]:
    found = []
    taken = [(f.start, f.end) for f in explicit]

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in _RELATIVE_BEFORE.finditer(text):
        if not free(match.start(), match.end()):
            continue
        unit = (match["unit1"] or match["unit2"]).lower().rstrip("s")
        count = (
            1 if match["the"] else int(_NUMBERS.get(match["count"].lower(), 0) or match["count"])
        )
        sign = -1 if match["dir"].lower() in {"before", "earlier"} else 1
        # The anchor: the next explicit date in the sentence ("the day before the February 1
        # coup"), else the context date ("two weeks before the General attends").
        after = [f for f in explicit if f.start >= match.end()]
        near = after and after[0].start - match.end() < 40
        anchor = after[0].parsed if near else context
        if anchor is None or anchor.precision != Precision.DAY:
            continue
        parsed = _shift(anchor, sign * count * _UNIT_DAYS[unit])
        found.append(FoundDate(match.start(), match.end(), match.group(), parsed, relative=True))
    for match in _RELATIVE_FOLLOWING.finditer(text):
        if not free(match.start(), match.end()):
            continue
        before = [
            f
            for f in explicit
            if f.end <= match.start() and _same_sentence(text, f.end, match.start())
        ]
        anchor = before[-1].parsed if before else context
        if anchor is None or anchor.precision != Precision.DAY:
            continue
        found.append(
            FoundDate(match.start(), match.end(), match.group(), _shift(anchor, 1), relative=True)
        )
    return found


def _deictic_dates(text: str, reference: dt.date, taken: list[FoundDate]) -> list[FoundDate]:
    if not _DEICTIC.search(text):
        return []
    from dateparser.search import search_dates

    base = dt.datetime.combine(reference, dt.time())
    hits = search_dates(text, languages=["en"], settings={"RELATIVE_BASE": base}) or []
    found, cursor = [], 0
    for phrase, when in hits:
        start = text.find(phrase, cursor)
        if start < 0:
            continue
        cursor = start + len(phrase)
        inner = _DEICTIC.search(phrase)
        if inner is None:
            continue
        a, b = start + inner.start(), start + inner.end()
        if any(not (b <= f.start or a >= f.end) for f in taken):
            continue
        word = inner.group().lower()
        precision = Precision.DAY
        if word.endswith("month"):
            precision = Precision.MONTH
        elif word.endswith("year"):
            precision = Precision.YEAR
        day = when.date()
        parsed = ParsedDate(truncate(day, precision), None, precision)
        found.append(FoundDate(a, b, inner.group(), parsed, relative=True))
    return found


def _same_year(
    text: str, explicit: list[FoundDate], previous: ParsedDate | None
) -> list[FoundDate]:
    found = []
    for match in _SAME_YEAR.finditer(text):
        before = [f for f in explicit if f.end <= match.start()]
        anchor = before[-1].parsed if before else previous
        if anchor is None:
            continue
        if anchor.end is not None and anchor.end.year != anchor.start.year:
            continue  # "between 1999 and 2018 ... that same year": which year?
        parsed = ParsedDate(dt.date(anchor.start.year, 1, 1), None, Precision.YEAR, True)
        found.append(FoundDate(match.start(), match.end(), match.group(), parsed, relative=True))
    return found


def find_dates(
    text: str,
    reference: dt.date,
    context: ParsedDate | None = None,
    previous: ParsedDate | None = None,
) -> list[FoundDate]:
    """Every date expression in ``text``, in order, resolved against ``reference``.

    ``context`` is the date relative expressions fall back on when their anchor is not in
    ``text`` itself (for a chronology, the date of the entry). ``previous`` is the last date
    written before ``text``, the anchor of "that same year".
    """
    explicit = _grammar_dates(text, reference)
    relative = _relative_dates(text, explicit, context) + _same_year(text, explicit, previous)
    deictic = _deictic_dates(text, reference, explicit + relative)
    return sorted(explicit + relative + deictic, key=lambda f: f.start)
