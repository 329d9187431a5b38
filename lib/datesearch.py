"""Find every date expression in a text and resolve it against a reference date.

``find_dates(text, reference)`` returns each expression with its character offsets and
its resolution (a ``lib.dates.ParsedDate``); ``read_dates`` also returns the expressions it
refuses to read (``Refusal``: "2021/22", "June 31", "next week"), so nothing is misread
silently. The parts:

- A grammar of the forms the sources write finds candidate spans: days, months, years,
  ranges within and across months and years ("June 22-24", "March 26 to April 2, 2021",
  "June-July 2021", "between 1999 and 2018"), quarters and halves ("Q3 2021", "the third
  quarter of 2021"), seasons, early/mid/late parts, decades, weekdays ("on Monday", "last
  Friday", "late on Tuesday", "from Monday to Wednesday") and deictic words ("yesterday",
  "earlier this month", "last year"). Every span is read by the one parser,
  ``lib.dates.parse_date_text``, the same that reads the event form and the API: the same
  text gives the same date everywhere. The longest span that reads wins; a span that does not
  read falls back to the shorter ones inside it.
- The tense of the clause decides the direction of a bare weekday: "met on Monday" is the
  Monday on or before the reference date, "will meet on Monday", "opens on Monday" the one
  after it.
- Narrative time ("the same day", "the next day", "two days later", "that year", "the day
  before the February 1 coup") is resolved from an anchor: a date after it in the sentence
  ("before the February 1 coup"), else the last date the text established before it (the
  ``previous`` anchors the caller passes, across sentences and paragraphs), else the
  ``context`` date (a chronology entry's). Each such date records its anchor. Without an
  anchor at a precision that fits, it is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from lib.dates import (
    FIRST_YEAR,
    LAST_YEAR,
    SEASON_FIRST_MONTH,
    DateTextError,
    ParsedDate,
    Precision,
    Reference,
    Tense,
    as_reference,
    interval,
    parse_date_text,
    period_end,
)


@dataclass(frozen=True)
class Anchor:
    """The date a narrative expression was counted from: its text and where it is.

    ``passage`` is the passage index when the caller knows it (else None: the text read);
    ``start``/``end`` are offsets in that passage (or in the text read).
    """

    text: str
    start: int
    end: int
    parsed: ParsedDate
    passage: int | None = None


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    text: str
    parsed: ParsedDate
    relative: bool = False
    anchor: Anchor | None = None

    def as_anchor(self, passage: int | None = None, offset: int = 0) -> Anchor:
        return Anchor(self.text, self.start + offset, self.end + offset, self.parsed, passage)

    def shifted(self, offset: int, passage: int | None = None) -> FoundDate:
        """The same date with offsets ``offset`` further on; in-text anchors move too."""
        anchor = self.anchor
        if anchor is not None and anchor.passage is None:
            anchor = replace(
                anchor, start=anchor.start + offset, end=anchor.end + offset, passage=passage
            )
        return replace(self, start=self.start + offset, end=self.end + offset, anchor=anchor)


@dataclass(frozen=True)
class Refusal:
    """A date expression that is not read: why, and how to write it."""

    start: int
    end: int
    text: str
    message: str

    def shifted(self, offset: int) -> Refusal:
        return replace(self, start=self.start + offset, end=self.end + offset)


@dataclass
class Reading:
    found: list[FoundDate] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    year: int | None = None  # the year the text had established by its end


_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec)\."
MONTH = rf"(?:{_MONTH_NAMES}|{_MONTH_ABBR})"
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:1[6-9]\d\d|20\d\d)"
DASH = r"\s*[-–—]\s*"
# "early", "mid-", "late", "the end of", "the beginning of" (the parser reads them alike).
PART = r"(?:[Tt]he\s+)?(?:beginning|start|middle|end)\s+of\s+"
QUAL = rf"(?:(?:[Ee]arly|[Mm]id|[Ll]ate)[\s-]+|mid-|{PART})"
# "Sept 7", "Dec 21": wire style abbreviates without a dot, always before a day.
MONTH_D = rf"(?:{MONTH}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?=\s+\d))"
# "7 Dec 2023", "5 Sept": day first, the month abbreviated without a dot.
MONTH_A = rf"(?:{MONTH}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?![\w.]))"
MD = rf"(?:{MONTH_D}\s+{DAY}|{DAY}\s+{MONTH_A})"
RSEP = rf"(?:{DASH}|\s+(?:to|until|till|through|and)\s+)"
FROM = r"(?:(?:[Ff]rom|[Bb]etween)\s+)"
# A count, capitalised where it opens a sentence ("Three days ago, ...").
COUNT = (
    r"(?:\d{1,2}|[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight"
    r"|[Nn]ine|[Tt]en)"
)

# A part of a year: "the second half", "Q1", "the spring", "the first nine months" (of 2024,
# of last year).
MONTHS_OF = (
    r"(?:[Tt]he\s+)?(?:first|last|final)\s+(?:\d{1,2}|two|three|four|five|six|seven|eight"
    r"|nine|ten|eleven)\s+months"
)
PART_OF_YEAR = (
    r"(?:(?:[Tt]he\s+)?(?:first|second|third|fourth)\s+(?:quarter|half)|Q[1-4]|H[12]"
    rf"|(?:[Tt]he\s+)?(?:spring|summer|autumn|fall)|{MONTHS_OF})"
)

# Candidate spans by kind; the longest that reads wins at each place.
_FORMS = [
    (
        "range",
        rf"{FROM}?(?:{WEEKDAY},?\s+)?{MD}(?:,?\s+{YEAR})?{RSEP}(?:{WEEKDAY},?\s+)?{MD}"
        rf"(?:,?\s+{YEAR})?",
    ),
    # Not "from May to June 24" (postponed from May to a day in June): no day after it.
    ("range", rf"{FROM}?{MONTH}(?:,?\s+{YEAR})?{RSEP}{MONTH}(?:,?\s+{YEAR})?(?!,?\s*\d)"),
    # "Sept–Oct", "Feb-Mar 2023": months abbreviated without a dot, joined by a dash.
    ("range", rf"{MONTH_A}(?:\s+{YEAR})?{DASH}{MONTH_A}(?:,?\s+{YEAR})?(?!,?\s*\d)"),
    (
        "range",
        rf"{FROM}?{WEEKDAY}(?:{DASH}|\s+(?:to|until|through|and)\s+){WEEKDAY}",
    ),
    (
        "year_range",
        rf"(?:[Bb]etween\s+{YEAR}\s+and\s+{YEAR}|[Ff]rom\s+{YEAR}\s+(?:to|until|till)\s+{YEAR}"
        rf"|{YEAR}{DASH}(?:\d{{4}}|\d{{1,2}})(?![\d-]))",
    ),
    # "in the five years to 2023" (2019-2023, as arms registers count them)
    ("years_to", rf"(?:the\s+)?{COUNT}\s+years\s+(?:to|through|until|ending\s+in)\s+{YEAR}"),
    # "the fiscal year ending March 2024", "the 12 months to June 2023": the twelve months.
    (
        "year_ending",
        rf"(?:[Tt]he\s+)?(?:(?:fiscal|financial|budget)\s+year|year|12\s+months|twelve\s+months)"
        rf"\s+(?:ending|ended|to|through)\s+(?:in\s+)?{MONTH},?\s+{YEAR}",
    ),
    ("slashed", rf"{YEAR}/\d{{2,4}}"),
    # A fiscal year named by its two years: "FY2023/24", "fiscal 2022/23", "fiscal year 2025-26".
    (
        "fiscal",
        rf"(?:FY\s?|[Ff]iscal\s+(?:[Yy]ear\s+)?){YEAR}\s*[/-]\s*(?:\d{{4}}|\d{{2}})(?![\d-])",
    ),
    # All in figures: "2023-12-05" (ISO: a day), "5-12-2023", "05.12.2023", "5/12/2023" (day or
    # month first? refused whole, never read as the bare year at its end).
    (
        "numeric",
        rf"{YEAR}-(?:1[0-2]|0?[1-9])-(?:[12]\d|3[01]|0?[1-9])(?![\d-])"
        rf"|\d{{1,2}}([-/.])\d{{1,2}}\1{YEAR}",
    ),
    (
        "day_range",
        rf"(?:{FROM}?(?:{WEEKDAY},?\s+)?{MONTH_D}\s+{DAY}(?:{DASH}|\s+(?:to|until|through)\s+)"
        rf"{DAY}(?:,?\s+{YEAR})?"
        rf"|[Bb]etween\s+(?:{WEEKDAY},?\s+)?{MONTH_D}\s+{DAY}\s+and\s+{DAY}(?:,?\s+{YEAR})?"
        # "3-5 May", "from 3 to 5 May", "between 1 and 4 June", "the 3rd to the 5th of May"
        rf"|{FROM}?(?:the\s+)?{DAY}(?:{DASH}|\s+(?:to|until|through|and)\s+)(?:the\s+)?{DAY}"
        rf"\s+(?:of\s+)?{MONTH_A}(?:,?\s+{YEAR})?)(?!\s+{MONTH})",
    ),
    (
        "day",
        rf"(?:{WEEKDAY},?\s+)?{MONTH_D}\s+{DAY}(?![\d%])(?:,?\s+{YEAR})?"
        rf"|(?:{WEEKDAY},?\s+)?{DAY}\s+{MONTH_A}(?:,?\s+{YEAR})?"
        # "the 3rd of December", "8th of May 2015"
        rf"|(?:{WEEKDAY},?\s+)?(?:the\s+)?(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\s+of\s+{MONTH}"
        rf"(?:,?\s+{YEAR})?",
    ),
    (
        "quarter",
        rf"(?:Q[1-4]|[1-4]Q|H[12]|[12]H|(?:the\s+)?(?:first|second|third|fourth)\s+"
        rf"(?:quarter|half))(?:,?\s+(?:of\s+)?{YEAR})",
    ),
    (
        "season",
        rf"(?:[Ss]pring|[Ss]ummer|[Aa]utumn|[Ww]inter)(?:\s+of)?,?\s+{YEAR}(?:[-/–]\d{{2,4}})?",
    ),
    ("month", rf"(?:{QUAL})?{MONTH}(?:,?\s+{YEAR})?"),
    ("named_month", rf"(?:[Ll]ast|[Tt]his|[Nn]ext)\s+(?:{_MONTH_NAMES})"),
    ("named_season", r"(?:[Ll]ast|[Tt]his(?:\s+past)?|[Nn]ext)\s+(?:spring|summer|autumn|fall)"),
    # "January this year", "Dec. 21 last year": the year named against the reference's.
    (
        "of_named_year",
        rf"(?:{MD}|{QUAL}?{MONTH}|{PART_OF_YEAR})(?:,?\s+(?:of\s+)?(?:[Ll]ast|[Tt]his|[Nn]ext)"
        r"\s+year)",
    ),
    # "from 25 to 28 September this year", "March 3-5 last year": a day range of a named year.
    (
        "of_named_year",
        rf"(?:{FROM}?(?:the\s+)?{DAY}{RSEP}(?:the\s+)?{DAY}\s+(?:of\s+)?{MONTH_A}"
        rf"|{FROM}?{MONTH_D}\s+{DAY}{RSEP}{DAY}),?\s+(?:of\s+)?(?:[Ll]ast|[Tt]his|[Nn]ext)\s+year",
    ),
    # "the first nine months of 2024" (January-September), "the last three months of 2023".
    ("months_of", rf"{MONTHS_OF}\s+of\s+{YEAR}"),
    ("decade", r"(?:the\s+)?(?:1[6-9]\d0|20[0-2]0)s"),
    ("year", rf"(?:{QUAL})?{YEAR}"),
    (
        "week_day",
        rf"{WEEKDAY}\s+(?:of\s+)?(?:[Nn]ext|[Ll]ast|[Tt]his)\s+week"
        rf"|(?:[Nn]ext|[Ll]ast|[Tt]his)\s+week\s+(?:on\s+)?{WEEKDAY}",
    ),
    (
        "weekday",
        rf"(?:(?:[Ll]ate|[Ee]arly)\s+(?:on\s+)?)?(?:(?:[Ll]ast|[Nn]ext|[Tt]his|[Cc]oming)\s+)?"
        rf"{WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?",
    ),
    ("weekend", r"(?:[Tt]he\s+past|[Tt]he|[Tt]his|[Ll]ast|[Nn]ext)\s+weekend"),
    ("deictic", r"[Yy]esterday|[Tt]oday|[Tt]omorrow"),
    # "the day before yesterday", "the week before last", "the month before last".
    (
        "deictic",
        r"(?:[Tt]he\s+)?(?:day\s+(?:before\s+yesterday|after\s+tomorrow)"
        r"|(?:week|month|year)\s+before\s+last)",
    ),
    # "the 5th of last month": a day of the month named against the source's.
    (
        "day_of_named_month",
        r"(?:the\s+)?(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)\s+of\s+(?:[Tt]his|[Ll]ast|[Nn]ext)"
        r"\s+month",
    ),
    # "on the 15th", its month not named: the source's month (``_accept`` checks the words).
    ("month_day", r"the\s+(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)"),
    (
        "deictic",
        rf"(?:(?:[Ee]arlier|[Ll]ater|[Ee]arly|[Ll]ate|[Mm]id)[\s-]+|{PART})?(?:[Ll]ast|[Tt]his|[Nn]ext)"
        r"\s+(?:week|month|year)",
    ),
    ("deictic", rf"(?:{COUNT})\s+(?:day|week|month|year)s?\s+ago"),
]
# A footnote's mark after a date ("on 28 September 2023⁶", "in 2017-2019⁴") ends it like a
# space: superscript digits are word characters to ``re``, and "2023⁶" was no date, so that
# "28 September" was read alone (in 2024) and "2017-2019⁴" as 2017.
FOOTNOTE_MARKS = "\u00b9\u00b2\u00b3\u2070\u2074-\u2079"
_EDGES = (r"(?<![\w$£€.-])(?:", rf")(?![^\W{FOOTNOTE_MARKS}]|%)")
_PATTERNS = [(kind, re.compile(_EDGES[0] + rx + _EDGES[1])) for kind, rx in _FORMS]

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a few": 3, "several": 3, "some": 1,
}  # fmt: skip
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}

# Narrative time: (pattern, unit, shift). The anchor is the last date before it, except for
# "before"/"after" followed by words, whose anchor comes after it ("the day before the
# February 1 coup") or is the chronology entry's.
_NARRATIVE = [
    (
        r"(?:later|earlier)\s+(?:that|the\s+same)\s+day|(?:on\s+)?the\s+(?:very\s+)?same\s+day"
        r"|that\s+(?:same\s+)?day",
        "day",
        0,
    ),
    (
        r"the\s+(?:next|following)\s+(?:day|morning|evening)|a\s+day\s+later|the\s+day\s+after",
        "day",
        1,
    ),
    (
        r"the\s+(?:previous|preceding)\s+(?:day|evening|night)|a\s+day\s+earlier"
        r"|the\s+day\s+before|the\s+night\s+before",
        "day",
        -1,
    ),
    (
        rf"(?P<count>{COUNT})\s+(?P<unit>days?|weeks?|months?|years?)\s+"
        r"(?P<dir>before|after|earlier|later)",
        "count",
        0,
    ),
    (r"(?:later|earlier)\s+that\s+month|that\s+(?:same\s+)?month|the\s+same\s+month", "month", 0),
    (r"the\s+(?:following|next)\s+month|the\s+month\s+after", "month", 1),
    (r"the\s+(?:previous|preceding)\s+month|the\s+month\s+before", "month", -1),
    (r"(?:later|earlier)\s+that\s+year|(?:that|the)\s+same\s+year|that\s+year", "year", 0),
    (r"the\s+(?:following|next)\s+year|the\s+year\s+after", "year", 1),
    (r"the\s+(?:previous|preceding)\s+year|the\s+year\s+before", "year", -1),
    (
        r"that\s+(?:same\s+)?week|the\s+same\s+week|the\s+(?:following|next|previous)\s+week",
        "week",
        0,
    ),
    # "That summer" after "January 2018": summer 2018; "the following spring" the first after.
    (r"(?:that|the\s+same)\s+(?P<season>spring|summer|autumn|fall)", "season", 0),
    (r"the\s+(?:following|next)\s+(?P<season>spring|summer|autumn|fall)", "season", 1),
    (r"the\s+(?:previous|preceding)\s+(?P<season>spring|summer|autumn|fall)", "season", -1),
    (r"(?:that|the\s+same|the\s+(?:following|next|previous|preceding))\s+winter", "winter", 0),
]
_NARRATIVE_PATTERNS = [
    (re.compile(rf"\b(?:{rx})\b", re.IGNORECASE), unit, shift) for rx, unit, shift in _NARRATIVE
]
_PRECISION_FOR = {"day": Precision.DAY, "month": Precision.MONTH, "year": Precision.YEAR}
_FINE_ENOUGH = {
    Precision.DAY: {Precision.DAY},
    Precision.MONTH: {Precision.DAY, Precision.MONTH},
    Precision.YEAR: {Precision.DAY, Precision.MONTH, Precision.YEAR},
}

# Words before a bare year that make it a year: "in 2016", "since 2010", "until 2019".
# A capitalised word other than these makes it a name ("Army 2021"), not a date.
_YEAR_LEADS = {
    "in", "since", "by", "during", "until", "till", "from", "before", "after", "around",
    "as", "of", "the", "and", "to", "early", "late", "mid", "year", "between", "through",
}  # fmt: skip
# Words before a month that make it a month, where a capitalised word before "May" or
# "March" would make it a verb ("Russia May Help").
_MONTH_LEADS = _YEAR_LEADS | {"on", "or", "last", "this", "next", "that", "each", "every"}
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n“\"(]\s*)$")

# --- Tense ------------------------------------------------------------------------------------

# The clause around a date: between these.
_CLAUSE_BREAK = re.compile(r"[.;:!?\n,—–()]|\bwhere(?:as)?\b")
_FUTURE = re.compile(
    r"\b(?:will|won[’']t|shall|would|is\s+to|are\s+to|(?:is|are|was|were|’s|'s|’re|'re)\s+"
    r"(?:due|scheduled|set|expected|slated|planned|poised|going)|plans?\s+to|intends?\s+to"
    r"|opens|begins|starts|runs|kicks\s+off|takes\s+place|resumes|closes|ends|arrives|departs"
    r"|heads|travels|visits|hosts|meets|holds|next"
    # An undertaking, said in the past, of what comes after it: "agreed to meet again on
    # January 12" (in an article of 5 January: the 12th to come, not last year's).
    r"|(?:agreed|decided|promised|pledged|vowed|resolved|undertook|arranged)\s+to)\b|[’']ll\b",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"\b(?:said|told|met|held|was|were|had|has|have|did|made|took|gave|went|came|saw|began"
    r"|spoke|wrote|left|flew|won|lost|paid|sent|sought|brought|found|kept|led|ran|set|struck"
    r"|fell|rose|hit|shot|became|thought|chose|drew|grew|knew|sold|stood|broke|fought|ago"
    r"|last|[a-z]{2,}[^e\W]ed|[a-z]{2,}ied|[a-z]{3,}ted|[a-z]{3,}ded)\b"
)
# A present progressive: "talks are being held", "is holding talks", "are meeting". Not a
# past one ("was holding": its "was" is past), nor "is something", nor a possessive ("Monday's
# meeting": "'s" is not read as "is").
_PROGRESSIVE = re.compile(
    r"\b(?:is|are|am|[’']re)\s+(?:(?:also|now|still|currently|\w+ly)\s+)?"
    r"(?:being\s+\w+|(?P<verb>[a-z]{2,}ing))\b",
    re.IGNORECASE,
)
_NOT_PROGRESSIVE = {
    "thing", "something", "nothing", "anything", "everything", "king", "during", "spring",
    "evening", "morning", "string", "ceiling", "wing",
}  # fmt: skip
_NOT_PAST = {"need", "indeed", "hundred", "speed", "seed", "feed", "proceed", "exceed"}
# A participle after "be" or "being" is not a past tense: "will be held", "would be signed",
# "is to be opened", "is being held" say nothing of the past (the modal before them does).
_AFTER_BE = re.compile(r"\b(?:be|being)\s+(?:\w+ly\s+)?$", re.IGNORECASE)


_SENTENCE_END = re.compile(r"[.!?\n](?:\s|$)")
# Dots that end no clause: times ("10 a.m."), "U.N.", titles ("Maj. Gen."), abbreviated
# months, initials. Read through, so that "will begin at 10 a.m. on Saturday" is one clause.
_ABBREVIATION = re.compile(
    r"\b(?:[ap]\.m|U\.[SNK]|[A-Z]|Snr|Gen|Lt|Col|Maj|Capt|Adm|Sgt|Dr|Mr|Mrs|Ms|Prof|St|No"
    r"|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|Jr|Sr|Corp|Inc|Ltd|vs|etc|c|ca)\."
)


def _without_abbreviations(text: str) -> str:
    """``text`` with the dots of abbreviations blanked (same length, same offsets)."""
    return _ABBREVIATION.sub(lambda m: m.group().replace(".", " "), text)


def _tense_between(
    text: str, start: int, end: int, left: int, right: int
) -> tuple[int, str] | None:
    """The tense word of ``text[left:right]`` nearest to ``text[start:end]``: (distance,
    tense), or None when there is none."""
    best: tuple[int, str] | None = None
    future_spans = []
    for match in _FUTURE.finditer(text, left, right):
        if start <= match.start() < end:
            continue  # "next Monday", "last Friday": read by the parser itself
        future_spans.append((match.start(), match.end()))
        distance = max(start - match.end(), match.start() - end, 0)
        if best is None or distance < best[0]:
            best = (distance, Tense.FUTURE)
    for match in _PROGRESSIVE.finditer(text, left, right):
        if any(a <= match.start() < b for a, b in future_spans):
            continue  # "is going to": the future's
        if (match.group("verb") or "").lower() in _NOT_PROGRESSIVE:
            continue
        distance = max(start - match.end(), match.start() - end, 0)
        if best is None or distance < best[0]:
            best = (distance, Tense.PRESENT)
    for match in _PAST.finditer(text, left, right):
        if start <= match.start() < end or match.group() in _NOT_PAST:
            continue
        if match.group() == "last" and _VERB_LAST.search(
            text, max(left, match.start() - 12), match.start()
        ):
            continue  # "the visit will last until 13 March": the verb, no past
        if _AFTER_BE.search(text, max(left, match.start() - 20), match.start()):
            continue  # "will be held": the tense is the modal's (or the progressive's)
        if any(a <= match.start() < b for a, b in future_spans):
            continue  # "is scheduled"
        distance = max(start - match.end(), match.start() - end, 0)
        if best is None or distance < best[0]:
            best = (distance, Tense.PAST)
    return best


# "last" after a modal or "to" is the verb ("will last until 13 March"), no past.
_VERB_LAST = re.compile(
    r"\b(?:will|would|shall|should|could|may|might|can|must|to)\s+(?:\w+ly\s+)?$|[’']ll\s+$",
    re.IGNORECASE,
)


# "and" or "but" before a verb of its own opens a clause: "arrived on Wednesday and will
# compete on Friday" tells two things, each in its tense.
_CONJUNCTION = re.compile(r"\b(?:and|but)\s+(?:(?:also|then|later|\w+ly)\s+)?", re.IGNORECASE)


@lru_cache(maxsize=256)
def _breaks(text: str) -> tuple[tuple[int, int], ...]:
    """The spans that end a clause in ``text``: punctuation (not an abbreviation's dot),
    "where", and "and"/"but" before a verb. Once a text: every date of a sentence asks."""
    plain = _without_abbreviations(text)
    spans = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(plain)]
    for m in _CONJUNCTION.finditer(plain):
        if plain.startswith("that ", m.end()):
            # "said that students had been sent in 2022-23 and that more would be sent": a
            # second thing said, in its own tense.
            spans.append((m.start(), m.end()))
            continue
        verb = _FUTURE.match(plain, m.end()) or _PAST.match(plain, m.end())
        if verb and verb.group() not in _NOT_PAST and verb.group().lower() != "last":
            spans.append((m.start(), m.end()))
    return tuple(spans)


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the clause around ``text[start:end]`` begins and ends."""
    spans = _breaks(text)
    left = max((b for a, b in spans if b <= start), default=0)
    right = min((a for a, b in spans if a >= end), default=len(text))
    return left, right


def clause_tense(text: str, start: int, end: int, reach: int = 10_000) -> tuple[str, bool]:
    """The tense of the clause around ``text[start:end]`` (past unless it says otherwise),
    and whether a tense word within ``reach`` characters said so: the nearest tense word of
    the clause wins, else of the sentence ("is due to attend ..., and to hold talks on
    Tuesday")."""
    left, right = _clause_bounds(text, start, end)
    best = _tense_between(text, start, end, left, right)
    if best is None:
        breaks = _without_abbreviations(text)
        left = max((m.end() for m in _SENTENCE_END.finditer(breaks, 0, start)), default=0)
        right_match = _SENTENCE_END.search(breaks, end)
        right = right_match.start() if right_match else len(text)
        best = _tense_between(text, start, end, left, right)
    if best is None or best[0] > reach:
        return Tense.PAST, False
    return best[1], True


# --- Explicit dates ---------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _parse(
    expression: str, reference: Reference, tense: str, year: int | None = None
) -> ParsedDate | str:
    """The expression read, or the parser's message when it refuses it."""
    try:
        return parse_date_text(expression, reference, tense, year)
    except DateTextError as exc:
        return str(exc)


_WRITTEN_YEAR = re.compile(r"(?<!\d)(?:1[6-9]|20)\d\d(?!\d)")


def year_established(found: FoundDate) -> int | None:
    """The year a date sets for the bare dates after it: one it writes, in a single year
    ("March 26, 2021", "mid-2022", "2021"), not a span of years or a decade."""
    parsed = found.parsed
    if found.relative:
        return None
    if not _WRITTEN_YEAR.search(found.text) and not re.search(r"\byear\b", found.text):
        return None
    if (parsed.end or parsed.start).year != parsed.start.year:
        return None
    return parsed.start.year


# "the 15th" is a day after one of these ("on the 15th", "set for the 19th", "from the 10th")
# and before punctuation or one of the words after it; not "the 75th anniversary", "for the
# 2nd time", "in the 20th century".
_MONTH_DAY_BEFORE = re.compile(
    r"\b(?:on|by|for|until|till|from|since|before|after|to|and|or)\s+$", re.IGNORECASE
)
_MONTH_DAY_FOLLOWERS = frozenset(
    [
        "at",
        "in",
        "to",
        "and",
        "or",
        "for",
        "after",
        "before",
        "when",
        "with",
        "as",
        "from",
        "until",
        "till",
        "but",
        "while",
        "that",
        "which",
        "where",
        "during",
    ]
)


_KIND_OF_YEAR = re.compile(
    r"\s+(?:fiscal|financial|budget|tax|academic|school)\s+years?\b", re.IGNORECASE
)


def _accept(kind: str, text: str, start: int, match_text: str) -> bool:
    """No false hits: "May" and "March" as verbs, names that end in a year, durations."""
    before = text[max(0, start - 40) : start]
    if kind == "month_day":
        word = re.match(r"\s+([A-Za-z]+)", text[start + len(match_text) :])
        return bool(_MONTH_DAY_BEFORE.search(before)) and (
            word is None or word.group(1).lower() in _MONTH_DAY_FOLLOWERS
        )
    if kind == "month" and match_text in {"May", "March"}:
        # A bare "May"/"March" opening a sentence is a verb ("March on the capital"), unless
        # a dash, colon or number follows ("May — Belousov replaces Shoigu").
        after = text[start + len(match_text) : start + len(match_text) + 4]
        if _SENTENCE_START.search(before):
            return bool(re.match(r"\s*[—–:-]|,?\s+\d", after))
        # In a title-case headline, a capitalised word that is no preposition before it and a
        # word after it make it a verb: "Russia May Help Build Reactor", "Protesters March On
        # Embassy" (not "In May Russia delivered", "Visits Moscow In May And June").
        previous = re.search(r"([A-Za-z’']+)\s+$", before)
        return not (
            previous
            and previous.group(1)[0].isupper()
            and previous.group(1).lower() not in _MONTH_LEADS
            and re.match(r"\s+[A-Za-z]", after)
        )
    if kind == "year":
        previous = re.search(r"([A-Za-z]+)[\s-]*$", before)
        if previous and previous.group(1)[0].isupper():
            return previous.group(1).lower() in _YEAR_LEADS
        if re.search(r"(?:No\.|#|\$|US\$)\s*$|\d/$", before):
            return False  # a number: "No. 2", "$2021", "Notification No. 12/2023"
    if kind == "weekday" and re.search(rf"(?:\d|{_MONTH_NAMES})\s*\(\s*$", before):
        return False  # "on 5 December 2023 (Tuesday)": the weekday of the date before it
    if kind == "deictic" and re.match(r"(?i)last|this|next", match_text):
        # "over the last year", "in the next month": a duration, not a period.
        return not re.search(r"\b(?:the|over|past|within)\s+$", before, re.IGNORECASE)
    return True


# A word that makes a date approximate ("ordered c. 2016", "around June 2019"): part of its
# span, so that the parser reads it ("c. 2016") wherever the text is read again.
_APPROXIMATELY = re.compile(r"\b(?:c\.|circa|around|approximately|roughly)\s+$", re.IGNORECASE)
_APPROXIMABLE = frozenset({"day", "month", "year", "decade", "season", "quarter"})


def _candidates(text: str) -> list[tuple[int, int, str]]:
    # "an April–March fiscal year": the months a kind of year runs, no date (nor its months).
    kinds_of_year = [
        (match.start(), match.end())
        for kind, pattern in _PATTERNS
        if kind == "range"
        for match in pattern.finditer(text)
        if _KIND_OF_YEAR.match(text, match.end())
    ]
    found = [
        (_approximate_start(text, start, kind), match.end(), kind)
        for kind, pattern in _PATTERNS
        for match in pattern.finditer(text)
        if _accept(kind, text, start := _deadline_start(text, match), text[start : match.end()])
        and not any(a <= match.start() and match.end() <= b for a, b in kinds_of_year)
    ]
    found.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    return found


def _deadline_start(text: str, match: re.Match) -> int:
    """Where a date begins: "by the end of next year" is a deadline, no later than next year,
    so "next year" (not its last months)."""
    part = re.match(PART, match.group())
    if part and re.search(r"\bby\s+$", text[max(0, match.start() - 4) : match.start()], re.I):
        return match.start() + part.end()
    return match.start()


def _approximate_start(text: str, start: int, kind: str) -> int:
    """Where a date begins with the word before it that makes it approximate, if any."""
    if kind not in _APPROXIMABLE:
        return start
    match = _APPROXIMATELY.search(text, max(0, start - 16), start)
    return match.start() if match else start


# What a past clause moves to last year when the reference's year would put it after the
# text's own date: a day or month written without a year, not a weekday or "next month".
_YEAR_LENT = frozenset({"day", "day_range", "month", "range"})


def _last_year_if_past(
    expression: str, kind: str | None, parsed: ParsedDate, reference: Reference, tense: str
) -> ParsedDate:
    """A day or month said in the past ("the election in November", in February): last year's
    November, not this year's, which is after the text was written; said in the future ("will
    be held in May", in June): next year's, not this year's, which is over."""
    if (
        tense == Tense.PAST
        and parsed.start > reference.latest
        and kind in _YEAR_LENT
        and not _WRITTEN_YEAR.search(expression)
    ):
        earlier = _parse(expression, reference, tense, parsed.start.year - 1)
        return earlier if isinstance(earlier, ParsedDate) else parsed
    return parsed


# What says, beyond a present tense (which a chronology uses for the past: "March 26: Fomin
# arrives"), that the clause speaks of what is to come.
_PLANNED = re.compile(
    r"\b(?:will|shall|would|(?:is|are|was|were)\s+(?:due|scheduled|set|expected|slated|planned)"
    r"\s+(?:to|for)|(?:is|are)\s+to|plans?\s+to|intends?\s+to)\b|[’']ll\b",
    re.IGNORECASE,
)


def _next_year_if_planned(
    expression: str, kind: str | None, parsed: ParsedDate, reference: Reference, clause: str
) -> ParsedDate:
    """A day or month without its year, in a clause that says it is to come ("will be held in
    May", written in June): next year's, not this year's, which is over."""
    if (
        kind in _YEAR_LENT
        and interval(parsed.start, parsed.end, parsed.precision)[1] < reference.day
        and not _WRITTEN_YEAR.search(expression)
        and _PLANNED.search(clause)
    ):
        later = _parse(expression, reference, Tense.FUTURE, parsed.start.year + 1)
        return later if isinstance(later, ParsedDate) else parsed
    return parsed


def said_to_come(text: str, start: int, end: int) -> bool:
    """Whether the clause of ``text[start:end]`` says what happens at that date is still to
    come: "later this month", or "will", "is expected to", "is due to" in the clause ("is
    expected to visit Russia later this month", "will take part ... this year")."""
    if re.match(r"later\s+this\b", text[start:end], re.IGNORECASE):
        return True
    return bool(_PLANNED.search(_clause_of(text, start, end)))


def _clause_of(text: str, start: int, end: int) -> str:
    """The clause around ``text[start:end]`` (as ``clause_tense`` bounds it)."""
    left, right = _clause_bounds(text, start, end)
    return text[left:right]


def read_as_cited(
    text: str,
    reference: dt.date | Reference,
    context: str = "",
    start: int = 0,
    end: int | None = None,
) -> ParsedDate:
    """A date an analyst writes for an event, read as the suggestions read it in the passage
    it cites: the tense of the clause where the passage says it decides a weekday ("will
    arrive this Thursday" is the Thursday after the source's date, "met on Thursday" the one
    before), and a day or month without a year that a past clause would put after the
    source's date is last year's ("On December 30, they signed", in a January article).

    ``context``: the passage (or the words around the quote, or the quote alone) and
    ``start``/``end`` the quote's place in it: the date is looked for in the quote first,
    then nearest to it, so that a quote shorter than its sentence ("On December 30") is read
    in its sentence. Written in words the passage does not hold, the date takes the tense of
    the clause where the quote begins. Raises ``DateTextError`` as ``parse_date_text`` does.

    The event form, its live preview, the API and the disagreement check read dates with it,
    so an event saved from a sentence has the date the suggestion queue proposes for it.
    """
    written = text.strip()
    reference = as_reference(reference)
    end = len(context) if end is None else end
    at = _written_at(written, context, start, end)
    if at is not None:
        tense, evidence = clause_tense(context, at, at + len(written))
    elif context:
        tense, evidence = clause_tense(context, start, start)
    else:
        tense, evidence = Tense.PAST, False
    parsed = parse_date_text(written, reference, tense)
    if at is not None and _in_purpose(context, at):
        # "arrived on Saturday to attend Monday's parade": counted as the extractor counts it.
        same = [f for f in _explicit(context, reference).found if f.start == at]
        if same and same[0].end - same[0].start == len(written):
            return same[0].parsed
    if not evidence:
        return parsed
    # The kind of the longest expression that ends the text ("in early March": a month).
    ends = [
        (match.start(), kind)
        for kind, pattern in _PATTERNS
        for match in pattern.finditer(written)
        if match.end() == len(written)
    ]
    kind = min(ends)[1] if ends else None
    parsed = _last_year_if_past(written, kind, parsed, reference, tense)
    if at is not None and tense == Tense.FUTURE:
        parsed = _next_year_if_planned(
            written, kind, parsed, reference, _clause_of(context, at, at + len(written))
        )
    return parsed


def _written_at(written: str, context: str, start: int, end: int) -> int | None:
    """Where the date as written is in ``context`` (ignoring case): in the quote
    ``context[start:end]`` first, else the nearest to it; None when it is not there."""
    if not context or not written:
        return None
    hits = [m.start() for m in re.finditer(re.escape(written.lower()), context.lower())]
    if not hits:
        return None
    return min(hits, key=lambda h: (not start <= h < max(end, start + 1), abs(h - start)))


# --- A date that opens a stay -----------------------------------------------------------------
# "June 20: ... embarks on a week-long visit", "began a three-day visit to Moscow on Monday",
# "a five-day trip starting 20 June", "arrives ... on October 28 and stays for three days": the
# day is the first of a stay whose length the words state.

_STAY_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fourteen": 14,
}  # fmt: skip
_STAY_COUNT = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen)"
# A stay's length in days; a length in days is exact, in weeks or months loose ("week-long").
_STAY_UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30}
_STAY_UNIT = r"(?:day|week|fortnight|month)"
# "week-long", "weeklong", "two-week-long", "three-day", "3-day", "two-week", "fortnight-long".
_STAY_LENGTH = (
    rf"(?:(?P<count>{_STAY_COUNT})[\s-]+)?(?P<unit>{_STAY_UNIT})[\s-]?long"
    rf"|(?P<count2>{_STAY_COUNT})-(?P<unit2>{_STAY_UNIT})"
)
# "a week-long visit", "his three-day official visit", "a two-week working trip to Russia".
_STAY_LENGTH_PLAIN = re.sub(r"\?P<\w+>", "?:", _STAY_LENGTH)  # in patterns that name it twice
_LENGTH_STAY = (
    rf"(?:a|an|his|her|their|its)\s+(?:{_STAY_LENGTH_PLAIN})\s+(?:[a-z]+\s+){{0,2}}?"
    r"(?:visit|trip|tour|stay|journey)\b"
)
# "stays for three days", "remained there for a week".
_STAYS_FOR = (
    r"(?:stay|stays|stayed|staying|remain|remains|remained|remaining)\s+(?:there\s+)?for\s+"
    rf"(?:an?|{_STAY_COUNT})\s+{_STAY_UNIT}s?\b"
)
# Verbs that open a stay named right after them: "embarks on", "began", "set off on".
_OPENS = (
    r"(?:embark(?:s|ed|ing)?\s+on|begins?|began|beginning|starts?|started|starting"
    r"|kick(?:s|ed|ing)?\s+off|launch(?:es|ed|ing)?|opens?|opened|opening"
    r"|set(?:s|ting)?\s+(?:off|out)\s+on|(?:leaves?|left|depart(?:s|ed|ing)?)\s+(?:for|on))"
)
# Verbs of coming: "arrived in Moscow on 20 June for a five-day visit", "... and stays for".
_COMES = (
    r"(?:arriv(?:e|es|ed|ing)|travel(?:s|led|ed|ling|ing)?|fl(?:y|ies|ew|ying)|c(?:o|a)mes?"
    r"|(?:goes|went|go)|head(?:s|ed|ing)?)"
)
# Inside a sentence, at most so many characters, no clause-ending punctuation (the dots of
# abbreviations, "Snr. Gen.", are blanked first).
_GAP = r"[^.;!?@]{0,80}?"
# The same, through no relative or subordinate word: in "On June 20 he met Shoigu, who began
# a week-long visit", the visit is Shoigu's, not opened on June 20.
_OWN_GAP = (
    r"(?:(?!\b(?:who|whom|whose|which|while|when|after|before|since|as|during)\b)[^.;!?@]){0,80}?"
)
_STAY_AFTER = re.compile(  # the date, then what it opens
    rf"@{_OWN_GAP}\b(?:{_OPENS}\s+(?:{_LENGTH_STAY})|{_COMES}\b{_GAP}\bfor\s+(?:{_LENGTH_STAY})"
    rf"|and\s+{_STAYS_FOR})",
    re.IGNORECASE,
)
_STAY_AROUND = re.compile(  # a verb of coming before the date, the stay after it
    rf"\b{_COMES}\b{_GAP}@{_GAP}\b(?:for\s+(?:{_LENGTH_STAY})|and\s+{_STAYS_FOR})",
    re.IGNORECASE,
)
_STAY_BEFORE = re.compile(  # what opens, then the date: "began a three-day visit ... on @"
    rf"\b(?:{_OPENS}\s+(?:{_LENGTH_STAY}){_GAP}|(?:{_LENGTH_STAY}),?\s+(?:starting|beginning"
    r"|from|that\s+(?:began|begins|starts|started)|which\s+(?:began|begins|starts|started))"
    r"\s+(?:on\s+)?)@",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Stay:
    """The stay a date opens: its length in days, and whether that length is loose (in
    weeks or months: "week-long")."""

    days: int
    approximate: bool


# The length of the stay a match names, read from its words.
_STAY_LENGTH_OF = re.compile(
    rf"\b(?:{_STAY_LENGTH}|for\s+(?P<count3>an?|{_STAY_COUNT})\s+"
    rf"(?P<unit3>{_STAY_UNIT})s?\b)",
    re.IGNORECASE,
)


def _stay_of(match: re.Match) -> Stay | None:
    length = _STAY_LENGTH_OF.search(match.group())
    if length is None:
        return None
    groups = length.groupdict()
    unit = groups.get("unit") or groups.get("unit2") or groups.get("unit3")
    if unit is None:
        return None
    word = (groups.get("count") or groups.get("count2") or groups.get("count3") or "one").lower()
    count = _STAY_COUNTS.get(word) or int(word)
    if count < 1:
        return None
    unit = unit.lower()
    return Stay(count * _STAY_UNIT_DAYS[unit], unit != "day")


def stay_opened(text: str, start: int, end: int) -> Stay | None:
    """The stay the date at ``text[start:end]`` opens, when the words of its sentence say so
    and state its length: "June 20: ... embarks on a week-long visit" (a week, loose), "began
    a three-day visit to Moscow on Monday", "a five-day trip starting 20 June", "arrived in
    Hanoi on 3 March for a two-week visit", "arrives ... on October 28 and stays for three
    days". None otherwise: a stay of no stated length ("began a visit on Monday"), one the
    date ends ("ended a week-long visit on Friday"), a meeting of stated length ("arrives to
    attend the two-day conference": the arrival is not its first day), or a stay another date
    of the sentence opens ("On Monday X, who began a three-day visit on Saturday, met Y")."""
    plain = _without_abbreviations(text)
    left = max((m.end() for m in _SENTENCE_END.finditer(plain, 0, start)), default=0)
    right_match = _SENTENCE_END.search(plain, end)
    right = right_match.start() if right_match else len(text)
    # The other dates of the sentence bound where its words can be: what lies past one of
    # them is that date's.
    others = [
        (m.start(), m.end())
        for _, pattern in _PATTERNS
        for m in pattern.finditer(plain, left, right)
        if m.end() <= start or m.start() >= end
    ]
    before = max((b for a, b in others if b <= start), default=left)
    after = min((a for a, b in others if a >= end), default=right)
    window = plain[before:start] + "@" + plain[end:after]
    at = start - before
    for pattern in (_STAY_BEFORE, _STAY_AROUND, _STAY_AFTER):
        match = pattern.search(window)
        if match is None:
            continue
        if pattern is _STAY_AFTER and after < right and match.end() + 40 > len(window):
            # "On Monday X, who began a three-day visit on Saturday": the stay right before
            # another date is that date's.
            continue
        if pattern is not _STAY_BEFORE and match.start() > at:
            continue
        return _stay_of(match)
    return None


def as_stay(parsed: ParsedDate, stay: Stay | None) -> ParsedDate:
    """A single day read as the first of ``stay``: the span over its length (approximate
    when the length is loose). A span, a month or a year is as it is: the stay's days are
    counted from a day."""
    if stay is None or parsed.precision != Precision.DAY or parsed.end is not None:
        return parsed
    try:
        last = parsed.start + dt.timedelta(days=stay.days - 1)
    except OverflowError:
        return parsed
    if last.year > LAST_YEAR:
        return parsed
    end = last if last != parsed.start else None
    return ParsedDate(parsed.start, end, Precision.DAY, parsed.approximate or stay.approximate)


def read_stay_as_cited(
    text: str,
    reference: dt.date | Reference,
    context: str = "",
    start: int = 0,
    end: int | None = None,
) -> ParsedDate:
    """``read_as_cited``, and a day the words around it say opens a stay of a stated length
    (``stay_opened``) read as the stay's days: "June 20" in "June 20: ... embarks on a
    week-long visit to Russia" is c. 20-26 June. What the check that sources disagree reads
    a citation's date as: the visit that began June 20 contains "June 22-24"."""
    parsed = read_as_cited(text, reference, context, start, end)
    return as_stay(parsed, stay_as_cited(text, context, start, end))


def stay_as_cited(text: str, context: str, start: int = 0, end: int | None = None) -> Stay | None:
    """The stay the date as written opens where ``context`` writes it (looked for as
    ``read_as_cited`` looks: in the quote ``context[start:end]`` first, else nearest to it),
    or None (``stay_opened``; and where the context does not write it)."""
    written = text.strip()
    at = _written_at(written, context, start, len(context) if end is None else end)
    if at is None:
        return None
    return stay_opened(context, at, at + len(written))


# An infinitive of purpose before a day, in its clause: "arrived on Saturday to attend
# Monday's parade", "flew to Moscow in order to take part in Wednesday's talks". Not "to the",
# "to Moscow", "to talks" (a preposition), nor one with a tense word after it ("to see the
# parade, which took place on Monday").
_PURPOSE = re.compile(
    r"\b(?:in\s+order\s+)?to\s+(?!(?:the|a|an|his|her|its|their|our|this|that|these|those|be"
    r"|have)\b)(?P<verb>[a-z]{2,})\b(?P<rest>[^,;:.!?—–()]{0,60})$"
)


def _in_purpose(text: str, start: int) -> bool:
    """Whether the day at ``start`` is in an infinitive of purpose: what it is for comes after
    the happening of the clause it hangs on."""
    left, _ = _clause_bounds(text, start, start)
    match = _PURPOSE.search(text, left, start)
    if match is None:
        return False
    verb, rest = match["verb"], match["rest"]
    if (verb.endswith("s") and not verb.endswith("ss")) or verb.endswith("ing"):
        return False  # "to talks", "to meetings": nouns
    return not (_PAST.search(rest) or _FUTURE.search(rest))


_INVITED = re.compile(
    r"\b(?:invited|asked|urged|encouraged|called\s+on|requested|offered|proposed)\b"
    r"(?:\s+[\w’'-]+){0,5}?\s+to\s+[a-z]{2,}",
    re.IGNORECASE,
)


def _invited(text: str, start: int) -> bool:
    """Whether the clause before ``text[start:]`` invites or asks someone to do something
    ("invited Min Aung Hlaing to attend ..."): what they were invited to is still to come."""
    left, _ = _clause_bounds(text, start, start)
    return bool(_INVITED.search(text, left, start))


# A time of day before "today" makes it the day ("received them at 3 pm today", "later
# today"), however far its verb.
_AT_A_TIME = re.compile(
    r"(?:\b(?:earlier|later)|\d(?:\s*[ap]\.?m\b\.?|\s*(?:hrs|hours|GMT|UTC)\b)|\d:\d\d)\s+$",
    re.IGNORECASE,
)


# A time of day after it makes "today" the day too: "Today, at 09:00 local time, the ships
# arrived", "today at 3 pm".
_A_TIME_AFTER = re.compile(
    r",?\s+(?:at\s+)?(?:\d{1,2}:\d\d\b|\d{1,2}(?:[.:]\d\d)?\s*[ap]\.?m\b|noon\b|midday\b)",
    re.IGNORECASE,
)


def _explicit(
    text: str,
    reference: Reference,
    year: int | None = None,
    weak_year: int | None = None,
    last: ParsedDate | None = None,
) -> Reading:
    """The dates written in ``text``. A day or month written without a year takes the year
    ``text`` wrote before it, else ``year`` (a heading's: "2021" ... "February 1"), else the
    reference's; ``weak_year`` (an earlier sentence's) only when the reference's would put a
    past event after the reference date (its last day, for a source dated to the month).
    ``last``: the last date its paragraph wrote before ``text``; "on the 15th" (read in the
    source's month) is refused when the text is at a date in another month ("In March 2019,
    ... on the 15th": which month's 15th is not the source's to tell)."""
    latest = reference.latest
    reading = Reading(year=None)
    strong = year
    taken: list[tuple[int, int]] = []
    for start, end, kind in _candidates(text):
        if any(start < b and a < end for a, b in taken):
            continue
        expression = text[start:end]
        today = kind == "deictic" and expression.lower() == "today"
        tense, evidence = clause_tense(text, start, end, reach=30 if today else 10_000)
        if (
            today
            and not evidence
            and not _AT_A_TIME.search(text, max(0, start - 24), start)
            and not _A_TIME_AFTER.match(text, end)
        ):
            continue  # "the partnership endures today": nowadays, not a day
        parsed = _parse(expression, reference, tense, strong)
        purpose = tense == Tense.PAST and _in_purpose(text, start)
        if kind == "weekday" and purpose:
            # "arrived on Saturday to attend Monday's parade": the Monday after the
            # Saturday (after the source's date when the sentence names no day before it).
            # A future clause looks forward already ("is due to ... and to hold talks").
            since = [f.parsed for f in reading.found if f.parsed.precision == Precision.DAY]
            base = replace(reference, day=since[-1].start) if since else reference
            parsed = _parse(expression, base, Tense.FUTURE, strong)
        # A day or month without its year that someone was invited or asked to come to
        # ("invited him to attend the parade in May", in February) is still to come: this
        # year's, not moved back to last year's as a past one after the source's date. Not
        # after a journey ("went to Moscow to attend the parade in May": it took place).
        forward = purpose and kind in _YEAR_LENT and _invited(text, start)
        if (
            weak_year
            and not strong
            and tense == Tense.PAST
            and not forward
            and isinstance(parsed, ParsedDate)
            and parsed.start > latest
            and not _WRITTEN_YEAR.search(expression)
        ):
            parsed = _parse(expression, reference, tense, weak_year)
        if evidence and isinstance(parsed, ParsedDate) and not forward:
            parsed = _last_year_if_past(expression, kind, parsed, reference, tense)
            if tense == Tense.FUTURE and strong is None:
                parsed = _next_year_if_planned(
                    expression, kind, parsed, reference, _clause_of(text, start, end)
                )
        if kind == "month_day" and isinstance(parsed, ParsedDate) and last is not None:
            first, final = _bounds(last)
            if not first.replace(day=1) <= parsed.start <= period_end(final, Precision.MONTH):
                parsed = (
                    f'"{expression}": the text is at {last.describe()} here, so which month '
                    f"it means is not the source's ({reference.describe()}) to tell; write "
                    'the month ("15 March 2021").'
                )
        if isinstance(parsed, str):
            if not parsed.startswith("Could not read"):
                # Refused in full ("2021/22", "June 31"): no shorter reading inside it.
                reading.refused.append(Refusal(start, end, expression, parsed))
                taken.append((start, end))
            continue
        taken.append((start, end))
        found = FoundDate(start, end, expression, parsed)
        reading.found.append(found)
        last = parsed
        written = year_established(found)
        if written:
            reading.year = strong = written
    return reading


# --- Narrative time ---------------------------------------------------------------------------


def _bounds(parsed: ParsedDate) -> tuple[dt.date, dt.date]:
    return interval(parsed.start, parsed.end, parsed.precision)


def _fits(anchor: ParsedDate, unit: str) -> bool:
    return anchor.precision in _FINE_ENOUGH[_PRECISION_FOR.get(unit, Precision.DAY)]


def _shift_date(anchor: ParsedDate, unit: str, shift: int) -> ParsedDate | None:
    """``anchor`` moved by ``shift`` units ("the next day", "two years later"); None when
    that cannot be told, or leaves the years the timeline holds."""
    try:
        shifted = _shifted(anchor, unit, shift)
    except (OverflowError, ValueError):
        return None
    if shifted is None or not FIRST_YEAR <= shifted.start.year <= LAST_YEAR:
        return None
    return shifted


def _shifted(anchor: ParsedDate, unit: str, shift: int) -> ParsedDate | None:
    if unit == "day":
        if anchor.end is not None and shift == 0:
            return None  # "the same day" after "June 22-24": which day?
        base = anchor.end if (shift > 0 and anchor.end) else anchor.start
        return ParsedDate(base + dt.timedelta(days=shift), None, Precision.DAY, True)
    if unit == "month":
        if anchor.end is not None and (anchor.start.year, anchor.start.month) != (
            anchor.end.year,
            anchor.end.month,
        ):
            return None
        index = anchor.start.year * 12 + anchor.start.month - 1 + shift
        return ParsedDate(dt.date(index // 12, index % 12 + 1, 1), None, Precision.MONTH, True)
    if anchor.end is not None and anchor.end.year != anchor.start.year:
        return None  # "between 1999 and 2018 ... that same year": which year?
    return ParsedDate(dt.date(anchor.start.year + shift, 1, 1), None, Precision.YEAR, True)


def _season_after(anchor: ParsedDate, first_month: int, shift: int) -> ParsedDate | None:
    """The season ``shift`` from ``anchor``: that year's ("that summer" after "January
    2018"), the first to begin after it (1), the last to end before it (-1); None when the
    anchor spans years ("between 1999 and 2018 ... that summer": which?)."""
    first, last = _bounds(anchor)
    if shift == 0:
        if first.year != last.year:
            return None
        year = first.year
    elif shift > 0:
        year = last.year if dt.date(last.year, first_month, 1) > last else last.year + 1
    else:
        ends = dt.date(first.year, first_month + 2, 1)
        year = first.year if ends < first.replace(day=1) else first.year - 1
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    start = dt.date(year, first_month, 1)
    return ParsedDate(start, dt.date(year, first_month + 2, 1), Precision.MONTH, True)


def _narrative(
    text: str,
    explicit: list[FoundDate],
    previous: Sequence[Anchor],
    context: Anchor | None,
    unread: Sequence[Refusal] = (),
) -> Reading:
    """Narrative time in ``text``; ``unread``: the explicit expressions refused in it. After
    one of them the text is at a date that is not read: nothing before it is counted from."""
    reading = Reading()
    taken = [(f.start, f.end) for f in explicit]
    matches = [
        (match, unit, shift)
        for pattern, unit, shift in _NARRATIVE_PATTERNS
        for match in pattern.finditer(text)
    ]
    matches.sort(key=lambda m: (m[0].start(), -(m[0].end() - m[0].start())))
    resolved: list[FoundDate] = []
    for match, unit, shift in matches:
        a, b = match.start(), match.end()
        if any(a < y and x < b for x, y in taken):
            continue
        expression = match.group()
        if (unit == "count" or re.search(r"(?:before|after)$", expression)) and re.search(
            r"\b(?:in|within|for|over|past|last|next|first|during|throughout)\s+$",
            text[max(0, a - 12) : a],
            re.I,
        ):
            # "his second trip in two months after a visit", "contacts in the year after
            # the coup": a duration
            continue
        if unit in {"week", "winter"}:
            taken.append((a, b))
            why = (
                "a week is no precision a date can have here"
                if unit == "week"
                else "a winter spans two years, and which is not written"
            )
            reading.refused.append(
                Refusal(
                    a, b, expression, f'"{expression}": {why}; the date is left for the analyst.'
                )
            )
            continue
        days = months = 0
        need = "year" if unit == "season" else unit
        if unit == "count":
            count_word = match["count"].lower()
            count = _NUMBERS.get(count_word) or int(count_word)
            kind = match["unit"].lower().rstrip("s")
            sign = -1 if match["dir"].lower() in {"before", "earlier"} else 1
            days = sign * count * _UNIT_DAYS[kind]
            # "two years later" after "2016" is 2018, after "June 2013" or "June 22, 2013"
            # June 2015: a count of years or months lands in a month at the finest, never
            # on a day (the text gives none).
            months = sign * count * (12 if kind == "year" else 1)
            need = kind if kind in {"month", "year"} else "day"
        # "before"/"after" followed by words: its anchor comes after it.
        following = text[b : b + 60]
        looks_ahead = bool(re.search(r"(?:before|after)$", expression, re.IGNORECASE)) and bool(
            re.match(r"\s+[\w“\"]", following)
        )
        anchor: Anchor | None = None
        if looks_ahead:
            after = [f for f in explicit if f.start >= b and f.start - b < 40]
            if after:
                anchor = after[0].as_anchor()
            elif context is not None:
                anchor = context
            elif explicit:
                continue  # "last Friday, a day after troops crossed": dated by its own date
            else:
                # "two weeks before the coup": the coup's date is not written here, and the
                # text is at a date that is not read (no earlier date stands in for it).
                what = " ".join(following.split()[:3]).rstrip(".,;:")
                taken.append((a, b))
                reading.refused.append(
                    Refusal(
                        a,
                        b,
                        expression,
                        f'"{expression}" is counted from “{what}…”, whose date this sentence '
                        "does not write; the date is left for the analyst.",
                    )
                )
                continue
        else:
            # "arrived on 4-12-2023 ... The previous day": not counted from a date before the
            # one not read ("18 February 2024" two sentences earlier).
            barrier = max((r.end for r in [*unread, *reading.refused] if r.end <= a), default=-1)
            earlier = sorted(
                [f for f in explicit + resolved if barrier <= f.start and f.end <= a],
                key=lambda f: f.start,
            )
            candidates = [f.as_anchor() for f in earlier][::-1]
            if barrier < 0:
                candidates += list(previous)[::-1]
            if context is not None and barrier < 0:
                candidates.append(context)
            anchor = next((c for c in candidates if _fits(c.parsed, need)), None)
            if anchor is not None and anchor is not candidates[0] and anchor is not context:
                # The text is at its last date: an earlier, finer one is where it still is
                # only inside it ("On June 22 ... In June ... the next day"), not after "in
                # December 2024" when it was at March 31.
                latest = _bounds(candidates[0].parsed)
                inside = _bounds(anchor.parsed)
                if not (latest[0] <= inside[0] and inside[1] <= latest[1]):
                    anchor = None
        if anchor is None or not _fits(anchor.parsed, need):
            taken.append((a, b))
            reading.refused.append(
                Refusal(
                    a,
                    b,
                    expression,
                    f'"{expression}": no date before it to count from at '
                    "that precision; the date is left for the analyst.",
                )
            )
            continue
        if unit == "count" and anchor.parsed.precision == Precision.YEAR:
            parsed: ParsedDate | None = _shift_date(anchor.parsed, "year", months // 12)
        elif unit == "count" and need in {"month", "year"}:
            parsed = _shift_date(anchor.parsed, "month", months)
        elif unit == "count":
            base = anchor.parsed.end if (days > 0 and anchor.parsed.end) else anchor.parsed.start
            parsed = ParsedDate(base + dt.timedelta(days=days), None, Precision.DAY, True)
        elif unit == "season":
            first_month = SEASON_FIRST_MONTH[match["season"].lower()]
            parsed = _season_after(anchor.parsed, first_month, shift)
        else:
            parsed = _shift_date(anchor.parsed, unit, shift)
        taken.append((a, b))
        if parsed is None:
            reading.refused.append(
                Refusal(
                    a,
                    b,
                    expression,
                    f'"{expression}" after “{anchor.text}”: which '
                    f"{unit}? The date is left for the analyst.",
                )
            )
            continue
        found = FoundDate(a, b, expression, parsed, relative=True, anchor=anchor)
        resolved.append(found)
        reading.found.append(found)
    return reading


def read_dates(
    text: str,
    reference: dt.date | Reference,
    context: ParsedDate | Anchor | None = None,
    previous: ParsedDate | Anchor | Sequence[Anchor] | None = None,
    year: int | None = None,
    weak_year: int | None = None,
    last: ParsedDate | None = None,
) -> Reading:
    """Every date expression in ``text``, in order, read against ``reference`` (a
    ``lib.dates.Reference`` when the text's own date is known only to the month or year, or
    not at all: what is counted from it more finely is refused), and every expression
    refused (with why). ``year``: the year a heading established for ``text``,
    which a day or month written without one takes (else the reference's); ``weak_year``:
    the year an earlier sentence wrote, taken only where the reference's year cannot be
    (a past event after the reference date). ``Reading.year``: the last year ``text``
    writes. ``last``: the last date ``text``'s paragraph wrote before it (where "on the
    15th" must fall, if it is to be read in the source's month).

    ``previous``: the dates the text established before ``text`` (oldest first), the anchors
    of narrative time ("the next day", "that same year"). ``context``: the date narrative
    expressions fall back on (a chronology entry's).
    """
    if isinstance(context, ParsedDate):
        context = Anchor("", 0, 0, context)
    if isinstance(previous, ParsedDate):
        previous = [Anchor("", 0, 0, previous)]
    elif isinstance(previous, Anchor):
        previous = [previous]
    explicit = _explicit(text, as_reference(reference), year, weak_year, last)
    narrative = _narrative(text, explicit.found, previous or [], context, explicit.refused)
    found = sorted(explicit.found + narrative.found, key=lambda f: f.start)
    refused = sorted(explicit.refused + narrative.refused, key=lambda r: r.start)
    refused = [r for r in refused if not any(r.start < f.end and f.start < r.end for f in found)]
    return Reading(found, refused, explicit.year)


def find_dates(
    text: str,
    reference: dt.date | Reference,
    context: ParsedDate | Anchor | None = None,
    previous: ParsedDate | Anchor | Sequence[Anchor] | None = None,
    year: int | None = None,
) -> list[FoundDate]:
    """Every date expression in ``text`` that reads, in order, resolved against ``reference``
    (see ``read_dates``)."""
    return read_dates(text, reference, context, previous, year).found


# "since 2010", "since the army seized power in February 2021": a starting point.
_SINCE = re.compile(r"\bsince\b[^.,;:!?]{0,40}$", re.IGNORECASE)


def establishes(text: str, found: FoundDate) -> bool:
    """Whether a date moves the narrative's time: not a starting point ("since 2010")."""
    return not _SINCE.search(text[max(0, found.start - 50) : found.start])
