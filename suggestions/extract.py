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
from dataclasses import dataclass, replace

from django.db import models

from events.models import EventType
from lib.dates import ParsedDate, Precision, Reference, as_reference, interval
from lib.datesearch import (
    FOOTNOTE_MARKS,
    Anchor,
    FoundDate,
    Refusal,
    establishes,
    find_dates,
    read_dates,
    said_to_come,
)
from lib.limits import LIMIT_WORDS, limit_side

# --- Sentences -------------------------------------------------------------------------------

# Words ending in a dot that do not end a sentence ("Snr. Gen. Soe Win", "Jan. 25", "No. 2").
ABBREVIATIONS = frozenset(
    {
        "Snr", "Gen", "Lt", "Col", "Maj", "Capt", "Adm", "Vice", "Sgt", "Dr", "Mr", "Mrs", "Ms",
        "Prof", "St", "No", "Nos", "Jan", "Feb", "Mar", "Apr", "Aug", "Sep", "Sept", "Oct", "Nov",
        "Dec", "Jr", "Sr", "Co", "Corp", "Inc", "Ltd", "vs", "etc", "al", "e.g", "i.e", "U.S",
        "U.N", "c", "ca",
    }
)  # fmt: skip
# A sentence's end, with the quotation marks or brackets that close it and a footnote's mark
# ("… after the coup.¹ In FY2023/24 …", "… the larger supplier.[5] Deliveries …").
_END = re.compile(rf"[.!?]+[”’\"')\]]*(?:\[\d{{1,3}}\]|[{FOOTNOTE_MARKS}]+)*(?=\s+|$)")
# A title before a name ("Snr. Gen. Soe Win") ends no sentence, but one before a word that
# opens sentences does: "Putin has never received the Snr. Gen. However, he met ...".
_TITLES = frozenset(
    {"Snr", "Gen", "Lt", "Col", "Maj", "Capt", "Adm", "Vice", "Sgt", "Dr", "Mr", "Mrs", "Ms",
     "Prof", "St", "Jr", "Sr", "U.S", "U.N", "etc", "Co", "Corp", "Inc", "Ltd"}
)  # fmt: skip
_OPENERS = frozenset(
    {"The", "A", "An", "He", "She", "It", "They", "We", "I", "This", "That", "These", "Those",
     "His", "Her", "Its", "Their", "There", "However", "But", "And", "Yet", "So", "In", "On",
     "At", "As", "After", "Before", "Despite", "Meanwhile", "Moreover", "Also", "When", "While",
     "Although", "According", "Since", "Under", "Then", "Later", "Last", "Earlier", "During",
     "Nevertheless", "Still", "Instead", "If", "Both", "Some", "Many", "Most"}
)  # fmt: skip


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets in ``text``, without surrounding spaces; every character is in one."""
    spans, start = [], 0
    for match in _END.finditer(text):
        end = match.end()
        word = re.search(r"([\w.]+)\.$", text[start : match.start() + 1])
        if match.group().startswith(".") and word:
            token = word.group(1)
            # An abbreviation, or an initial ("L", "C") is not the end of a sentence.
            numbered = token not in {"No", "Nos"} or re.match(r"\s*\d", text[end:])
            opener = re.match(r"\s+([A-Z][a-z]*)\b", text[end:])
            ends = token in _TITLES and opener is not None and opener.group(1) in _OPENERS
            if not ends and (
                (token in ABBREVIATIONS and numbered) or (len(token) == 1 and token.isupper())
            ):
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
        """The actors ``text`` names, in order. Every spelling found at every word is a
        candidate; the longest are taken first and none overlaps one taken: "Senior General
        Min Aung Hlaing" is Min Aung Hlaing once, not the aliases "General Min" and "Hlaing"
        (a scan from the left took "General Min" and left "Aung Hlaing" to "Hlaing")."""
        if self.pattern is None:
            return []
        candidates = []
        for word in re.finditer(r"(?<!\w)(?=\S)", text):
            match = self.pattern.match(text, word.start())
            if match is not None:  # the longest spelling starting at this word
                candidates.append((match.start(), match.end()))
        taken: list[tuple[int, int]] = []
        for start, end in sorted(candidates, key=lambda span: (span[0] - span[1], span[0])):
            if all(end <= a or b <= start for a, b in taken):
                taken.append((start, end))
        return [
            Mention(self.by_spelling[" ".join(text[a:b].split())], text[a:b], a, b)
            for a, b in sorted(taken)
        ]


# --- Event types -----------------------------------------------------------------------------

# Arms a transfer is of, and the words of a transfer (cues together, not alone: a parade's
# "flypast by Su-30s" is no delivery, nor is "delivered fuel").
_ARMS = (
    r"(?:(?:fighter\s+)?jets?|fighters?|aircraft|helicopters?|gunships?|trainers|drones?"
    r"|missiles?|(?:air[\s-]+defen[cs]e\s+)?systems?|warships?|submarines?|frigates?|tanks"
    r"|armou?red\s+vehicles|rifles|artillery|ammunition|radars?"
    r"|(?:Su|Yak|Mi|MiG|Ka|Il|An)-\d+\w*|Pantsir\S*|Orlan\S*)"
)
_ARMS_TRANSFER = (
    r"(?:(?:took|take|takes|taken|taking)\s+delivery\s+of|delivery\s+of|deliver(?:ed|s|ies)?"
    r"|receiv(?:ed|es|e|ing)|ordered|orders?\s+for|(?:agreed|plans?|decided|signed\s+\w+)\s+to\s+"
    r"(?:buy|purchase|acquire)|to\s+(?:buy|purchase|acquire)|acquired"
    # "handed over two Mi-38 helicopters", "took possession of two Su-30SME jets"
    r"|hand(?:ed|s)?\s+over|(?:took|take|takes|taking)\s+possession\s+of|transferred)"
)

# Cue words per type (EventType values), as regular expressions on whole words.
TYPE_CUES: dict[str, tuple[str, ...]] = {
    "award": (
        r"honorary", r"professorship", r"doctorate", r"medal", r"awarded", r"award",
        r"presented with", r"presented \w+ with", r"confers", r"bestowed",
        r"Order\s+of(?=\s+[A-Z])",
    ),
    "parade": (r"parade", r"Armed Forces Day", r"Army Day", r"Victory Day"),
    "conference": (
        r"conference", r"exhibition", r"forum", r"Forum", r"summit", r"Conference",
    ),
    "exercise": (r"Army Games", r"exercises?", r"drills?", r"games"),
    "un_action": (
        r"General Assembly", r"Security Council", r"UNSC", r"resolution", r"abstained",
        r"vetoed",
    ),
    "arms_deal": (
        # "supply Myanmar with", "arms supplies"; not "electricity supply".
        r"arms deals?", r"suppl(?:y|ied)\s+\w+\s+with", r"arms\s+supplies", r"sells", r"sold",
        r"procured", r"purchased",
        r"purchases", r"bought", r"weapons", r"missiles?", r"arms",
        # A delivery, receipt, order or purchase of arms: "took delivery of six Su-30
        # fighters", "received two Mi-35 helicopters", "agreed to buy drones", "the jets were
        # delivered"; not "delivered 30,000 tonnes of fuel", "agreed to buy wheat".
        rf"{_ARMS_TRANSFER}[^.,;:]{{0,50}}?\b{_ARMS}",
        rf"{_ARMS}\s+(?:(?:were|was|had\s+been|have\s+been|has\s+been)\s+)"
        r"(?:delivered|handed\s+over|transferred)",
        # An arms register: "Six Yak-130 trainer aircraft: ordered in 2015, delivered
        # 2017-2019", "Su-30SME fighters ordered in 2018": ordered or delivered at a year.
        rf"{_ARMS}[^.]{{0,60}}?\b(?:ordered|delivered|received|acquired)\s+(?:in\s+)?"
        rf"(?:c\.\s*|around\s+)?(?:(?:early|mid|late)[\s-]+)?(?:[A-Z][a-z]+\.?\s+)?\d{{4}}",
    ),
    "agreement": (
        r"agreement", r"signed", r"treaty", r"memorandum", r"inked", r"pact", r"accord",
    ),
    "economic": (
        r"investment", r"investing", r"trade", r"economic",
        r"financial(?!\s+year)",  # not the "2023-2024 financial year" a plan is for
    ),
    "meeting": (
        r"meets?", r"met", r"meeting", r"talks", r"held talks", r"holds talks", r"[Cc]onsultations",
        r"courtesy\s+call", r"(?:tele)?phone\s+(?:call|conversation|talks)",
        # State media: "received Deputy Minister ... Fomin", "received a Russian delegation";
        # not "received two Mi-35 helicopters" (an arms deal).
        r"received(?=\s+(?:(?:a|an|the)\s+)?(?:[A-Z]|delegation|visiting|envoy))",
    ),
    "visit": (
        r"visits?", r"visited", r"visiting", r"trip", r"travell?ed", r"travels", r"arrives",
        r"arrived", r"arrive", r"embarks",
        # "He returned in 2016", "came back as head of a government"; not "returned fire", nor
        # "returned to an April–March fiscal year".
        r"returned(?!\s+(?:as|fire|the|a|an|his|her|its|their|to\s+(?:power|an?))\b)",
        r"came\s+back",
        r"(?:returning|returns?)(?=\s+(?:home\b|to\s+[A-Z]))",
        # "left for Moscow", "departed for Kazan", "flew to Moscow": a journey to a place.
        r"(?:left|leaves?|depart(?:ed|s)?|set\s+off)\s+for(?=\s+[A-Z])", r"flew\s+to(?=\s+[A-Z])",
    ),
    "military_action": (
        # "the coup" is an event; "the coup leader", "anti-coup protesters" are not.
        r"(?<!-)coup(?!\s+(?:leader|maker|government|regime)|-)", r"shot down",
        r"invade[ds]?", r"invasion", r"kill(?:ed|s|ing)?",
        r"intervention", r"offensive", r"overthrew", r"seized power", r"seizure of power",
        r"attacks?",
    ),
    "statement": (
        r"said", r"says", r"stated", r"described", r"quoted", r"told", r"interviews?",
        r"briefed", r"briefs",
        r"lauded", r"condemn\w*",
    ),
    "policy": (r"decided", r"announced", r"approved", r"policy", r"declared", r"declares"),
}  # fmt: skip
# At equal counts, the first type in TYPE_CUES wins (the more specific kinds come first).
_CUE_PATTERNS = {
    kind: re.compile(r"\b(?:" + "|".join(cues) + r")\b") for kind, cues in TYPE_CUES.items()
}
_AGGREGATE = re.compile(r"\$|billion|million|%")


def _cue_matches(pattern: re.Pattern, sentence: str) -> list[re.Match]:
    """The cues of ``pattern`` in ``sentence``, its first word also in lower case ("Talks …
    will resume on Tuesday", "Trade … rose in 2023")."""
    found = {m.span(): m for m in pattern.finditer(sentence)}
    first = re.search(r"[A-Za-z]", sentence)
    if first and re.match(r"[A-Z][a-z]", sentence[first.start() :]):
        at = first.start()
        lowered = sentence[:at] + sentence[at].lower() + sentence[at + 1 :]
        for m in pattern.finditer(lowered):
            found.setdefault(m.span(), m)
    return [found[span] for span in sorted(found)]


def guess_type(
    sentence: str, date: ParsedDate | None = None, at: int | None = None
) -> tuple[str, tuple[str, ...]]:
    """The likeliest event type and the words in ``sentence`` that suggested it. ``at``: where
    the date is; of two types with as many cues, the one with a cue nearest before it wins,
    the word the date hangs on ("A delegation led by a deputy economic development minister
    arrived on Monday": a visit); else the first in ``TYPE_CUES``."""
    if date is not None and date.end is not None and date.end.year > date.start.year:
        money = _AGGREGATE.findall(sentence)
        if money:
            arms = _CUE_PATTERNS["arms_deal"].findall(sentence)
            return "aggregate", tuple(dict.fromkeys([*arms, *money]))
    best = "other"
    best_cues: tuple[str, ...] = ()
    best_distance = len(sentence)
    for kind, pattern in _CUE_PATTERNS.items():
        matches = _cue_matches(pattern, sentence)
        cues = tuple(dict.fromkeys(m.group() for m in matches))
        distance = min(
            (at - m.end() for m in matches if at is not None and m.end() <= at),
            default=len(sentence),
        )
        if len(cues) > len(best_cues) or (
            cues and len(cues) == len(best_cues) and distance < best_distance
        ):
            best, best_cues, best_distance = kind, cues, distance
    return best, best_cues


def _tied(sentence: str) -> bool:
    """Whether two types have as many cues in ``sentence`` as the best: "The junta seized power
    in February 2021, and has since relied on Russia for weapons" (its date's own clause
    decides: the coup, not an arms deal)."""
    counts = sorted(
        (
            len({m.group() for m in _cue_matches(pattern, sentence)})
            for pattern in _CUE_PATTERNS.values()
        ),
        reverse=True,
    )
    return counts[0] > 0 and counts[0] == counts[1]


# --- Proposals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PassageData:
    id: int
    index: int
    text: str


class DateSource(models.TextChoices):
    """Where a proposal's date was read."""

    SENTENCE = "sentence", "written in the sentence"
    # "the next day" in the sentence, counted from a date written elsewhere
    ANCHOR = "anchor", "counted from a date written elsewhere"
    PARAGRAPH = "paragraph", "an earlier sentence's"
    CHRONOLOGY = "chronology", "the chronology entry's"
    # the sentence opens a paragraph with no date: the last date the text reported before it
    CONTEXT = "context", "an earlier paragraph's"


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
    date_source: str = DateSource.SENTENCE
    # Why the date needs a look besides where it comes from, in words ("" for none): after
    # the last day the source can have been written on (what the sentence reports is planned
    # or foreseen: "is expected to return in May"), or a year lent by today to a source
    # with no date (``_caution``), or another date of the sentence is not read.
    caution: str = ""

    @property
    def type_label(self) -> str:
        return EventType(self.type).label if self.type in EventType.values else self.type

    @property
    def key(self) -> str:
        """Unique in a source: a sentence may propose one event per date it reports."""
        return (
            f"{self.passage_id}-{self.start}-{self.end}-{self.date_passage_index}-{self.date.start}"
        )

    @property
    def interval(self) -> tuple[dt.date, dt.date]:
        parsed = self.date.parsed
        return interval(parsed.start, parsed.end, parsed.precision)

    @property
    def participants(self) -> tuple[Mention, ...]:
        """One mention per actor, its first: an actor named twice in the sentence ("Min Aung
        Hlaing ... Hlaing") is one participant."""
        first: dict[int, Mention] = {}
        for mention in self.actors:
            first.setdefault(mention.actor.id, mention)
        return tuple(first.values())

    @property
    def actor_refs(self) -> list[ActorRef]:
        return list({m.actor.id: m.actor for m in self.actors}.values())

    @property
    def needs_review(self) -> bool:
        """The date is not written in the cited sentence, or is after the source's own: an
        analyst checks it."""
        return self.date_source != DateSource.SENTENCE or bool(self.caution)

    @property
    def date_origin(self) -> str:
        """Where the date comes from, in words ("" when the sentence writes it), and whether
        it is after the source's own date."""
        origin = date_origin(self.date_source, self.date, self.date_passage_index)
        if self.caution:
            origin = f"{origin}; {self.caution}" if origin else self.caution
        return origin

    @property
    def date_text(self) -> str:
        """The date as the cited sentence writes it, or "" when it does not."""
        if self.date_source in {DateSource.SENTENCE, DateSource.ANCHOR}:
            return self.date.text
        return ""


# Speculation is not a report of an event.
_SPECULATIVE = re.compile(
    r"\b(?:could\s+be|might|cannot|can[’']t|likely|possibly|perhaps|would\s+be\s+(?:the|a|an)"
    r"|(?:was|were)\s+set\s+to)\b",
    re.IGNORECASE,
)


# A sentence with no date of its own takes one from an earlier paragraph only when it
# narrates: a verb in the simple past (or past perfect, or a past passive) that is not an
# adjective after a dash ("Russian-made") nor a present perfect ("has become"), and it is not
# a question, a forecast or an argument's step.
_IRREGULAR_PAST = (
    r"said|met|told|gave|given|held|sent|made|took|came|went|sold|bought|flew|won|led|began"
    r"|left|spoke|wrote|struck|shot|brought|saw|found|put|set|paid|sought|chose|drew|hit"
)
# Participles mostly read as adjectives ("the armed forces", "very limited", "detained leaders").
_ADJECTIVAL = r"armed|limited|elected|detained|united|advanced|based|related|equipped|so-called"
_NARRATED = re.compile(
    rf"(?<![-\u2010])\b(?!(?:{_ADJECTIVAL})\b)(?:[a-z]{{2,}}(?:ed|ied)|{_IRREGULAR_PAST})\b"
)
# Present perfects and passives ("has slowly but surely rebuilt", "have not joined", "is
# considered", "been made") are states up to now, not told happenings: taken out first.
_PERFECT = re.compile(
    r"\b(?:has|have|is|are|be|been|being|to)"
    r"(?:\s+(?:not|never|also|already|long|but|both|all|very|still|now|just|only|been|being|\w+ly))*"
    r"\s+\w+",
    re.IGNORECASE,
)
# A participle after a determiner is an adjective: "many of those frayed ties".
_ATTRIBUTIVE = re.compile(
    r"\b(?:the|a|an|those|these|its|his|her|their|our|of|some|many)\s+(?:\w+ly\s+)?[a-z]+ed\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"\?\s*[”\"’']?$")
_MODAL = re.compile(r"\b(?:will|would|should|could|may|might|must|can)\b", re.IGNORECASE)


# A time of its own that is no date: a sentence saying it takes no other sentence's date.
_VAGUE_TIME = re.compile(
    r"\b(?:recent(?:ly)?|lately|in\s+the\s+(?:coming|next|past|last)\s+(?:few\s+)?"
    r"(?:days|weeks|months|years)|(?:days|weeks|months|years|decades)\s+(?:ago|earlier|later)"
    r"|previously|formerly|soon|in\s+the\s+past|in\s+the\s+future|long\s+ago"
    r"|some\s+time\s+ago|at\s+one\s+point|eventually|earlier|later"
    # A time relative to another happening, not counted: "just days after the General
    # Assembly adopted", "shortly after the coup", "within days of accepting the offer".
    r"|(?:days|weeks|months|years|hours)\s+(?:before|after|prior\s+to)"
    r"|(?:shortly|soon|immediately|just|right|not\s+long|long)\s+(?:before|after|prior\s+to)"
    r"|within\s+(?:\w+\s+)?(?:hours|days|weeks|months|years)\s+of)\b",
    re.IGNORECASE,
)


# A sentence told as after the one before ("He then made his second foreign trip to Russia",
# "subsequently", "afterwards", "next"): later than the date the reader is at, by how much
# it does not say, so it takes no other sentence's date. Not "since then", "the then
# president", "then-president", "what was then called" (at that time), "next to".
_LATER_THAN_BEFORE = re.compile(
    r"(?<![\w-])(?:(?<!\bsince\s)(?<!\buntil\s)(?<!\bthe\s)(?<!\bby\s)(?<!\bback\s)"
    r"(?<!\bwas\s)(?<!\bwere\s)(?<!\bis\s)(?<!\bare\s)(?<!\bfrom\s)(?<!\bjust\s)"
    r"then(?![-\w])|subsequently|afterwards?|thereafter"
    r"|(?<!\bthe\s)(?<!\bits\s)(?<!\bhis\s)(?<!\bher\s)(?<!\ba\s)next(?=\s+[a-z]+(?:ed|s)\b))",
    re.IGNORECASE,
)


# A time told against another happening named, not dated: "since the coup", "After the coup,
# the Russian media ...", "after meeting Shoigu". It is after (or before) that happening,
# so the day the reader is at (the coup's, "February 1, 2021") is not its day.
_AGAINST_ANOTHER = re.compile(
    r"\b(?P<word>since|after|following|before|prior\s+to|in\s+the\s+(?:wake|aftermath)\s+of)"
    r"\s+(?:(?:the|his|her|its|their|this|that|these|those|a|an)\s+)?(?P<what>[a-z]{3,})\b",
    re.IGNORECASE,
)


def _after_that(
    sentence: str, date: FoundDate, told_in: str | None, own: Reference
) -> tuple[FoundDate, str] | None:
    """A day borrowed by a sentence that tells a time against another happening ("since the
    coup", "After the coup, the Russian media ..."): that time is after the happening, not on
    its day. When the borrowed day's own sentence names the happening (``told_in``: "... in a
    coup on February 1, 2021"), the months from it to the source's date, and a caution;
    otherwise (or "before the coup") None: no date. Any other borrowed date as it is."""
    match = _AGAINST_ANOTHER.search(sentence)
    parsed = date.parsed
    if match is None or parsed.precision != Precision.DAY or parsed.end is not None:
        return date, ""
    what = match["what"]
    if (
        match["word"].lower() in {"before", "prior to"}
        or not own.known
        or own.day < parsed.start
        or told_in is None
        or not re.search(rf"\b{re.escape(what)}\b", told_in)  # as written: "march", no "March"
    ):
        return None
    first, last = parsed.start.replace(day=1), own.day.replace(day=1)
    period = ParsedDate(first, last if last > first else None, Precision.MONTH)
    return replace(date, parsed=period), (
        f"the sentence tells a time after “{date.text}” (“{match.group()}”), not that day: "
        f"the months from it to the source's date are proposed ({period.describe()})"
    )


# What a state or a habit says, not a happening: "has visited Russia numerous times", "often".
_HABITUAL = re.compile(
    r"\b(?:(?:numerous|many|several|countless|\w+)\s+times|often|regularly|repeatedly|usually"
    r"|always|routinely|traditionally|every\s+(?:year|month|week))\b",
    re.IGNORECASE,
)
_HAS_DONE = re.compile(
    r"\b(?:has|have|’ve|'ve)\s+(?:(?:not|never|also|already|long|both|all|\w+ly|but)\s+)*"
    r"(?:been|[a-z]+(?:ed|en|wn|ne|lt|nt|ght|ld|id|de|un))\b",
    re.IGNORECASE,
)


def states(sentence: str, chronology: bool = False) -> bool:
    """True when the sentence states a habit or a state rather than telling a happening, and
    so takes no date from another sentence: "Snr. Gen. Min Aung Hlaing has visited Russia
    numerous times", "Putin has never received the Snr. Gen." (a present perfect and no
    past verb), "China is a major investor ..." (the present, outside a chronology, whose
    lines tell the past in the present: "The coup leader also travels to Kazan")."""
    if _HABITUAL.search(sentence):
        return True
    if narrates(sentence):
        return False
    return bool(_HAS_DONE.search(sentence)) or not chronology


# A photo caption: "Min Aung Hlaing (L) shows ... Fomin (C) ...", "Photo: Handout via MRTV /
# AFP". It is set beside the running text, not in its time.
_CAPTION = re.compile(
    r"\((?:L|C|R|[Ll]eft|[Rr]ight|[Cc]ent(?:re|er)|[Ff]ront|[Bb]ack)\)"
    r"|\b(?:Photo(?:graph)?|Picture|Image|Credit|Courtesy)\s*(?::|by\b)"
    r"|/\s*(?:AFP|Reuters|AP|EPA|Getty\s+Images)\b"
)


def is_caption(text: str) -> bool:
    """Whether a passage is a photo caption (``_CAPTION``)."""
    return bool(_CAPTION.search(text))


# What happened during a trip ("During his trip, the coup leader grants interviews", "during
# his week-long visit"), and a date that is the day a trip began ("embarks on a week-long
# visit to Russia", "a three-day visit"): what the trip's lines tell is on a day of it.
_DURING_TRIP = re.compile(
    r"\b(?:during|on|throughout|in\s+the\s+course\s+of)\s+(?:his|her|their|its|the|this|that)"
    r"\s+(?:[\w’'-]+\s+){0,3}?(?:visit|trip|tour|stay|journey)\b",
    re.IGNORECASE,
)
_TRIP_BEGINS = re.compile(
    r"\bembark(?:s|ed)?\s+on\b|\b(?:week|month|fortnight|days?)-long\b"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+)-day\s+(?:visit|trip|tour)"
    r"|\b(?:begins?|began|starts?|started)\s+(?:a|an|his|her|their)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:visit|trip|tour)\b",
    re.IGNORECASE,
)


def _during_trip(sentence: str, date: FoundDate, told_in: str | None) -> tuple[FoundDate, str]:
    """A day borrowed by what happened during a trip: when the sentence says so ("During his
    trip, ...") or the day is one a trip began ("June 20: ... embarks on a week-long visit"),
    the day is only the trip's first; its month, approximately, and a caution. A period (the
    trip's days, "September 1-7") and any other date as they are."""
    parsed = date.parsed
    if parsed.precision != Precision.DAY or parsed.end is not None:
        return date, ""
    if not (_DURING_TRIP.search(sentence) or (told_in and _TRIP_BEGINS.search(told_in))):
        return date, ""
    month = ParsedDate(parsed.start.replace(day=1), None, Precision.MONTH, approximate=True)
    return replace(date, parsed=month), (
        f"the sentence tells what happened during a trip, on a day it does not state: "
        f"“{date.text}” dates the trip, so its month is proposed ({month.describe()}); check "
        "the day"
    )


def _names_an_event(sentence: str, date: FoundDate) -> bool:
    """The date is part of an event's name ("the November election", "the February 1 coup",
    "the March 26 Armed Forces Day parade"): the text is not at that date."""
    return bool(
        re.search(r"\bthe\s+$", sentence[max(0, date.start - 5) : date.start], re.IGNORECASE)
        and re.match(r"\s+[A-Za-z]", sentence[date.end : date.end + 2])
    )


def narrates(sentence: str) -> bool:
    """True when the sentence tells a past happening: a past verb (``_NARRATED``) once
    present perfects and passives are taken out, with no modal before it ("would have
    blocked" after "abstained;" is a comment on the told happening), and not a question."""
    if _QUESTION.search(sentence):
        return False
    plain = _PERFECT.sub(lambda m: " " * len(m.group()), sentence)
    told = _NARRATED.search(_ATTRIBUTIVE.sub(lambda m: " " * len(m.group()), plain))
    if told is None:
        return False
    return _MODAL.search(sentence, 0, told.start()) is None


def _interval(date: FoundDate) -> tuple[dt.date, dt.date]:
    return interval(date.parsed.start, date.parsed.end, date.parsed.precision)


_CLAUSE_OPENING = re.compile(r"[,;:()—–]|\b(?:since|after|before|when|following|and)\b")


def _clause_type(
    sentence: str, date: FoundDate, parsed: ParsedDate
) -> tuple[str, tuple[str, ...]] | None:
    """The type the words of the date's own clause suggest (from the last comma or "since",
    "after", "when"... before it to the next clause break), None when they suggest none."""
    left, right = _clause_span(sentence, date)
    kind, cues = guess_type(sentence[left:right], parsed, date.start - left)
    return None if kind == "other" else (kind, cues)


# A verb of saying before a date that does not follow it at once: "The minister said that 18
# students had been sent … in the 2022-2023 academic year" reports the sending then, not
# the saying.
_SAYING = re.compile(r"\b(?:said|says|stated|told\s+\w+)(?:\s+that)?\b")


def _own_words(sentence: str, date: FoundDate, others: list[FoundDate]) -> str:
    """``sentence`` with what is not the words of ``date``'s happening blanked (same length):
    the clauses of ``others`` (the sentence's later dates of other periods, and the dates it
    sets aside: "In FY2023/24 it reached a record, and Russia's share of arms imports rose
    in 2021–2023": no arms at FY2023/24; "began on Wednesday, not on Tuesday as first
    announced": no announcement), and a verb of saying before it that it does not follow at
    once. A clause after a colon tells more of the same happening, and is kept."""
    words = list(sentence)

    def blank(a: int, b: int) -> None:
        words[a:b] = " " * (b - a)

    for other in others:
        left, right = _clause_span(sentence, other)
        if sentence[max(0, left - 1) : left] == ":":
            continue  # "began enforcing a law: in February it announced …" tells the same
        if not left <= date.start < right:
            blank(left, right)
    if not _said_at(sentence, date):
        for match in _SAYING.finditer(sentence, 0, date.start):
            blank(*match.span())
    return "".join(words)


def _clause_span(sentence: str, date: FoundDate) -> tuple[int, int]:
    """The clause of ``date`` as ``_clause_type`` reads it: from the last comma, "since",
    "after", "when", "and"... before it to the next clause break."""
    left = max((m.end() for m in _CLAUSE_OPENING.finditer(sentence, 0, date.start)), default=0)
    right_break = re.compile(r"[,;:()—–.]").search(sentence, date.end)
    return left, right_break.start() if right_break else len(sentence)


def date_origin(source: str, date: FoundDate, passage_index: int) -> str:
    """Where a date not written in its sentence comes from, in words ("" when written)."""
    if source == DateSource.ANCHOR and date.anchor is not None:
        where = f" in ¶{date.anchor.passage}" if date.anchor.passage is not None else ""
        return f"“{date.text}” is counted from “{date.anchor.text}”{where}, written elsewhere"
    if source == DateSource.PARAGRAPH:
        return (
            f"the sentence writes no date; taken from “{date.text}”, written in an earlier "
            f"sentence of ¶{passage_index}"
        )
    if source == DateSource.CONTEXT:
        return (
            f"the sentence writes no date; taken from “{date.text}”, the last date the text "
            f"reported before it, in ¶{passage_index}"
        )
    if source == DateSource.CHRONOLOGY:
        return (
            f"the sentence writes no date; taken from the chronology entry “{date.text}” "
            f"in ¶{passage_index}"
        )
    return ""


# A date that says when something was reported, not when it happened: "a June 23 Reuters
# report", "a March 18 analysis", "reported on Jan. 25 that".
_REPORT_AFTER = re.compile(
    r"^[\s\w’'-]{0,30}?\b(?:report|analysis|article|study|statement|survey)\b"
)
# A date after "since" is a starting point of a state, not the date of an event.
_SINCE_BEFORE = re.compile(r"\bsince\s+(?:the\s+)?$", re.IGNORECASE)


# A date set aside: one the text says is not when it happened ("began on Wednesday, not on
# Tuesday as first announced", "in 2023 rather than 2022"), a limit ("issued before 1
# February 2021": some time before it; "delivered by March 2022": no later than it), and what
# an earlier version of a corrected text said ("An earlier version said the ships arrived on
# Monday").
_NOT_BEFORE = re.compile(
    r"(?:\bnot|\brather\s+than|\binstead\s+of)\s+(?:on\s+|in\s+|at\s+)?$", re.IGNORECASE
)
# A limit word (``lib.limits``, the event form's too) right before the date it governs:
# "delivered by March 2022", "no later than 2025", "until at least 2025", "by the end of
# 2023". Not a time near the date, read as it ("shortly before", "just after").
_LIMIT_BEFORE = re.compile(
    r"(?<![\w-])(?<!\bshortly\s)(?<!\bjust\s)(?<!\bsoon\s)(?<!\bright\s)"
    rf"(?P<limit>{LIMIT_WORDS})\s+(?:(?:at\s+(?:the\s+)?(?:least|latest)|on|in)\s+)?$",
    re.IGNORECASE,
)
# After "by", a date that names a thing, not a time: someone's act ("isolated by Wednesday's
# vote", "followed by March 2021 talks") or a measure ("by 2020 standards"). "by" is then
# the agent's or the measure's, not a limit.
_NAMES_A_THING = re.compile(
    r"[’']s\b|\s+(?:standards?|levels?|prices?|figures?|estimates?|rates?|terms|values?"
    r"|numbers?|data|dollars|rules?|census|talks|meetings?|summits?|visits?|votes?|elections?"
    r"|polls?|coup|agreements?|deals?|contracts?|orders?|reports?|statements?|resolutions?"
    r"|laws?|decrees?|treaty|treaties|accords?|declarations?|parades?|offensives?|attacks?"
    r"|strikes?|sanctions|pledges?|decisions?|plans?|budgets?|invasion|earthquake)\b",
    re.IGNORECASE,
)
# Limits that reach their date ("by March 2022", "until June"): the text is at that date
# when it tells what was so by then, and narrative time ("the next month") counts from it;
# "before" and "after" point away from it.
_REACHES = re.compile(r"by|until|till|up|no\s+later|not\s+later|as\s+late", re.IGNORECASE)
_EARLIER_VERSION = re.compile(
    r"\b(?:earlier|previous|original)\s+version\b|\b(?:misstated|misreported)\b", re.IGNORECASE
)


def limit_of(text: str, found: FoundDate) -> re.Match | None:
    """The limit words ``found`` is governed by in ``text`` ("by", "no later than", "until"
    ...; the match, in ``text``'s offsets), or None when the date is not given as a limit:
    "delivered by March 2022" is one, "signed by Putin on 12 June", "a report by TASS on
    Monday" and "isolated by Wednesday's vote" are not."""
    match = _LIMIT_BEFORE.search(text, max(0, found.start - 40), found.start)
    if match is None:
        return None
    if match["limit"].lower() == "by" and _NAMES_A_THING.match(text, found.end):
        return None
    return match


def limit_refusal(text: str, found: FoundDate, limit: re.Match) -> Refusal:
    """Why a date given only as a limit is not proposed, in ``text``'s offsets: "the sentence
    gives only a limit: “by March 2022” (no later than March 2022) ..."."""
    words = " ".join(limit["limit"].split())
    phrase = text[limit.start() : found.end]
    date = found.parsed.describe()
    if words.lower().endswith(" of"):  # "by the end of 2023"
        date = f"{words.split(' ', 1)[1]} {date}"
    # "until at least 2023": it lasted no earlier than then.
    side = "no earlier than" if re.search(r"\bleast\b", limit.group()) else limit_side(words)
    said = "" if words.lower() == side else f" ({side} {date})"  # not "no later than" twice
    return Refusal(
        limit.start(),
        found.end,
        phrase,
        f"the sentence gives only a limit: “{phrase}”{said}, not the "
        "date it happened. Give the date yourself if a source states it; otherwise leave the "
        "date out and say the limit in the summary.",
    )


def set_aside(text: str, found: FoundDate, reaching: bool = True) -> bool:
    """Whether ``found`` is a date the text says no happening is at: denied ("not on
    Tuesday"), a limit ("before 1 February 2021", "by March 2022"), or what an earlier
    version said. ``reaching=False``: a limit that reaches its date ("by March 2022") is not
    set aside (the narrative is at it)."""
    before = text[max(0, found.start - 24) : found.start]
    if _NOT_BEFORE.search(before):
        return True
    limit = limit_of(text, found)
    if limit is not None and (reaching or not _REACHES.match(limit["limit"])):
        return True
    clause_start = max((m.end() for m in re.finditer(r"[;.!?]\s", text[: found.start])), default=0)
    return bool(_EARLIER_VERSION.search(text, clause_start, found.start))


# A wire dateline: "MOSCOW, June 21 (Reuters) —", "NAYPYITAW, March 28 -", and the agency
# between slashes after a dot: "MOSCOW, August 2. /TASS/.".
_DATELINE_BEFORE = re.compile(r"^[A-Z][A-Z .’'-]{2,40},\s*$")
_DATELINE_AFTER = re.compile(r"^\s*(?:(?:\([^)]{1,40}\)\s*)?[—–-]|\.?\s*/[^/\s]{2,30}/)")


# The date a text was corrected, read or looked up: "This article was corrected on 12 March
# 2025", "Correction, 12 March 2025: …", a footnote's "accessed 3 February 2025".
_NOTED_ON = re.compile(
    r"\b(?:(?i:corrected|amended|clarified|accessed|retrieved)\s+(?:on\s+)?"
    r"|(?:[Cc]orrection|[Cc]larification|[Ee]ditor[’']s\s+[Nn]ote)\s*(?:,|:|—|–|-)?\s*)$"
)


# A time of day (and its zone) after a date that opens a short line: a release's time stamp.
_TIME_STAMP = re.compile(r",?\s*(?:at\s+)?\d{1,2}[:.]\d\d\b")


def _is_report_date(text: str, found: FoundDate) -> bool:
    before = text[max(0, found.start - 20) : found.start]
    after = text[found.end : found.end + 40]
    if re.search(r"\b(?:reported|published|updated|conducted\s+\w+\s+\w+)\s+on\s+$", before):
        return True
    if _NOTED_ON.search(before):
        return True
    if not text[: found.start].strip() and _TIME_STAMP.match(after) and len(text.split()) <= 12:
        return True  # "14 August 2025, 13:40 (Vladivostok time, UTC+10)": when it was issued
    if _DATELINE_BEFORE.match(text[: found.start]) and _DATELINE_AFTER.match(after):
        return True  # the dateline says when the report was filed
    return bool(re.search(r"\ba\s+$", before) and _REPORT_AFTER.match(after))


# "since December 2022, when it adopted Resolution 2669": the starting point is told as a
# happening of its own, in the when-clause.
_WHEN_AFTER = re.compile(r",?\s+when\s+(?P<clause>[^,;:.!?—–()]{1,120})")


def since_when(text: str, date: FoundDate) -> str:
    """The when-clause that tells what happened at a "since" date ("since August 2023, when
    Lavrov visited Naypyitaw"), or "" when there is none or it tells no past happening."""
    if not _SINCE_BEFORE.search(text[max(0, date.start - 12) : date.start]):
        return ""
    match = _WHEN_AFTER.match(text, date.end)
    if match is None or not narrates(match["clause"]):
        return ""
    return match["clause"]


# A date right after a verb of saying is the day it was said ("said on Thursday that he
# would meet Shoigu", "told reporters on Monday"), whatever else the sentence reports.
_SAID_ON = re.compile(
    r"\b(?P<verb>said|announced|stated|declared|confirmed|told\s+(?:\w+\s+){0,2}?)"
    r"\s*(?:on\s+|late\s+on\s+|early\s+on\s+|in\s+)?$"
)


# A clause that describes a noun, whose date is that noun's: "a centre in Yangon, which opened
# on 5 February 2023", "his visit which he stressed was to reciprocate the general's visit
# to Moscow in May 2020", "the deal that was signed in 2016"; and the happening another
# returns: "to reciprocate the Myanmar general's visit to Moscow in May 2020".
_RELATIVE = re.compile(
    r"(?:,\s+|\s)(?P<pronoun>which|who|whose|that(?=\s+(?:was|were|is|are|had|has|have)\b)"
    r"|to\s+(?:reciprocate|return|repay)(?=\s+(?:the|a|an|his|her|its|their|[A-Z])))"
    r"\b[^,;:()—–]*$"
)


def _relative_span(sentence: str, date: FoundDate) -> tuple[int, int, int, str] | None:
    """The relative clause ``date`` is in: where the words it hangs on begin, where the clause
    begins and ends, and its pronoun (or "to reciprocate"); None when there is none."""
    match = _RELATIVE.search(sentence, 0, date.start)
    if match is None:
        return None
    right = re.compile(r"[,;:()—–]|\.(?:\s|$)").search(sentence, date.end)
    before = sentence[max(0, match.start() - 40) : match.start()]
    antecedent = re.split(r"[,;:()—–]", before)[-1].split(" ", 1)[-1]
    first = match.start() - len(antecedent)
    return first, match.start("pronoun"), right.start() if right else len(sentence), match[1]


def _relative_type(sentence: str, date: FoundDate) -> tuple[str, tuple[str, ...]] | None:
    """The type of the relative clause ``date`` is in, by its own words ("which he stressed was
    to reciprocate the Myanmar general's visit to Moscow in May 2020": a visit, not the medal
    before it), else with the few words it hangs on ("a centre in Yangon, which opened on 5
    February 2023"; "the jets, which Myanmar ordered in 2018": an arms deal); None when the
    date is in no relative clause."""
    span = _relative_span(sentence, date)
    if span is None:
        return None
    first, start, end, _pronoun = span
    kind, cues = guess_type(sentence[start:end], date.parsed)
    if kind == "other":
        kind, cues = guess_type(sentence[first:start] + sentence[start:end], date.parsed)
    return kind, cues


def _said_at(sentence: str, date: FoundDate) -> str:
    """The verb of saying that ``date`` follows ("said on Thursday"), or ""."""
    match = _SAID_ON.search(sentence, max(0, date.start - 40), date.start)
    return match["verb"].split()[0] if match else ""


def event_dates(text: str, dates: list[FoundDate]) -> list[FoundDate]:
    """The dates of what the sentence reports, the main one first: not the date of a report
    ("a June 23 Reuters report", a dateline), not the date a relative one is counted from
    ("the day before the February 1 coup" reports the day before); a starting point ("since
    last year") only after the sentence's other dates, never alone, unless a when-clause tells
    what happened at it ("since December 2022, when it adopted Resolution 2669")."""
    counted_from = {
        (f.anchor.start, f.anchor.end)
        for f in dates
        if f.anchor is not None and f.anchor.passage is None and f.anchor.start > f.start
    }
    usable = [
        f
        for f in dates
        if not _is_report_date(text, f)
        and not set_aside(text, f)
        and (not _SINCE_BEFORE.search(text[max(0, f.start - 12) : f.start]) or since_when(text, f))
        and (f.start, f.end) not in counted_from
    ]
    # "On the day before the February 1 coup" is about the day before: a relative date
    # counted from a date after it comes first.
    ahead = [
        f
        for f in usable
        if f.anchor is not None and f.anchor.passage is None and f.anchor.start > f.start
    ]
    # "barred since last year, when it ... in October": the starting point is a happening
    # too, proposed after the sentence's own dates.
    since = [
        f
        for f in dates
        if usable
        and f not in usable
        and _SINCE_BEFORE.search(text[max(0, f.start - 12) : f.start])
        and not _is_report_date(text, f)
        and not set_aside(text, f)
    ]
    return ahead + [f for f in usable if f not in ahead] + since


def event_date(text: str, dates: list[FoundDate]) -> FoundDate | None:
    """The main date of what the sentence reports (see ``event_dates``)."""
    found = event_dates(text, dates)
    return found[0] if found else None


_ENTRY_SEPARATOR = re.compile(r"\s*(?::|\s[—–-]\s)")


def _entry_date(
    passage: PassageData, reference: dt.date | Reference, year: int | None = None
) -> FoundDate | None:
    """The date of a chronology entry: the date a passage opens with, before a colon or a
    dash ("March 26: ...", "June 2013 — ..."), after a list's bullet if any ("• 2019-21: ...",
    "– July: ...")."""
    head = passage.text[:48]
    bullet = _BULLET.match(head)
    opens = bullet.end() if bullet else 0
    separator = _ENTRY_SEPARATOR.search(head, opens)
    if separator is None:
        return None
    dates = find_dates(head[opens : separator.start()], reference, year=year)
    if len(dates) == 1 and dates[0].start == 0 and opens + dates[0].end == separator.start():
        return dates[0].shifted(opens)
    return None


# A list's bullet before an entry: "•", "·", "▪", "*", a dash.
_BULLET = re.compile(r"[•·▪◦‣*–—-]\s+")


# The notes under a text cite where it was read, they report nothing: the passages after a
# heading "Notes" (or "Endnotes", "References", "Sources", "Bibliography"), and a line that
# opens with a footnote's mark ("¹ Commerce ministry, trade statistics, accessed 3 February
# 2025.", "[4] Interview with a trader, 15 January 2025.").
_NOTES_HEADING = re.compile(
    r"(?:end|foot)?notes|references|sources|bibliography|works\s+cited|citations", re.IGNORECASE
)
_NOTE_MARK = re.compile(rf"\s*(?:[{FOOTNOTE_MARKS}]+|\[\d{{1,3}}\])\s*\S")


def heads_notes(passage: PassageData) -> bool:
    """Whether a heading opens the text's notes ("Notes", "References:")."""
    return bool(_NOTES_HEADING.fullmatch(passage.text.strip().rstrip(":").strip()))


def is_note(passage: PassageData) -> bool:
    """Whether a passage is a footnote: it opens with a footnote's mark."""
    return bool(_NOTE_MARK.match(passage.text))


_TRAILING_MARK = re.compile(rf"(?:\[\d{{1,3}}\]|[{FOOTNOTE_MARKS}]+)+$")


def is_heading(passage: PassageData) -> bool:
    """A title or section heading: short, and not ended like a sentence (a footnote's mark
    after its end is no part of it: "… grew in 2023.¹")."""
    text = _TRAILING_MARK.sub("", passage.text.strip())
    return bool(text) and text[-1] not in '.!?”"’)' and len(text.split()) <= 12


def chronology_entries(
    passages: list[PassageData], reference: dt.date | Reference
) -> dict[int, FoundDate]:
    """The entries' dates by passage index, when the source is a chronology: at least two
    passages open with a date and a colon or a dash ("March 26: ...", "June 2013 — ...")."""
    entries = {}
    for passage in passages:
        opening = _entry_date(passage, reference)
        if opening is not None:
            entries[passage.index] = opening
    return entries if len(entries) >= 2 else {}


@dataclass(frozen=True)
class SentenceReading:
    """One sentence of a source and the dates read in it, in passage offsets."""

    passage: PassageData
    start: int
    end: int
    found: tuple[FoundDate, ...]
    refused: tuple[Refusal, ...]
    entry: tuple[FoundDate, int] | None  # the chronology entry it belongs to, and its ¶
    heading: bool = False  # a title or section heading, not a report

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


# How many dates back narrative time may look for one at the precision it needs.
ANCHOR_MEMORY = 8


def read_source(
    passages: Iterable[PassageData], reference: dt.date | Reference
) -> list[SentenceReading]:
    """Every sentence of the passages with its dates, read the way a reader reads: narrative
    time ("the next day", "that same year") counts from the last date the text established
    before it, across sentences and paragraphs; a chronology entry's date is the fallback
    of its lines; a day or month written without a year takes the year its sentence wrote
    before it, else its section heading's ("2021", "June 18-24, 2021: a vote"), else the
    reference date's (or the year its paragraph wrote before, when the reference's would
    put a past event after the reference date)."""
    passages = list(passages)
    ref = as_reference(reference)
    chronology = len(chronology_entries(passages, reference)) >= 2
    entry: tuple[FoundDate, int] | None = None
    anchors: list[Anchor] = []
    readings = []
    section_year: int | None = None
    for passage in passages:
        text = passage.text
        paragraph_year: int | None = None
        paragraph_last: ParsedDate | None = None
        heading = is_heading(passage)
        for number, (start, end) in enumerate(split_sentences(text)):
            sentence = text[start:end]
            context = entry[0].as_anchor(entry[1]) if entry else None
            reading = read_dates(
                sentence,
                reference,
                context=context,
                previous=anchors,
                year=section_year,
                weak_year=paragraph_year,
                last=paragraph_last,
            )
            paragraph_year = reading.year or paragraph_year
            if reading.found:
                paragraph_last = reading.found[-1].parsed
            found = tuple(f.shifted(start, passage.index) for f in reading.found)
            if number == 0 and chronology:
                opening = _entry_date(passage, reference, section_year)
                if opening is not None and found and found[0].start == opening.start:
                    entry = (found[0], passage.index)
            # "the day before the February 1 coup": the narrative is at the day before; the
            # coup's date is only what it was counted from.
            counted_from = {
                (f.anchor.start, f.anchor.end)
                for f in reading.found
                if f.anchor is not None and f.anchor.passage is None and f.anchor.start > f.start
            }
            # The text is at a date that is not read ("arrived on 4-12-2023"): what comes after
            # counts from no date before it.
            barrier = max((r.end for r in reading.refused), default=-1)
            if barrier >= 0:
                anchors.clear()
            for f, own in zip(found, reading.found, strict=True):
                if (
                    own.start >= barrier
                    and not heading
                    and establishes(sentence, own)
                    and not _is_report_date(sentence, own)
                    and not set_aside(sentence, own, reaching=False)
                    and (own.start, own.end) not in counted_from
                ):
                    anchors.append(f.as_anchor(passage.index))
            del anchors[:-ANCHOR_MEMORY]
            readings.append(
                SentenceReading(
                    passage,
                    start,
                    end,
                    found,
                    tuple(r.shifted(start) for r in reading.refused),
                    entry,
                    heading,
                )
            )
        if heading and paragraph_year is not None and _heads_a_section(readings, passage, ref):
            section_year = paragraph_year
    return readings


def _heads_a_section(readings: list[SentenceReading], heading: PassageData, ref: Reference) -> bool:
    """Whether a heading's year is the year of the text under it: a heading that opens with
    its date ("2021", "June 18–24, 2021: a vote"), or names a year not after the source's
    ("Russia and Myanmar in 2021"); not a title's goal ("Russia May Help Build Reactor By
    2030": the article's "Sept. 26" is not in 2030)."""
    found = [f for r in readings if r.passage is heading for f in r.found]
    if not found:
        return False
    if found[0].start == len(heading.text) - len(heading.text.lstrip()):
        return True
    return all(f.parsed.start.year <= ref.latest.year for f in found)


def _dateline(reading: SentenceReading, own: Reference) -> FoundDate | None:
    """The date of a heading that is a dateline: a place, then the source's own day ("The
    Kremlin, Moscow, March 4, 2025", "Nay Pyi Taw, 5 December"); not a byline ("By the
    Timeline team, September 20, 2022")."""
    text = reading.text
    if len(reading.found) != 1 or re.match(r"\s*(?:By\b|[\w ]*\bteam\b)", text):
        return None
    found = reading.found[0]
    parsed = found.parsed
    if parsed.precision != "day" or parsed.end or not own.known or parsed.start != own.day:
        return None
    local = found.start - reading.start
    if not re.fullmatch(r"[A-Z][\w’' .-]*(?:,\s*[A-Z][\w’' .-]*)*,\s*", text[:local]):
        return None
    return found if local + len(found.text) == len(text.rstrip(". ")) else None


def _own_source(reading: SentenceReading, date: FoundDate) -> str:
    anchor = date.anchor
    if anchor is None or (
        anchor.passage == reading.passage.index and reading.start <= anchor.start < reading.end
    ):
        return DateSource.SENTENCE
    return DateSource.ANCHOR


@dataclass(frozen=True)
class Unread:
    """A sentence naming an actor whose date is refused ("on Monday" in an article dated only
    to the month), or one that would be proposed but gives its date only as a limit ("were
    delivered by March 2022"): no proposal, but the queue shows it with why, for the
    analyst."""

    passage_id: int
    passage_index: int
    start: int  # the sentence, in the passage
    end: int
    quote: str
    refusals: tuple[Refusal, ...]  # offsets in the passage
    actors: tuple[Mention, ...]

    @property
    def key(self) -> str:
        return f"{self.passage_id}-{self.start}-{self.end}"


@dataclass(frozen=True)
class Extraction:
    proposals: list[Proposal]
    unread: list[Unread]


def extract(
    passages: Iterable[PassageData], reference: dt.date | Reference, lexicon: Lexicon
) -> list[Proposal]:
    """Every proposal in the passages, in reading order (see ``read_proposals``)."""
    return read_proposals(passages, reference, lexicon).proposals


_WRITTEN_YEAR = re.compile(r"\b\d{4}\b|\b\d{2,4}s\b")


def _caution(date: FoundDate, own: Reference, to_come: bool = False) -> str:
    """Why a proposal's date needs a look besides where it comes from ("" for none).
    ``to_come``: the sentence says, in the date's clause, that it is still to come."""
    parsed = date.parsed
    first, last = interval(parsed.start, parsed.end, parsed.precision)
    if not own.known and not _WRITTEN_YEAR.search(date.text):
        # The note says the year the date has: "will attend talks in early September", read
        # in December, is next year's September, not "today's".
        today = own.day.year
        years = {first.year, last.year}
        if years == {today}:
            year = f"is today's ({today})"
        else:
            read = "–".join(str(y) for y in sorted(years))
            year = f"is counted from today's ({today}): {read}"
        return (
            f"the source has no date, so the year of “{date.text}” {year}; give the source "
            "its date, or check the year"
        )
    if own.precedes(parsed):
        return (
            f"{parsed.describe()} is after the source was written ({own.describe()}): "
            "planned or foreseen, not yet a happening, unless the text says it took place"
        )
    if own.known and not own.on_or_after and to_come and last > own.latest:
        # "is expected to visit Russia later this month", "will take part ... this year".
        return (
            f"{parsed.describe()} runs past the source's date ({own.describe()}), and the "
            "sentence says it is to come: planned or foreseen, not yet a happening"
        )
    return ""


# "stayed from Thursday until Monday": the end of what began at the other date, not another
# happening of the sentence.
_ENDS_A_STATE = re.compile(r"(?:until|till|up\s+to)\b", re.IGNORECASE)


def _beside_unread(refused: tuple[Refusal, ...], date: FoundDate) -> str:
    """Why a date needs a look when its sentence has another date expression that is not read
    ("Last week ... took delivery of fighters it ordered in 2018": the delivery is last week,
    not in 2018); "" when none is."""
    if not refused:
        return ""
    words = ", ".join(f"“{r.text}”" for r in refused)
    return (
        f"the sentence also says {words}, which is not read: what it reports may be then, not "
        f"at “{date.text}”; check which happening “{date.text}” dates"
    )


_FISCAL_BEFORE = re.compile(
    r"\bfiscal(?:\s+year)?\s+$|\b(?:financial|budget)\s+year\s+$|\bFY\s*$", re.IGNORECASE
)
_FISCAL_AFTER = re.compile(r"^\s+(?:fiscal|financial|budget)\s+year\b", re.IGNORECASE)


def _fiscal_year(sentence: str, date: FoundDate) -> str:
    """A caution for a fiscal year read as calendar years ("the fiscal year 2025-26", "the
    2023-24 fiscal year"): its months are not stated; "" for any other date."""
    before = sentence[max(0, date.start - 24) : date.start]
    if not (
        _FISCAL_BEFORE.search(before)
        or _FISCAL_AFTER.match(sentence[date.end :])
        or re.match(r"(?:FY|[Ff]iscal)(?![a-z])", date.text)
    ):
        return ""
    return (
        f"“{date.text}” is a fiscal year, read as the calendar years {date.parsed.describe()}: "
        "which months it runs is not stated; check them"
    )


# What says the clause tells a plan or an expectation, not a happening: "was said to be
# planning a trip", "was due to visit", "plans to buy".
_PLANNING = re.compile(
    r"\b(?:planning|plann?ed\s+to|plans?\s+to|preparing\s+(?:to|for|a)"
    r"|(?:was|were)\s+(?:due|expected|scheduled|slated)\s+to|intend(?:s|ed)\s+to)\b",
    re.IGNORECASE,
)


def _planned_then(sentence: str, date: FoundDate, own: Reference) -> str:
    """A caution for a date up to the source's own whose clause says something was planned
    or expected then ("Last month Min Aung Hlaing was said to be planning a trip to Russia"):
    the trip is not at that date. "" for any other date."""
    if _interval(date)[1] > own.latest:
        return ""  # a date after the source's, or one holding it: ``_caution`` says so
    left = max((m.end() for m in re.finditer(r"[,;:()—–]", sentence[: date.start])), default=0)
    right_break = re.compile(r"[,;:()—–]|\.(?:\s|$)").search(sentence, date.end)
    clause = sentence[left : right_break.start() if right_break else len(sentence)]
    if not _PLANNING.search(clause):
        return ""
    return (
        f"the sentence says something was planned or expected at “{date.text}”, not that it "
        "took place then; check what happened, and when"
    )


# A quotation: words between quotation marks, at least this many (“special military
# operation” is a phrase set off, not a speaker's words).
QUOTATION_WORDS = 4
_QUOTE_MARKS = re.compile(r"[“”\"]")


def quotations(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` (quotation marks included) that quote someone's words: between
    “ and ” (an opening mark left open runs to the end: a quotation going on in the next
    paragraph), or between two straight double quotes; of ``QUOTATION_WORDS`` words or more."""
    spans = []
    opened: tuple[int, str] | None = None
    for mark in _QUOTE_MARKS.finditer(text):
        char = mark.group()
        if opened is None:
            if char != "”":
                opened = (mark.start(), char)
        elif (opened[1] == "“" and char == "”") or (opened[1] == char == '"'):
            spans.append((opened[0], mark.end()))
            opened = None
    if opened is not None and opened[1] == "“":
        spans.append((opened[0], len(text)))
    return [
        (a, b)
        for a, b in spans
        if len(text[a:b].split()) >= QUOTATION_WORDS and not _title_case(text[a + 1 : b - 1])
    ]


_MINOR_WORDS = frozenset({"of", "the", "and", "for", "in", "on", "to", "a", "an", "at", "de"})


def _title_case(words: str) -> bool:
    """A name or title in quotation marks (“Honorary Professor of the Military University”):
    every word but the small ones capitalised; not someone's words."""
    found = re.findall(r"[^\W\d_][\w’'-]*", words)
    return bool(found) and all(w[0].isupper() or w in _MINOR_WORDS for w in found)


def _quoted(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


# Who said a quotation: "said a Bangkok-based diplomat", "Lavrov told reporters".
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|tells|stated|noted|argued|warned|explained|insisted"
    r"|according\s+to)\b",
    re.IGNORECASE,
)


def _only_quoted_speech(sentence: str, offset: int, spans: list[tuple[int, int]]) -> bool:
    """Whether the sentence (at ``offset`` in its passage) is a quotation and who said it, and
    nothing else: "“It is a signal to China …,” said a Bangkok-based diplomat." Its words are
    said for the report, at the source's date at best, not at an earlier paragraph's."""
    inside = [
        (max(a, offset), min(b, offset + len(sentence)))
        for a, b in spans
        if a < offset + len(sentence) and offset < b
    ]
    if not inside:
        return False
    rest, cursor = [], offset
    for a, b in inside:
        rest.append(sentence[cursor - offset : a - offset])
        cursor = b
    rest.append(sentence[cursor - offset :])
    outside = " ".join(rest)
    if _CONTINUED.search(outside):
        return False  # "He added: “…”": the words of the happening told before
    return len(outside.split()) <= 12 and bool(_ATTRIBUTION.search(outside))


# A speaker told before ("he said", "Shoigu added"): the quotation goes on with the happening
# the text told, and its date.
_CONTINUED = re.compile(r"\b(?:he|she|they|we|it|added|adds|also|continued)\b", re.IGNORECASE)


# A clause with its own subject and verb that a date lies in: "since the military seized
# power on February 1, 2021", "after Lavrov arrived on Monday", "when he met Putin in 2019".
_SUBORDINATOR = re.compile(
    r"\b(?:since|when|after|before|until|while|once|as\s+soon\s+as)\b", re.IGNORECASE
)
# A subject that is the main clause's again ("when he visited"): its actors are the clause's.
_REFERS_BACK = re.compile(r"(?:he|she|it|they|we|i|you|who|which|its|his|her|their)\b", re.I)


def _own_subject(words: str) -> bool:
    """Whether ``words`` (a clause's opening, before the date) have a subject of their own
    and a past verb: "the military seized power on" (not "meeting Putin on", "the", "he
    met")."""
    verb = _NARRATED.search(words)
    if verb is None:
        return False
    subject = words[: verb.start()].strip()
    return bool(subject) and len(subject.split()) <= 6 and not _REFERS_BACK.match(subject)


def subordinate_clause(sentence: str, date: FoundDate) -> tuple[int, int] | None:
    """The span of the subordinate clause ``date`` lies in when the clause has a subject of its
    own ("Russia has been the junta's main supplier of arms since the military seized power on
    February 1, 2021": the date is the military's seizure of power, not Russia's), or of the
    when-clause that tells what happened at a "since" date ("since August 2023, when Lavrov
    visited Naypyitaw"); None when the date is the main clause's."""
    breaks = re.compile(r"[,;:()—–]|\.(?:\s|$)")
    after = breaks.search(sentence, date.end)
    when = _WHEN_AFTER.match(sentence, date.end)
    if when is not None and _SINCE_BEFORE.search(sentence[max(0, date.start - 12) : date.start]):
        clause = when["clause"]
        return (when.start("clause"), when.end("clause")) if _own_subject(clause) else None
    opener = None
    for match in _SUBORDINATOR.finditer(sentence, 0, date.start):
        opener = match
    if opener is None or breaks.search(sentence, opener.end(), date.start):
        return None
    if not _own_subject(sentence[opener.end() : date.start]):
        return None
    return opener.start(), after.start() if after else len(sentence)


def _clause_actors(
    sentence: str, offset: int, date: FoundDate, actors: tuple[Mention, ...]
) -> tuple[tuple[Mention, ...], str]:
    """The actors of the event ``date`` dates, and a caution: those of the date's own clause
    when it has a subject of its own (``subordinate_clause``); when that clause names no
    known actor, none, and the caution says the main clause's are left out."""
    span = subordinate_clause(sentence, date)
    relative = _relative_span(sentence, date) if span is None else None
    if relative is not None:
        # "his visit which he stressed was to reciprocate the Myanmar general's visit to
        # Moscow in May 2020": the clause's actors, not Fomin's who received the medal; a
        # "who" clause's subject is the name before it ("Fomin, who met ...").
        first, start, end, pronoun = relative
        inside = tuple(m for m in actors if start <= m.start - offset < end)
        # A clause whose subject is the noun it hangs on ("the Military University …, which
        # bestowed …", "Fomin, who met …"): the name right before it is its actor too.
        subject = pronoun in {"who", "whose"} or bool(
            _NARRATED.match(sentence, start + len(pronoun) + 1)
            or re.match(r"\s+(?:was|were|is|are|had|has|have)\b", sentence[start + len(pronoun) :])
        )
        named = [m for m in actors if 0 <= start - (m.end - offset) <= 2]
        if subject and named:
            inside = (named[-1], *inside)
        elif not inside:
            inside = tuple(m for m in actors if first <= m.start - offset < start)
        if inside or not actors:
            return inside, ""
        span = (start, end)
    if span is None:
        return actors, ""
    inside = tuple(m for m in actors if span[0] <= m.start - offset < span[1])
    if inside or not actors:
        return inside, ""
    clause = sentence[span[0] : span[1]].strip()
    names = ", ".join(dict.fromkeys(m.actor.name for m in actors))
    return (), (
        f"“{date.text}” dates “{clause}”, which names no known actor: who did it is not "
        f"proposed ({names} is the subject of another clause); add them"
    )


def _joined(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def read_proposals(
    passages: Iterable[PassageData], reference: dt.date | Reference, lexicon: Lexicon
) -> Extraction:
    """Every proposal in the passages, in reading order, and every sentence naming an actor
    whose date expression is refused, or that gives its date only as a limit ("were delivered
    by March 2022") (``Unread``: it proposes nothing, and says why).

    A sentence becomes a proposal when it carries the date of what it reports and names an
    actor or suggests a type. A sentence without a date of its own takes (marked
    ``inherited``, for review) the date of the sentence before it in the same paragraph when
    it names an actor and suggests a type ("In June, the UN ... Hlaing visited Russia ... In
    Moscow, Hlaing met with ..."); in a chronology (passages that open with "Month D:"), the
    lines after an entry's first line take the entry's date when they suggest a type. A
    sentence with no date that opens a paragraph (or follows only undated ones) takes the
    last date an earlier paragraph reported (``DateSource.CONTEXT``, for review) only when it
    names an actor, suggests a type and narrates: a past happening, not a present perfect, a
    question or a forecast ("Shoigu also congratulated General Min on being awarded an
    honorary doctorate" after a paragraph on a November 2020 video call).
    """
    proposals: list[Proposal] = []
    unread: list[Unread] = []
    own_date = as_reference(reference)
    previous: FoundDate | None = None
    # The last date the text told a happening at (not one naming an event, "the November
    # election"), and its paragraph: the date of a later paragraph that writes none.
    told: tuple[FoundDate, int] | None = None
    carried: tuple[FoundDate, int] | None = None
    current_passage = None
    caption = False
    quoted: list[tuple[int, int]] = []
    # The sentence each date is written in, by its place: what a borrowed date was told of.
    said_at: dict[tuple[int, int, int], str] = {}
    in_notes = False
    for reading in read_source(passages, reference):
        passage, start, end = reading.passage, reading.start, reading.end
        for f in reading.found:
            said_at[(passage.index, f.start, f.end)] = reading.text
        if passage.index != current_passage:
            caption = is_caption(passage.text)
            # A caption is not in the running text's time: it takes none of its dates, and
            # lends it none.
            carried = None if caption else told
            current_passage, previous = passage.index, None
            quoted = quotations(passage.text)
            if reading.heading:
                in_notes = heads_notes(passage)
        if in_notes or is_note(passage):
            continue  # a note cites where the text was read: no happening, no date to lend
        if reading.heading:
            dateline = _dateline(reading, own_date)
            if dateline is not None and told is None:
                # "The Kremlin, Moscow, March 4, 2025" over a readout: its paragraphs tell
                # that day's talks.
                told = (dateline, passage.index)
            continue  # a title reports nothing: the text under it does
        sentence = reading.text
        local = [f.shifted(-start) for f in reading.found]
        own = event_dates(sentence, local)
        # The sentence's limits ("were delivered by March 2022"). When they are its only
        # dates, no date is proposed and the sentence is listed as not read, saying so;
        # beside a date that is proposed, its proposal says the limit was not read (in "The
        # fighters ordered in 2018 had begun to arrive by last year" the arrival is not 2018).
        bounds = tuple(
            limit_refusal(sentence, f, limit).shifted(start)
            for f in local
            if (limit := limit_of(sentence, f)) is not None
        )
        limits = () if own else bounds
        choices: list[tuple[FoundDate, int, bool, str]] = []
        if own:
            for f in own:
                date = reading.found[local.index(f)]
                choices.append((date, passage.index, False, _own_source(reading, date)))
            previous = choices[0][0]
            # Not a date still to come ("will mark the anniversary on 18 February 2024", in
            # December 2023): a plan is not where the text is.
            if (
                not caption
                and not _names_an_event(sentence, own[0])
                and _interval(previous)[0] <= own_date.latest
            ):
                told = (previous, passage.index)
        elif (
            reading.found
            or reading.refused
            or _VAGUE_TIME.search(sentence)
            or _LATER_THAN_BEFORE.search(sentence)
        ):
            # Its own time, vague ("Russia recently delivered two jets") or after the one
            # before ("He then made his second foreign trip"): no date is taken for it from
            # elsewhere.
            pass
        elif previous is not None:
            choices.append((previous, passage.index, True, DateSource.PARAGRAPH))
        elif reading.entry is not None:
            choices.append((reading.entry[0], reading.entry[1], True, DateSource.CHRONOLOGY))
        elif carried is not None and not _only_quoted_speech(sentence, start, quoted):
            # (A quotation said for the report is not at an earlier paragraph's date.)
            choices.append((carried[0], carried[1], True, DateSource.CONTEXT))
        if reading.refused and max(r.end for r in reading.refused) > max(
            (f.end for f in reading.found), default=-1
        ):
            # The sentence ends at a date that is not read ("arrived on 4-12-2023", "two
            # weeks before the coup"): the sentences of its paragraph after it are not at an
            # earlier one, of the paragraph or before it.
            previous = carried = None
        if not choices and not reading.refused and not limits:
            continue
        # An actor named only inside a quotation is not who acted or spoke: "“It is a signal
        # to China …,” said a Bangkok-based diplomat" is no statement by China.
        actors = tuple(
            Mention(m.actor, m.text, m.start + start, m.end + start)
            for m in lexicon.mentions(sentence)
            if not _quoted(m.start + start, m.end + start, quoted)
        )
        if reading.refused and actors:
            # Listed even when another date of the sentence is read ("Last week Myanmar took
            # delivery of fighters it ordered in 2018"): the analyst sees the one not read.
            unread.append(
                Unread(
                    passage.id,
                    passage.index,
                    start,
                    end,
                    sentence,
                    reading.refused + limits,
                    actors,
                )
            )
        elif (
            limits
            and (actors or guess_type(sentence)[0] != "other")
            and not _SPECULATIVE.search(sentence)
        ):
            # What would have been proposed at the date it bounds (an actor or a type, and no
            # speculation): the analyst sees it, and gives the date if a source states it.
            unread.append(Unread(passage.id, passage.index, start, end, sentence, limits, actors))
        if not choices:
            continue
        for number, (date, date_index, inherited, source) in enumerate(choices):
            at = date.shifted(-start)
            typed = (
                sentence
                if inherited
                else _own_words(
                    sentence,
                    at,
                    [f for f in own if f.start > at.end and _interval(f) != _interval(at)]
                    + [f for f in local if set_aside(sentence, f)],
                )
            )
            kind, cues = guess_type(typed, date.parsed)
            told_when = "" if inherited else since_when(sentence, date.shifted(-start))
            if told_when:
                # "since August 2023, when Lavrov visited Naypyitaw": what the when-clause tells.
                when_kind, when_cues = guess_type(told_when, date.parsed)
                if when_kind != "other":
                    kind, cues = when_kind, when_cues
            elif not inherited and (number or _tied(typed)):
                # A second date of the sentence is typed by its own words: "arrived on
                # Sunday, his second trip since the army seized power on February 1"; so is
                # the first when the sentence's cues tie between two types (in the clause too,
                # the cue nearest the date: "led by a deputy economic development minister
                # arrived on Monday" is a visit).
                by_clause = _clause_type(sentence, date.shifted(-start), date.parsed)
                if by_clause is not None:
                    kind, cues = by_clause
            relative = None if inherited else _relative_type(sentence, date.shifted(-start))
            if relative is not None:
                # "said Russia agreed to help run a centre in Yangon, which opened on 5th
                # February, 2023": the date is the centre's opening, typed by its own clause.
                kind, cues = relative
            said = None if inherited else _said_at(sentence, date.shifted(-start))
            if said:
                # "state media said on Thursday that he would meet Shoigu": Thursday is the
                # day it was said; the meeting is not dated by it.
                kind = "policy" if said in {"announced", "declared"} else "statement"
                cues = (said,)
            if inherited and kind == "other":
                continue
            caution = ""
            if (
                inherited
                and states(sentence, chronology=reading.entry is not None)
                and not _AGAINST_ANOTHER.search(sentence)  # "have been killed since the coup"
            ):
                continue
            if inherited:
                # "At least 70 protesters have been killed since the coup": not the coup's day.
                told_after = _after_that(
                    sentence, date, said_at.get((date_index, date.start, date.end)), own_date
                )
                if told_after is None:
                    continue
                date, caution = told_after
                date, during = _during_trip(
                    sentence, date, said_at.get((date_index, date.start, date.end))
                )
                caution = _joined(caution, during)
            if not actors and inherited and source != DateSource.CHRONOLOGY:
                continue  # a date from elsewhere needs the sentence to name who
            # The date's own clause has its own subject ("since the military seized power on
            # February 1, 2021"): its actors, not the main clause's ("Russia has been ...").
            who, unnamed = (
                (actors, "")
                if inherited
                else _clause_actors(sentence, start, date.shifted(-start), actors)
            )
            if source == DateSource.CONTEXT and not narrates(sentence):
                continue  # another paragraph's date only for a told happening
            if _SPECULATIVE.search(sentence):
                continue  # "likely toasting the coup", "a meeting would be": not a report
            if not who and kind == "other":
                continue
            if number and any(p.interval == _interval(date) for p in proposals[-number:]):
                continue  # the same period twice in one sentence: one proposal
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
                    actors=who,
                    type=kind,
                    cues=cues,
                    date_source=source,
                    caution=_joined(
                        _caution(
                            date,
                            own_date,
                            source == DateSource.SENTENCE
                            and said_to_come(sentence, date.start - start, date.end - start),
                        ),
                        _beside_unread(
                            reading.refused
                            + tuple(b for b in bounds if not _ENDS_A_STATE.match(b.text)),
                            date,
                        ),
                        _fiscal_year(sentence, date.shifted(-start)) if not inherited else "",
                        _planned_then(sentence, date.shifted(-start), own_date)
                        if not inherited
                        else "",
                        unnamed,
                        caution,
                    ),
                )
            )
    return Extraction(proposals, unread)


def all_dates(
    passages: Iterable[PassageData], reference: dt.date | Reference
) -> list[tuple[int, FoundDate]]:
    """Every date expression of the passages (passage index, found date in the passage),
    read as ``extract`` reads them."""
    return [(r.passage.index, f) for r in read_source(passages, reference) for f in r.found]


def all_refusals(
    passages: Iterable[PassageData], reference: dt.date | Reference
) -> list[tuple[int, Refusal]]:
    """Every date expression refused (passage index, refusal in the passage)."""
    return [(r.passage.index, x) for r in read_source(passages, reference) for x in r.refused]


@dataclass(frozen=True)
class SelectionDate:
    """The date of a selected passage text, and where it was read."""

    date: FoundDate
    passage_index: int  # the passage the date expression is in
    source: str  # a DateSource
    # The date is in the selection's own sentence, outside the selected words.
    same_sentence: bool = False
    # How a borrowed date was read for the selection ("since the coup": the months after it).
    caution: str = ""

    @property
    def written_in_selection(self) -> bool:
        return self.source == DateSource.SENTENCE

    @property
    def origin(self) -> str:
        if self.same_sentence and self.source == DateSource.PARAGRAPH:
            origin = (
                f"the selected words write no date; taken from “{self.date.text}”, written "
                f"in the same sentence of ¶{self.passage_index}, outside the selection"
            )
        else:
            origin = date_origin(self.source, self.date, self.passage_index)
        return _joined(origin, self.caution)


def _borrowed_for(
    selection: str, chosen: SelectionDate, told_in: str, reference: dt.date | Reference
) -> SelectionDate | None:
    """A date the selection borrows, read as the proposals read it (``_after_that``)."""
    if chosen.source in {DateSource.SENTENCE, DateSource.ANCHOR} or chosen.same_sentence:
        return chosen
    read = _after_that(selection, chosen.date, told_in, as_reference(reference))
    if read is None:
        return None
    date, during = _during_trip(selection, read[0], told_in)
    return replace(chosen, date=date, caution=_joined(read[1], during))


def date_for_selection(
    passages: list[PassageData],
    reference: dt.date | Reference,
    index: int,
    start: int,
    end: int,
    at: tuple[int, int, int] | None = None,
) -> SelectionDate | Refusal | None:
    """The date of ``passages[index].text[start:end]``, read as the extractor reads it.

    ``at`` (passage index, start, end) names the date expression to use (the one a proposal
    chose). Otherwise: the event's date among the dates written in the selection; else, when
    the selection writes a date that is refused ("on Monday" in an article dated only to the
    month), that refusal (no date is borrowed for it); else the last date the text
    established before the selection (from another sentence or paragraph: ``source`` says
    so, for review). None when the text has none before it.
    """
    readings = read_source(passages, reference)
    if at is not None:
        for reading in readings:
            for f in reading.found:
                if (reading.passage.index, f.start, f.end) == at:
                    if at[0] == index and start <= f.start and f.end <= end:  # inside
                        source = _own_source(reading, f)
                        if source == DateSource.SENTENCE and not (
                            f.anchor is None
                            or (f.anchor.passage == index and start <= f.anchor.start < end)
                        ):
                            source = DateSource.ANCHOR
                    elif reading.entry is not None and reading.entry[0] == f:
                        source = DateSource.CHRONOLOGY
                    elif at[0] == index:
                        source = DateSource.PARAGRAPH
                    else:
                        source = DateSource.CONTEXT  # another paragraph's
                    same = at[0] == index and _in_sentence(reading, start, end)
                    selection = passages_text(passages, index)[start:end]
                    return _borrowed_for(
                        selection, SelectionDate(f, at[0], source, same), reading.text, reference
                    )
        return None
    inside = [
        f
        for r in readings
        if r.passage.index == index
        for f in r.found
        if start <= f.start and f.end <= end
    ]
    if inside:
        whole = passages_text(passages, index)
        text = whole[start:end]
        # A date the passage gives only as a limit ("by March 2022"), the limit words inside
        # the selection or not: no date to fill in, unless another date is the event's.
        limits = [(f, limit) for f in inside if (limit := limit_of(whole, f)) is not None]
        rest = [f.shifted(-start) for f in inside if all(f != bound for bound, _ in limits)]
        own = event_date(text, rest) if rest else None
        if own is None and limits:
            return limit_refusal(whole, *limits[0])
        own = own or inside[0].shifted(-start)
        date = inside[[f.shifted(-start) for f in inside].index(own)]
        anchored_outside = date.anchor is not None and not (
            date.anchor.passage == index and start <= date.anchor.start < end
        )
        return SelectionDate(
            date, index, DateSource.ANCHOR if anchored_outside else DateSource.SENTENCE
        )
    refused = [
        x
        for r in readings
        if r.passage.index == index
        for x in r.refused
        if start <= x.start and x.end <= end
    ]
    if refused:
        return refused[0]
    before = [
        (r.passage.index, f)
        for r in readings
        for f in r.found
        if (r.passage.index, f.end) <= (index, start)
        and establishes(r.passage.text[r.start : r.end], f.shifted(-r.start))
    ]
    if not before:
        return None
    where, date = before[-1]
    same = any(
        r.passage.index == index and r.start <= date.start < r.end and _in_sentence(r, start, end)
        for r in readings
    )
    told_in = next(
        r.text for r in readings if r.passage.index == where and r.start <= date.start < r.end
    )
    chosen = SelectionDate(
        date, where, DateSource.PARAGRAPH if where == index else DateSource.CONTEXT, same
    )
    return _borrowed_for(passages_text(passages, index)[start:end], chosen, told_in, reference)


def _in_sentence(reading: SentenceReading, start: int, end: int) -> bool:
    """Whether passage offsets ``start``-``end`` lie within the reading's sentence."""
    return reading.start <= start and end <= reading.end


def passages_text(passages: list[PassageData], index: int) -> str:
    return next(p.text for p in passages if p.index == index)
