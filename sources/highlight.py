"""Cited spans of a passage, built from stored offsets (never from markup)."""

from dataclasses import dataclass, field
from itertools import pairwise


@dataclass
class Segment:
    text: str
    citations: list = field(default_factory=list)
    # Citations whose quote begins with this piece: their anchors go here, once each.
    opens: list = field(default_factory=list)
    # Citations of this piece beyond the links shown (the source page counts them).
    more: int = 0


def segments(text: str, citations) -> list[Segment]:
    """Cut ``text`` at every citation boundary; each piece knows which citations cover it."""
    cuts = {0, len(text)}
    for citation in citations:
        cuts.update({citation.start, citation.end})
    bounds = sorted(cut for cut in cuts if 0 <= cut <= len(text))
    pieces = []
    for start, end in pairwise(bounds):
        covering = [c for c in citations if c.start <= start and end <= c.end]
        opens = [c for c in covering if c.start == start]
        pieces.append(Segment(text[start:end], covering, opens))
    return pieces
