"""Guards for raw request values, used where a view reads a parameter itself.

``str.isdigit()`` is true for "²" and other non-ASCII digits that ``int()`` refuses, and a
NUL character cannot be stored in or compared by PostgreSQL: both were 500s. Forms and
filters check their own fields; these helpers are for values read straight from
``request.GET`` or ``request.POST``.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.http import QueryDict

# The largest id or offset the database's integer columns hold.
MAX_INT = 2**31 - 1


def whole_number(value: str | None, maximum: int = MAX_INT) -> int | None:
    """``value`` as a whole number written in ASCII digits (surrounding spaces allowed), at
    most ``maximum``; None for anything else ("", "-1", "1.5", "²", "1e9", too large)."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(maximum)):
        return None
    number = int(value)
    return number if number <= maximum else None


# A page past any list's last: a larger page number asks for the same thing.
MAX_PAGE = 10**9


def page_number(value: str | None) -> int | None:
    """``value`` as a page number from 1, written in ASCII digits (surrounding spaces
    allowed); a number past ``MAX_PAGE`` as ``MAX_PAGE``, a page past the end, which the
    list then says; None for anything else ("", "0", "-1", "1.5", "²")."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    digits = value.lstrip("0")
    if not digits:
        return None
    return MAX_PAGE if len(digits) > len(str(MAX_PAGE)) else min(int(digits), MAX_PAGE)


def has_nul(value: str | None) -> bool:
    """Whether ``value`` holds a NUL character, which no text field may store or search for."""
    return "\x00" in (value or "")


# What to do about a NUL character, said the same everywhere (``nul_message`` names the field).
NUL_FIX = "remove the NUL character (\\x00) from the text."


def nul_message(name: str) -> str:
    return f"{name}: {NUL_FIX}"


def not_a_page(value: str, then: str) -> str:
    """What a page says of a ``?page=`` value that is no page number, and ``then`` what it
    does or asks: the value shown shortened, or the NUL message if it holds one."""
    if has_nul(value):
        return nul_message("page")
    short = value if len(value) <= 40 else value[:39] + "…"
    return f"page: “{short}” is not a page number; {then}."


def shown(value: str) -> str:
    """``value`` as a page may echo it: a NUL (never valid in HTML, and refused by every
    field with ``nul_message``) as U+FFFD, the replacement character browsers show for it."""
    return value.replace("\x00", "\ufffd")


def shown_params(params: QueryDict) -> QueryDict:
    """A copy of ``params`` for echoing into a page, each value ``shown``; ``params``
    itself when no value holds a NUL (the usual case: no copy)."""
    if not any(has_nul(value) for _, values in params.lists() for value in values):
        return params
    copy = QueryDict(mutable=True)
    for name, values in params.lists():
        copy.setlist(shown(name), [shown(value) for value in values])
    return copy


# The invisible controls that set the direction of the text after them (embeddings,
# overrides and isolates: U+202A-U+202E, U+2066-U+2069). In a title or a name, an override
# shows the rest of the line reversed ("Trojan Source"), in the field and in every page and
# message that shows it beside other words; a one-line field has no use for them. The
# marks U+200E and U+200F, which a right-to-left name may need, are not among them.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def direction_control_message(value: object) -> str | None:
    """What is wrong with a one-line text holding a direction control, or None (also for
    what is no text: its own check says so)."""
    found = DIRECTION_CONTROLS.search(value) if isinstance(value, str) else None
    if found is None:
        return None
    character = found.group()
    return (
        f"Remove the invisible direction control U+{ord(character):04X} "
        f"({unicodedata.name(character)}): it shows the text after it reordered."
    )


def refuse_direction_controls(value: str) -> None:
    """Validator of one-line fields (titles, names, places): no direction control."""
    message = direction_control_message(value)
    if message is not None:
        raise ValidationError(message, code="direction_control")
