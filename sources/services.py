"""Writes of sources: creating one with its passages, correcting its details."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from lib.dates import (
    CountedFromReferenceError,
    ParsedDate,
    Precision,
    Reference,
    parse_date_text,
)

from .models import Passage, Source, split_passages, text_identity
from .signals import source_imported

MAX_SOURCE_BYTES = 2 * 1024 * 1024


class SourceError(ValueError):
    """A source that cannot be imported; the message says why."""


def decode_text(data: bytes, name: str = "the file") -> str:
    if not data.strip():
        raise SourceError(f"{name} is empty: there is nothing to import.")
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{name} is larger than 2 MB; split it or trim it.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{name} is not UTF-8 text (byte {exc.start} cannot be read); "
            "save it as UTF-8 and import it again."
        ) from None
    if not text.strip():
        raise SourceError(f"{name} is empty: there is nothing to import.")
    if "\x00" in text:
        raise SourceError(
            f"{name} holds a NUL character (character {text.index(chr(0))}), so it is not plain "
            "text; save the article as UTF-8 text and import it again."
        )
    return text


def existing_source(text: str) -> Source | None:
    """The source that already has this text (``text_identity``: the same passages), if any.

    Sources stored before the identity ignored whitespace may share one: the first added.
    """
    return Source.objects.filter(text_identity=text_identity(text)).order_by("pk").first()


def unique_key(title: str) -> str:
    base = slugify(title)[:80] or "source"
    key, n = base, 2
    while Source.objects.filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def import_source(
    text: str,
    *,
    title: str,
    key: str = "",
    publisher: str = "",
    author: str = "",
    url: str = "",
    published_date: dt.date | None = None,
    published_precision: str = Precision.DAY,
    published_on_or_after: bool = False,
    reference_date: dt.date | None = None,
) -> tuple[Source, bool]:
    """Import a text as a source with its passages; the same text twice is one source
    (``existing_source``: the same passages, whatever whitespace none of them keeps)."""
    if not text.strip():
        raise SourceError("The text is empty: there is nothing to import.")
    existing = existing_source(text)
    if existing is not None:
        return existing, False
    source = Source.objects.create(
        key=key or unique_key(title),
        title=title,
        publisher=publisher or "",
        author=author or "",
        url=url or "",
        published_date=published_date,
        published_precision=published_precision,
        published_on_or_after=published_on_or_after,
        reference_date=reference_date or published_date,
        text=text,
    )
    Passage.objects.bulk_create(
        Passage(source=source, index=i, text=text[start:end], start=start, end=end)
        for i, (start, end) in enumerate(split_passages(text))
    )
    source_imported.send(sender=Source, source=source)
    return source, True


def read_published(written: str, today: dt.date) -> ParsedDate:
    """A publication date as written, read against no date: it is what the text's own
    relative dates are read against, so it is written as the source gives it, never counted
    from the day it is typed ("yesterday" saved the server's yesterday). A date counted from
    a day is refused saying so; other errors are ``parse_date_text``'s."""
    try:
        return parse_date_text(written, Reference(today, known=False))
    except CountedFromReferenceError:
        raise CountedFromReferenceError(
            f"“{written}” is counted from the day it is read, and a source's date is what its "
            "own “yesterday” and “on Monday” are read against: write the date the source "
            "gives, with its year, such as “22 June 2021”."
        ) from None


# Correcting a source's details ---------------------------------------------------------------
#
# ``correct_source`` is the one way a stored source's details change: the edit page, the API's
# PATCH, the admin and the bulk loader call it. It owns the row lock, the version (one up per
# write that changes something), the rule that a reference date following the publication
# date keeps following it, and who is recorded in the source's history.

# The details a correction may change; never the text, which citations quote verbatim.
DETAILS = (
    "key",
    "title",
    "publisher",
    "author",
    "url",
    "published_date",
    "published_precision",
    "published_on_or_after",
    "reference_date",
)


class SourceEditConflict(ValueError):
    """Someone else changed the source after ``base_version``: nothing was written."""

    def __init__(self, source: Source, base_version) -> None:
        super().__init__(
            f"Source {source.pk} is at version {source.version}, not {base_version}: "
            "another analyst saved it in between."
        )
        self.source = source
        self.base_version = base_version


def _matches_version(version: int, base_version) -> bool:
    if base_version is None:
        return True
    if isinstance(base_version, set | frozenset | list | tuple):
        return version in base_version
    return version == base_version


def apply_details(source: Source, changes: dict[str, Any]) -> list[str]:
    """Set ``changes`` on ``source`` (not saved); returns the names of the fields that changed.

    The reference date (what the text's bare and relative dates are read against) follows
    the publication date when it was that date, or none, and no other is given; one set
    apart from it for reading is kept. Given as None, it follows the publication date again
    (stored as that date, as the importers store it: the two read the same,
    ``Source.date_reference``).
    """
    unknown = set(changes) - set(DETAILS)
    if unknown:
        raise ValueError(f"Not details of a source: {', '.join(sorted(unknown))}.")
    wanted = dict(changes)
    published = wanted.get("published_date", source.published_date)
    reference = wanted.pop("reference_date", ...)  # ...: not given
    follows = source.reference_date in (None, source.published_date)
    if reference is not ... and reference is not None:
        wanted["reference_date"] = reference
    elif (reference is None or follows) and not (follows and published == source.published_date):
        wanted["reference_date"] = published
    changed = [name for name, value in wanted.items() if getattr(source, name) != value]
    for name in changed:
        setattr(source, name, wanted[name])
    return changed


@transaction.atomic
def correct_source(
    source: Source, changes: dict[str, Any], *, base_version=None, user=None, reason: str = ""
) -> bool:
    """Change a stored source's details (``DETAILS``) to ``changes``; True when the date its
    text is read against changed (``Source.date_reference``): its suggestions are then read
    again (their cache key holds it), and events already recorded from it keep their dates.

    ``base_version`` is the version the writer read (an int, a set of acceptable ones, or
    None for "whatever it is now"): another is a ``SourceEditConflict``. The row is locked
    for the rest of the transaction. A correction that changes nothing writes nothing (same
    version, no history record); else the version goes up by exactly one and the history
    records the change, with ``user``. ``source`` is updated to what is stored.
    """
    stored = Source.objects.select_for_update().filter(pk=source.pk).first()
    if stored is None:
        raise Source.DoesNotExist(f"Source {source.pk} no longer exists.")
    if not _matches_version(stored.version, base_version):
        raise SourceEditConflict(stored, base_version)
    before = stored.date_reference().key
    changed = apply_details(stored, changes)
    if changed:
        # Claimed with a conditional UPDATE as well as the lock: of two writes from the same
        # version exactly one wins, on any database.
        if not Source.objects.filter(pk=stored.pk, version=stored.version).update(
            version=F("version") + 1
        ):
            raise SourceEditConflict(Source.objects.get(pk=stored.pk), base_version)
        stored.version += 1
        if user is not None and getattr(user, "is_authenticated", False):
            stored._history_user = user  # type: ignore[attr-defined]
        if reason:
            stored._change_reason = reason[:100]  # type: ignore[attr-defined]
        stored.save(update_fields=[*changed, "version"])
    for name in (*DETAILS, "version"):
        setattr(source, name, getattr(stored, name))
    return stored.date_reference().key != before
