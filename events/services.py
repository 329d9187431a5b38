"""Writes that span models: every citation is made here."""

from dataclasses import dataclass

from sources.models import Passage, Source

from .models import CONTEXT_CHARS, Citation, Event, quote_mismatch


class CitationError(ValueError):
    """A citation that does not match its source; the message says what is wrong."""


@dataclass(frozen=True)
class Located:
    passage: Passage
    start: int
    end: int
    quote: str

    @property
    def prefix(self) -> str:
        return self.passage.text[max(0, self.start - CONTEXT_CHARS) : self.start]

    @property
    def suffix(self) -> str:
        return self.passage.text[self.end : self.end + CONTEXT_CHARS]


def _occurrences(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def locate(
    source: Source,
    quote: str,
    passage_index: int | None = None,
    start: int | None = None,
    end: int | None = None,
    passages: list[Passage] | None = None,
) -> Located:
    """Find where ``quote`` stands in ``source``, checking any offsets given."""
    if not quote:
        raise CitationError("The quote is empty: copy the exact words from the source.")
    passages = passages if passages is not None else list(source.passages.all())
    if passage_index is None:
        hits = _occurrences(source.text, quote)
        if not hits:
            raise CitationError(f"Quote not found in source “{source.key}”: “{quote[:80]}”.")
        if len(hits) > 1:
            raise CitationError(
                f"Quote occurs {len(hits)} times in source “{source.key}”; "
                "give passage and start to say which one."
            )
        for passage in passages:
            if passage.start <= hits[0] and hits[0] + len(quote) <= passage.end:
                offset = hits[0] - passage.start
                return Located(passage, offset, offset + len(quote), quote)
        raise CitationError("The quote spans two passages; cite within one paragraph.")
    passage = next((p for p in passages if p.index == passage_index), None)
    if passage is None:
        raise CitationError(
            f"Source “{source.key}” has no passage {passage_index} "
            f"(it has passages 0 to {len(passages) - 1})."
        )
    if start is None:
        hits = _occurrences(passage.text, quote)
        if len(hits) != 1:
            word = "not found" if not hits else f"occurs {len(hits)} times"
            raise CitationError(f"Quote {word} in passage {passage_index}; give start and end.")
        start = hits[0]
    end = start + len(quote) if end is None else end
    problem = quote_mismatch(passage.text, quote, start, end)
    if problem:
        raise CitationError(problem)
    return Located(passage, start, end, quote)


def cite(event: Event, located: Located, date_text: str = "", note: str = "") -> Citation:
    """Create a citation; the database checks the quote again."""
    return Citation.objects.create(
        event=event,
        passage=located.passage,
        quote=located.quote,
        start=located.start,
        end=located.end,
        prefix=located.prefix,
        suffix=located.suffix,
        date_text=date_text or "",
        note=note or "",
    )
