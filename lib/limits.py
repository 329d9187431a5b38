"""The words that make a date a limit on when something happened, not its date.

"by March 2022" says only that it happened no later than March 2022, "after 2019" no earlier
than 2019: no date the timeline holds states either. One definition for the two readers of
dates that must not drift apart: the event form (``lib.dates`` refuses a limit typed as the
date, saying what to write) and the suggestions (``suggestions.extract`` proposes no date a
sentence gives only as a limit, and lists the sentence as not read).
"""

from __future__ import annotations

import re

# The limit words before the date they bound, as a regular expression over lower- or
# mixed-case text, words apart by any space ("by the end of" before "by").
LIMIT_WORDS = (
    r"by(?:\s+the\s+(?:end|close)\s+of)?|no\s+later\s+than|not\s+later\s+than|before"
    r"|prior\s+to|until|till|up\s+to|as\s+late\s+as|after|no\s+earlier\s+than"
    r"|not\s+earlier\s+than|not\s+before"
)
# Those that put the happening at or after their date; the others at or before it.
_NO_EARLIER = re.compile(r"after|no\s+earlier|not\s+earlier|not\s+before|as\s+late\s+as")


def limit_side(words: str) -> str:
    """Which side of its date a limit puts the happening: "no later than" ("by", "until",
    "before") or "no earlier than" ("after", "not before", "as late as": still so then)."""
    return "no earlier than" if _NO_EARLIER.match(words.strip().lower()) else "no later than"
