"""Titles in proposals: "the Russian Defense Minister" is whoever held the title at the date
the proposal carries (events.positions).

``with_title_holders(extract(passages, reference, lexicon), book, lexicon)`` adds to each
proposal's actors the holders of the titles its sentence names, as ordinary mentions (the
title's text and offsets), unless the holder is already named. A title nobody recorded held
then adds nothing, nor does one inside a quotation, or outside the clause of its own that the
proposal's date lies in (as for names: ``suggestions.extract``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from events.positions import TitleBook

from .extract import ActorRef, Lexicon, Mention, Proposal, quotations, subordinate_clause


def with_title_holders(
    proposals: Iterable[Proposal], book: TitleBook, lexicon: Lexicon
) -> list[Proposal]:
    refs: dict[int, ActorRef] = {ref.id: ref for ref in lexicon.by_spelling.values()}
    out = []
    for proposal in proposals:
        first, last = proposal.interval
        named = {m.actor.id for m in proposal.actors}
        added = []
        quoted = quotations(proposal.quote)
        clause = (
            None
            if proposal.inherited or proposal.date_passage_index != proposal.passage_index
            else subordinate_clause(proposal.quote, proposal.date.shifted(-proposal.start))
        )
        for found in book.mentions(proposal.quote, first, last):
            ref = refs.get(found.holder_id)
            if ref is None or ref.id in named:
                continue
            if any(a <= found.start and found.end <= b for a, b in quoted):
                continue  # a title in someone's words: not who acted
            if clause is not None and not clause[0] <= found.start < clause[1]:
                continue  # the subject of another clause than the date's
            named.add(ref.id)
            start = proposal.start + found.start
            added.append(Mention(ref, found.text, start, start + (found.end - found.start)))
        if added:
            actors = tuple(sorted((*proposal.actors, *added), key=lambda m: m.start))
            proposal = dataclasses.replace(proposal, actors=actors)
        out.append(proposal)
    return out
