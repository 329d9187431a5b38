"""Where an event's sources disagree: on dates (non-overlapping intervals) or by the summary."""

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from lib.dates import DateTextError, interval
from lib.datesearch import as_stay, read_as_cited, stay_as_cited

from .models import Event

_DISAGREE = re.compile(r"\bdisagree", re.IGNORECASE)


@dataclass
class Disagreement:
    """Why an event's sources are flagged as disagreeing, with each source's wording.

    ``stays``: the citations (by id) whose day the words say opens a stay of a stated
    length, with the stay's days as compared ("c. 20–26 June 2021")."""

    on_dates: bool
    in_summary: bool
    citations: list = field(default_factory=list)
    stays: dict[int, str] = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple]:
        """Each citation with the stay its date was read as ("" for none)."""
        return [(c, self.stays.get(c.pk, "")) for c in self.citations]


@functools.lru_cache(maxsize=4096)
def _date_interval(
    text: str, reference: dt.date, context: str, start: int, end: int
) -> tuple[tuple[dt.date, dt.date], str] | None:
    """The days a citation's date as written covers, read in the words around its quote as
    the event form reads it ("December 30" by "… signed …" in a January article: the
    December before), so that two sources giving the same day agree; a day the words say
    opens a stay of a stated length, as the stay's days ("June 20" by "… embarks on a
    week-long visit": c. 20–26 June), so that the visit contains the days another source
    gives for a part of it. With the stay described ("" when the date opens none)."""
    try:
        parsed = read_as_cited(text, reference, context, start, end)
    except DateTextError:
        return None
    stay = as_stay(parsed, stay_as_cited(text, context, start, end))
    described = stay.describe() if stay != parsed else ""
    return interval(stay.start, stay.end, stay.precision), described


def disagreement(event: Event) -> Disagreement | None:
    """Whether the sources of ``event`` disagree, or None.

    They disagree on dates when two citations from different sources give dates
    (``date_text``, read against the source's reference date) whose intervals do not
    overlap: "March 26" against "March 27", "June 20" against "June 22-24". Texts that are
    no date ("the following day") are ignored, a less precise date that contains a more
    precise one ("June" and "June 22") is no disagreement, and neither is a day that opens a
    stay of a stated length which contains the other's days ("June 20: … embarks on a
    week-long visit" against "June 22-24"). They also disagree when the
    curated summary says so (it uses the word "disagree"), for figures as well as dates.
    Uses only prefetched citations: no query.
    """
    citations = list(event.citations.all())
    dated = []
    stays = {}
    for citation in citations:
        text = " ".join(citation.date_text.split())
        source = citation.passage.source
        reference = source.dates_read_against or event.date_start
        if text and reference:
            # The words the citation keeps around its quote (the passage's text is not
            # fetched with the events of a page).
            around = citation.prefix + citation.quote + citation.suffix
            first = len(citation.prefix)
            read = _date_interval(text, reference, around, first, first + len(citation.quote))
            if read:
                dated.append((source.pk, read[0]))
                if read[1]:
                    stays[citation.pk] = read[1]
    on_dates = any(
        a_source != b_source and (a[1] < b[0] or b[1] < a[0])
        for i, (a_source, a) in enumerate(dated)
        for b_source, b in dated[i + 1 :]
    )
    in_summary = bool(_DISAGREE.search(event.summary))
    if not (on_dates or in_summary):
        return None
    return Disagreement(on_dates, in_summary, citations, stays)


def annotate(events: list[Event]) -> list[Event]:
    """Set ``disagreement`` and ``source_count`` on each event (no query)."""
    for event in events:
        event.disagreement = disagreement(event)
        event.source_count = len({c.passage.source_id for c in event.citations.all()})
    return events
