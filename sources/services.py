"""Writes that create sources and their passages."""

import datetime as dt

from django.db import transaction
from django.utils.text import slugify

from lib.dates import Precision

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
