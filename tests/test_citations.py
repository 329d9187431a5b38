"""Citations are verbatim: Python checks them, and the database refuses any that is not."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from events.models import CONTEXT_CHARS, Citation, Event
from events.services import CitationError, cite, locate
from sources.models import Passage, Source, text_sha256
from tests.factories import EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "Russia and Myanmar, a chronology.\n"
    "\n"
    "Min Aung Hlaing visited Moscow on June 22. He met Sergei Shoigu in Moscow.\n"
    "  The talks covered arms deliveries and the training of officers.  \n"
    "Shoigu called Myanmar a time-tested strategic partner.\n"
)
VISIT = "Min Aung Hlaing visited Moscow on June 22. He met Sergei Shoigu in Moscow."


@pytest.fixture
def source():
    return SourceFactory(text=TEXT, key="chronology")


@pytest.fixture
def citation(source, event):
    return cite(event, locate(source, "He met Sergei Shoigu"), date_text="June 22")


def in_atomic(action):
    """Run ``action`` in a savepoint, so that a refused write leaves the test usable."""
    with transaction.atomic():
        action()


# Locating a quote ------------------------------------------------------------


def test_a_quote_found_once_is_located_with_its_offsets_and_context(source):
    located = locate(source, "He met Sergei Shoigu")

    assert located.passage.index == 1
    assert located.passage.text == VISIT
    assert (located.start, located.end) == (43, 63)
    assert located.passage.text[located.start : located.end] == "He met Sergei Shoigu"
    absolute = located.passage.start + located.start
    assert source.text[absolute : absolute + len(located.quote)] == "He met Sergei Shoigu"
    assert located.prefix == "laing visited Moscow on June 22. "[-CONTEXT_CHARS:]
    assert len(located.prefix) == CONTEXT_CHARS == 32
    assert located.suffix == " in Moscow."


def test_context_stops_at_the_edges_of_the_passage(source):
    located = locate(source, "The talks covered")
    assert located.passage.index == 2
    assert located.start == 0
    assert located.prefix == ""
    assert located.suffix == " arms deliveries and the trainin"
    assert len(located.suffix) == 32

    at_end = locate(source, "strategic partner.")
    assert at_end.suffix == ""
    assert at_end.prefix == "Shoigu called Myanmar a time-tested "[-32:]
    assert at_end.prefix == "gu called Myanmar a time-tested "


def test_a_quote_in_an_indented_line_counts_offsets_from_the_stripped_passage(source):
    located = locate(source, "training of officers")
    passage = located.passage
    assert passage.text == "The talks covered arms deliveries and the training of officers."
    assert source.text[passage.start : passage.end] == passage.text
    assert source.text[passage.start - 2 : passage.start] == "  "
    assert passage.text[located.start : located.end] == "training of officers"


def test_a_quote_that_is_not_in_the_source_is_refused(source):
    with pytest.raises(CitationError, match="not found") as exc:
        locate(source, "He met Vladimir Putin")
    assert "chronology" in str(exc.value)


def test_a_quote_that_occurs_twice_is_refused_until_told_which(source):
    with pytest.raises(CitationError, match="occurs 2 times"):
        locate(source, "Moscow")

    first = locate(source, "Moscow", passage_index=1, start=24)
    second = locate(source, "Moscow", passage_index=1, start=VISIT.rindex("Moscow"))
    assert (first.start, second.start) == (24, 67)


def test_a_quote_that_occurs_twice_in_the_given_passage_needs_a_start(source):
    with pytest.raises(CitationError, match="occurs 2 times in passage 1"):
        locate(source, "Moscow", passage_index=1)


def test_a_quote_not_in_the_given_passage_is_refused(source):
    with pytest.raises(CitationError, match="not found in passage 3"):
        locate(source, "He met Sergei Shoigu", passage_index=3)


def test_a_quote_across_two_paragraphs_is_refused(source):
    with pytest.raises(CitationError, match="spans two passages"):
        locate(source, "in Moscow.\n  The talks")


def test_an_empty_quote_is_refused(source):
    with pytest.raises(CitationError, match="empty"):
        locate(source, "")


def test_a_missing_passage_is_refused_with_the_range_there_is(source):
    with pytest.raises(CitationError, match=r"has no passage 9 \(it has passages 0 to 3\)"):
        locate(source, "Moscow", passage_index=9, start=0)


def test_explicit_passage_start_and_end_are_checked_and_kept(source):
    located = locate(source, "Sergei Shoigu", passage_index=1, start=50, end=63)
    assert (located.passage.index, located.start, located.end) == (1, 50, 63)


def test_mismatched_offsets_are_refused_saying_what_the_passage_says(source):
    with pytest.raises(CitationError, match="the passage says “Sergei Shoi”"):
        locate(source, "Sergei Shoigu", passage_index=1, start=50, end=61)
    with pytest.raises(CitationError, match="the passage says “ met Sergei S”"):
        locate(source, "Sergei Shoigu", passage_index=1, start=45)


def test_offsets_outside_the_passage_are_refused(source):
    with pytest.raises(CitationError, match="outside the passage"):
        locate(source, "Moscow", passage_index=1, start=70, end=200)


@pytest.mark.parametrize("end", [50, 49])
def test_an_end_not_after_the_start_is_refused_saying_so(source, end):
    with pytest.raises(CitationError, match=f"Offsets 50–{end}: the end must come after the start"):
        locate(source, "Sergei Shoigu", passage_index=1, start=50, end=end)


# Creating citations ------------------------------------------------------------


def test_cite_stores_the_quote_offsets_and_context(citation):
    citation.refresh_from_db()
    assert citation.quote == "He met Sergei Shoigu"
    assert (citation.passage.index, citation.start, citation.end) == (1, 43, 63)
    assert citation.prefix == VISIT[11:43]
    assert citation.suffix == " in Moscow."
    assert citation.date_text == "June 22"
    citation.full_clean()


def test_full_clean_refuses_a_quote_that_is_not_the_passage_text(source, event):
    passage = source.passages.get(index=1)
    citation = Citation(event=event, passage=passage, quote="He met Putin", start=43, end=55)
    with pytest.raises(ValidationError) as exc:
        citation.full_clean()
    assert "the passage says “He met Serge”" in exc.value.message_dict["quote"][0]


def test_full_clean_refuses_offsets_outside_the_passage(source, event):
    passage = source.passages.get(index=1)
    citation = Citation(event=event, passage=passage, quote="Moscow.", start=80, end=87)
    with pytest.raises(ValidationError, match="outside the passage"):
        citation.full_clean()


# The database enforces it even when Python is bypassed ---------------------------


def test_the_database_refuses_a_wrong_quote_on_insert(source, event):
    passage = source.passages.get(index=1)
    with pytest.raises(IntegrityError):
        in_atomic(
            lambda: Citation.objects.create(
                event=event, passage=passage, quote="He met Putin", start=43, end=55
            )
        )
    assert not Citation.objects.exists()


def test_the_database_refuses_a_right_quote_at_wrong_offsets(source, event):
    passage = source.passages.get(index=1)
    with pytest.raises(IntegrityError):
        in_atomic(
            lambda: Citation.objects.create(
                event=event, passage=passage, quote="He met Sergei Shoigu", start=44, end=64
            )
        )
    with pytest.raises(IntegrityError):
        in_atomic(
            lambda: Citation.objects.create(
                event=event, passage=passage, quote="He met Sergei Shoigu", start=43, end=62
            )
        )
    assert not Citation.objects.exists()


def test_the_database_refuses_a_quote_in_the_wrong_passage(source, event):
    passage = source.passages.get(index=3)
    with pytest.raises(IntegrityError):
        in_atomic(
            lambda: Citation.objects.create(
                event=event, passage=passage, quote="He met Sergei Shoigu", start=43, end=63
            )
        )


def test_the_database_accepts_a_verbatim_quote_written_directly(source, event):
    passage = source.passages.get(index=1)
    Citation.objects.create(
        event=event, passage=passage, quote="He met Sergei Shoigu", start=43, end=63
    )
    assert Citation.objects.count() == 1


def test_the_database_refuses_an_empty_or_inverted_span(source, event):
    passage = source.passages.get(index=1)
    with pytest.raises(IntegrityError):
        in_atomic(
            lambda: Citation.objects.create(event=event, passage=passage, quote="", start=5, end=5)
        )


@pytest.mark.parametrize(
    "change",
    [
        {"quote": "x"},
        {"quote": "He met Sergei Shoigi"},
        {"start": 44},
        {"end": 62},
        {"start": 44, "end": 64},
    ],
)
def test_the_database_refuses_an_update_that_breaks_a_citation(citation, change):
    with pytest.raises(IntegrityError):
        in_atomic(lambda: Citation.objects.filter(pk=citation.pk).update(**change))
    citation.refresh_from_db()
    assert (citation.quote, citation.start, citation.end) == ("He met Sergei Shoigu", 43, 63)


def test_the_database_refuses_moving_a_citation_to_another_passage(citation, source):
    other = source.passages.get(index=3)
    with pytest.raises(IntegrityError):
        in_atomic(lambda: Citation.objects.filter(pk=citation.pk).update(passage=other))


def test_the_database_accepts_an_update_that_keeps_the_quote_verbatim(citation):
    Citation.objects.filter(pk=citation.pk).update(quote="Sergei Shoigu", start=50, end=63)
    citation.refresh_from_db()
    assert citation.quote == "Sergei Shoigu"


@pytest.mark.parametrize(
    "change",
    [{"text": VISIT.replace("Shoigu", "Shoygu")}, {"start": 0}, {"end": 10}],
)
def test_the_text_and_span_of_a_cited_passage_cannot_change(citation, change):
    passage = citation.passage
    with pytest.raises(IntegrityError):
        in_atomic(lambda: Passage.objects.filter(pk=passage.pk).update(**change))
    passage.refresh_from_db()
    assert passage.text == VISIT


def test_the_text_of_an_uncited_passage_can_change(citation, source):
    uncited = source.passages.get(index=3)
    Passage.objects.filter(pk=uncited.pk).update(text="Shoigu said something else.")
    uncited.refresh_from_db()
    assert uncited.text == "Shoigu said something else."


def test_the_text_of_a_cited_source_cannot_change(citation, source):
    changed = TEXT.replace("officers", "pilots")
    with pytest.raises(IntegrityError):
        in_atomic(lambda: Source.objects.filter(pk=source.pk).update(text=changed))

    source.text = changed
    with pytest.raises(ValidationError, match="cited"):
        source.full_clean()
    with pytest.raises(IntegrityError):
        in_atomic(source.save)

    source.refresh_from_db()
    assert source.text == TEXT
    assert source.sha256 == text_sha256(TEXT)


def test_other_fields_of_a_cited_source_can_change(citation, source):
    Source.objects.filter(pk=source.pk).update(title="A new title", publisher="Asia Times")
    source.refresh_from_db()
    assert source.title == "A new title"


def test_the_text_of_an_uncited_source_can_change(source):
    source.text = TEXT.replace("officers", "pilots")
    source.full_clean()
    source.save()
    source.refresh_from_db()
    assert "pilots" in source.text
    assert source.sha256 == text_sha256(source.text)


# Nothing cited can be deleted --------------------------------------------------


def test_deleting_a_cited_source_is_refused_and_nothing_is_lost(citation, source):
    # Passage.source cascades, but Citation.passage protects: the cascade stops.
    with pytest.raises(ProtectedError):
        source.delete()
    with pytest.raises(ProtectedError):
        Source.objects.filter(pk=source.pk).delete()

    assert Source.objects.filter(pk=source.pk).exists()
    assert source.passages.count() == 4
    assert Citation.objects.filter(pk=citation.pk, passage__source=source).exists()


def test_deleting_a_cited_passage_is_refused(citation):
    with pytest.raises(ProtectedError):
        citation.passage.delete()
    with pytest.raises(ProtectedError):
        Passage.objects.filter(pk=citation.passage_id).delete()
    assert Passage.objects.filter(pk=citation.passage_id).exists()
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_an_uncited_source_can_be_deleted_with_its_passages(source):
    source.delete()
    assert not Source.objects.exists()
    assert not Passage.objects.exists()


def test_deleting_the_event_deletes_its_citations_and_frees_the_source(citation, source):
    Event.objects.filter(pk=citation.event_id).delete()
    assert not Citation.objects.exists()
    source.delete()
    assert not Passage.objects.exists()


def test_another_event_can_cite_the_same_words(citation, source):
    other = EventFactory(title="Talks with Shoigu")
    cite(other, locate(source, "He met Sergei Shoigu"))
    assert Citation.objects.filter(quote="He met Sergei Shoigu").count() == 2
