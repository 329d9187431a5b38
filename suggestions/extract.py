"""Read a source sentence by sentence and propose cited events.

Pure functions over plain data (passages, a reference date, an actor lexicon): no database,
so the same code serves the review queue, the API, ``suggest_events``, the evaluation and the
benchmark. ``proposals_for_source`` in ``suggestions.services`` feeds it from the database.

A proposal is one sentence (the citation: passage, start, end, verbatim), the date expression
it carries and its resolution, the actors it names (by name or alias), and a guessed type with
the words that suggested it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from events.models import EventType
from lib.dates import ParsedDate, interval
from lib.datesearch import FoundDate, find_dates

# --- Sentences -------------------------------------------------------------------------------

# Words ending in a dot that do not end a sentence ("Snr. Gen. Soe Win", "Jan. 25", "No. 2").
ABBREVIATIONS = frozenset(
    {
        "Snr", "Gen", "Lt", "Col", "Maj", "Capt", "Adm", "Vice", "Sgt", "Dr", "Mr", "Mrs", "Ms",
        "Prof", "St", "No", "Nos", "Jan", "Feb", "Mar", "Apr", "Aug", "Sep", "Sept", "Oct", "Nov",
        "Dec", "Jr", "Sr", "Co", "Corp", "Inc", "Ltd", "vs", "etc", "al", "e.g", "i.e", "U.S",
        "U.N",
    }
)  # fmt: skip
_END = re.compile(r"[.!?]+[”’\"')\]]*(?=\s+|$)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets in ``text``, without surrounding spaces; every character is in one."""
    spans, start = [], 0
    for match in _END.finditer(text):
        end = match.end()
        word = re.search(r"([\w.]+)\.$", text[start : match.start() + 1])
        if match.group().startswith(".") and word:
            token = word.group(1)
            # An abbreviation, or an initial ("L", "C") is not the end of a sentence.
            if token in ABBREVIATIONS or (len(token) == 1 and token.isupper()):
                continue
        following = text[end:].lstrip()
        if following and not (following[0].isupper() or following[0] in "“\"'‘(0123456789"):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    result = []
    for a, b in spans:
        piece = text[a:b]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            result.append((a + lead, a + len(piece.rstrip())))
    return result


# --- Actors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActorRef:
    id: int
    name: str
    slug: str
    kind: str


@dataclass(frozen=True)
class Mention:
    actor: ActorRef
    text: str
    start: int
    end: int


class Lexicon:
    """Every spelling of every actor, recognised at word boundaries, case-aware.

    A spelling with capitals matches as written (so "Tas" is TASS but "tas" is nothing, and
    "US" is not "us"); a spelling in lower case also matches with a capital first letter.
    The longest spelling wins ("Alexander Vasilyevich Fomin" over "Fomin").
    """

    def __init__(self, spellings: Iterable[tuple[str, ActorRef]]) -> None:
        self.by_spelling: dict[str, ActorRef] = {}
        for spelling, actor in spellings:
            spelling = " ".join(spelling.split())
            if not spelling:
                continue
            self.by_spelling.setdefault(spelling, actor)
            if spelling[0].islower():
                self.by_spelling.setdefault(spelling[0].upper() + spelling[1:], actor)
        names = sorted(self.by_spelling, key=len, reverse=True)
        alternation = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in names)
        # Not inside a word, and not "US$" (a currency, not the United States).
        self.pattern = re.compile(rf"(?<!\w)(?:{alternation})(?![\w$])") if names else None
        self.fingerprint = hashlib.sha256(
            "\n".join(
                f"{k}\t{v.id}\t{v.name}" for k, v in sorted(self.by_spelling.items())
            ).encode()
        ).hexdigest()[:16]

    def mentions(self, text: str) -> list[Mention]:
        if self.pattern is None:
            return []
        found = []
        for match in self.pattern.finditer(text):
            actor = self.by_spelling[" ".join(match.group().split())]
            found.append(Mention(actor, match.group(), match.start(), match.end()))
        return found


# --- Event types -----------------------------------------------------------------------------

# Cue words per type (EventType values), as regular expressions on whole words.
TYPE_CUES: dict[str, tuple[str, ...]] = {
    "award": (
        r"honorary", r"professorship", r"doctorate", r"medal", r"awarded", r"award",
        r"presented with", r"presented \w+ with", r"confers", r"bestowed",
    ),
    "parade": (r"parade", r"Armed Forces Day", r"Army Day", r"Victory Day"),
    "conference": (
        r"conference", r"exhibition", r"forum", r"Forum", r"summit", r"Conference",
    ),
    "exercise": (r"Army Games", r"exercises?", r"drills?", r"games"),
    "un_action": (
        r"General Assembly", r"Security Council", r"UNSC", r"resolution", r"abstained",
    ),
    "arms_deal": (
        # "supply Myanmar with", "arms supplies"; not "electricity supply".
        r"arms deals?", r"suppl(?:y|ied)\s+\w+\s+with", r"arms\s+supplies", r"sells", r"sold",
        r"procured", r"purchased",
        r"purchases", r"bought", r"weapons", r"missiles?", r"arms",
    ),
    "agreement": (r"agreement", r"signed", r"treaty", r"memorandum"),
    "economic": (r"investment", r"investing", r"trade", r"economic", r"financial"),
    "meeting": (r"meets?", r"met", r"meeting", r"talks", r"held talks", r"holds talks"),
    "visit": (
        r"visits?", r"visited", r"visiting", r"trip", r"travell?ed", r"travels", r"arrives",
        r"arrived", r"embarks",
    ),
    "military_action": (
        # "the coup" is an event; "the coup leader", "anti-coup protesters" are not.
        r"(?<!-)coup(?!\s+(?:leader|maker|government|regime)|-)", r"shot down",
        r"intervention", r"offensive", r"overthrew", r"seized power", r"seizure of power",
        r"attacks?",
    ),
    "statement": (
        r"said", r"says", r"stated", r"described", r"quoted", r"told", r"interviews?",
        r"lauded", r"condemn\w*",
    ),
    "policy": (r"decided", r"announced", r"approved", r"policy"),
}  # fmt: skip
# At equal counts, the first type in TYPE_CUES wins (the more specific kinds come first).
_CUE_PATTERNS = {
    kind: re.compile(r"\b(?:" + "|".join(cues) + r")\b") for kind, cues in TYPE_CUES.items()
}
_AGGREGATE = re.compile(r"\$|billion|million|%")


def guess_type(sentence: str, date: ParsedDate | None = None) -> tuple[str, tuple[str, ...]]:
    """The likeliest event type and the words in ``sentence`` that suggested it."""
    if date is not None and date.end is not None and date.end.year > date.start.year:
        money = _AGGREGATE.findall(sentence)
        if money:
            arms = _CUE_PATTERNS["arms_deal"].findall(sentence)
            return "aggregate", tuple(dict.fromkeys([*arms, *money]))
    best = "other"
    best_cues: tuple[str, ...] = ()
    for kind, pattern in _CUE_PATTERNS.items():
        cues = tuple(dict.fromkeys(m.group() for m in pattern.finditer(sentence)))
        if len(cues) > len(best_cues):
            best, best_cues = kind, cues
    return best, best_cues


# --- Proposals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PassageData:
    id: int
    index: int
    text: str


@dataclass(frozen=True)
class Proposal:
    passage_id: int
    passage_index: int
    start: int  # the sentence, in the passage
    end: int
    quote: str
    date: FoundDate  # offsets in the passage of ``date_passage_index``
    date_passage_index: int
    inherited: bool  # the date is an earlier sentence's or the chronology entry's
    actors: tuple[Mention, ...]
    type: str
    cues: tuple[str, ...]

    @property
    def type_label(self) -> str:
        return EventType(self.type).label if self.type in EventType.values else self.type

    @property
    def key(self) -> str:
        return f"{self.passage_id}:{self.start}:{self.end}"

    @property
    def interval(self) -> tuple[dt.date, dt.date]:
        parsed = self.date.parsed
        return interval(parsed.start, parsed.end, parsed.precision)

    @property
    def actor_refs(self) -> list[ActorRef]:
        return list({m.actor.id: m.actor for m in self.actors}.values())


# A date that says when something was reported, not when it happened: "a June 23 Reuters
# report", "a March 18 analysis", "reported on Jan. 25 that".
_REPORT_AFTER = re.compile(
    r"^[\s\w’'-]{0,30}?\b(?:report|analysis|article|study|statement|survey)\b"
)
# A date after "since" is a starting point of a state, not the date of an event.
_SINCE_BEFORE = re.compile(r"\bsince\s+(?:the\s+)?$", re.IGNORECASE)


def _is_report_date(text: str, found: FoundDate) -> bool:
    before = text[max(0, found.start - 20) : found.start]
    after = text[found.end : found.end + 40]
    if re.search(r"\breported\s+on\s+$|\bpublished\s+on\s+$", before):
        return True
    return bool(re.search(r"\ba\s+$", before) and _REPORT_AFTER.match(after))


def event_date(text: str, dates: list[FoundDate]) -> FoundDate | None:
    """The date of what the sentence reports, among the dates it carries."""
    usable = [
        f
        for f in dates
        if not _is_report_date(text, f)
        and not _SINCE_BEFORE.search(text[max(0, f.start - 12) : f.start])
    ]
    if not usable:
        return None
    relative = [f for f in usable if f.relative]
    return relative[0] if relative else usable[0]


def _entry_date(passage: PassageData, reference: dt.date) -> FoundDate | None:
    """The date of a chronology entry: the date a passage opens with, before a colon."""
    head = passage.text[:40]
    colon = head.find(":")
    if colon < 0:
        return None
    dates = find_dates(head[:colon], reference)
    if len(dates) == 1 and dates[0].start == 0 and dates[0].end == colon:
        return dates[0]
    return None


def chronology_entries(passages: list[PassageData], reference: dt.date) -> dict[int, FoundDate]:
    """The entries' dates by passage index, when the source is a chronology: at least two
    passages open with a date and a colon ("March 26: ...", "May 20-22: ...")."""
    entries = {}
    for passage in passages:
        opening = _entry_date(passage, reference)
        if opening is not None:
            entries[passage.index] = opening
    return entries if len(entries) >= 2 else {}


def extract(
    passages: Iterable[PassageData], reference: dt.date, lexicon: Lexicon
) -> list[Proposal]:
    """Every proposal in the passages, in reading order.

    A sentence becomes a proposal when it carries the date of what it reports and names an
    actor or suggests a type. A sentence without a date of its own takes (marked
    ``inherited``) the date of the sentence before it in the same paragraph when it names an
    actor and suggests a type ("In June, the UN ... Hlaing visited Russia ... In Moscow,
    Hlaing met with ..."); in a chronology (passages that open with "Month D:"), the lines
    after an entry's first line take the entry's date when they suggest a type.
    """
    proposals: list[Proposal] = []
    passages = list(passages)
    entries = chronology_entries(passages, reference)
    entry: tuple[FoundDate, int] | None = None
    last: ParsedDate | None = None  # the last date written so far: "that same year"
    for passage in passages:
        text = passage.text
        opening = entries.get(passage.index)
        if opening is not None:
            entry = (opening, passage.index)
        context = entry[0].parsed if entry else None
        previous: FoundDate | None = None
        for start, end in split_sentences(text):
            sentence = text[start:end]
            dates = find_dates(sentence, reference, context=context, previous=last)
            if dates:
                last = dates[-1].parsed
            own = event_date(sentence, dates)
            inherited = False
            if own is not None:
                date = FoundDate(
                    own.start + start, own.end + start, own.text, own.parsed, own.relative
                )
                date_index = passage.index
                previous = date
            elif previous is not None and not dates:
                date, date_index, inherited = previous, passage.index, True
            elif entry is not None and not dates:
                date, date_index, inherited = entry[0], entry[1], True
            else:
                continue
            actors = tuple(
                Mention(m.actor, m.text, m.start + start, m.end + start)
                for m in lexicon.mentions(sentence)
            )
            kind, cues = guess_type(sentence, date.parsed)
            if inherited and kind == "other":
                continue
            if inherited and date is previous and not actors:
                continue
            if not actors and kind == "other":
                continue
            proposals.append(
                Proposal(
                    passage_id=passage.id,
                    passage_index=passage.index,
                    start=start,
                    end=end,
                    quote=sentence,
                    date=date,
                    date_passage_index=date_index,
                    inherited=inherited,
                    actors=actors,
                    type=kind,
                    cues=cues,
                )
            )
    return proposals


def all_dates(passages: Iterable[PassageData], reference: dt.date) -> list[tuple[int, FoundDate]]:
    """Every date expression of the passages (passage index, found date in the passage),
    read sentence by sentence with the chronology context, as ``extract`` reads them."""
    found: list[tuple[int, FoundDate]] = []
    passages = list(passages)
    entries = chronology_entries(passages, reference)
    entry: FoundDate | None = None
    last: ParsedDate | None = None
    for passage in passages:
        opening = entries.get(passage.index)
        if opening is not None:
            entry = opening
        for start, end in split_sentences(passage.text):
            sentence = passage.text[start:end]
            context = entry.parsed if entry is not None else None
            dates = find_dates(sentence, reference, context, previous=last)
            if dates:
                last = dates[-1].parsed
            found.extend(
                (
                    passage.index,
                    FoundDate(f.start + start, f.end + start, f.text, f.parsed, f.relative),
                )
                for f in dates
            )
    return found
