"""The extractor's hook for titles: proposals name whoever held a title at their date."""

import datetime as dt
import json
import re

import pytest
from django.conf import settings

from events.positions import title_book_from_data
from suggestions.evaluation import corpus_passages, lexicon_from_timeline
from suggestions.extract import PassageData, extract
from suggestions.titles import with_title_holders
from tests.conftest import CORPUS_DIR


@pytest.fixture(scope="module")
def book_and_lexicon():
    timeline = json.loads((settings.FIXTURES_DIR / "timeline.json").read_text(encoding="utf-8"))
    positions = json.loads((settings.FIXTURES_DIR / "positions.json").read_text(encoding="utf-8"))
    ids = {actor["name"]: i for i, actor in enumerate(timeline["actors"], start=1)}
    return title_book_from_data(positions, ids), lexicon_from_timeline(timeline)


def proposals(name: str, reference: dt.date, book_and_lexicon):
    book, lexicon = book_and_lexicon
    passages = corpus_passages(CORPUS_DIR / name)
    return with_title_holders(extract(passages, reference, lexicon), book, lexicon)


def test_the_coup_leader_in_the_chronology_is_min_aung_hlaing(book_and_lexicon):
    found = proposals("003_6442ee56b40e60eb.txt", dt.date(2021, 10, 30), book_and_lexicon)
    warship = next(p for p in found if p.quote.startswith("October 29: The coup leader"))
    mentions = {(m.text, m.actor.name) for m in warship.actors}
    assert ("coup leader", "Min Aung Hlaing") in mentions
    title = next(m for m in warship.actors if m.text == "coup leader")
    text = corpus_passages(CORPUS_DIR / "003_6442ee56b40e60eb.txt")[warship.passage_index].text
    assert text[title.start : title.end] == "coup leader"


def test_a_holder_already_named_is_not_added_twice(book_and_lexicon):
    found = proposals("000_3cfaf1131c7b6c19.txt", dt.date(2021, 6, 24), book_and_lexicon)
    meeting = next(p for p in found if "Shoigu said on meeting" in p.quote)
    assert [m.actor.name for m in meeting.actors].count("Sergei Shoigu") == 1


def test_a_title_before_its_holders_tenure_adds_nobody(book_and_lexicon):
    book, _lexicon = book_and_lexicon
    assert book.mentions("the coup leader", dt.date(2020, 11, 1)) == []


def test_the_suggestions_queue_names_the_holder_of_a_title(client, analyst, timeline):
    from django.urls import reverse

    from sources.models import Source

    source = Source.objects.get(key="myanmar-russia-contacts-after-coup")
    client.force_login(analyst)
    body = client.get(reverse("source-suggestions", args=[source.pk])).content.decode()
    # "October 29: The coup leader visits the visiting Russian Warship Gremyashiy at Thilawa
    # Jetty ... meets ... Vladimir Kasatonov": the coup leader is Min Aung Hlaing then.
    lines = re.findall(r"Actors: ([^·<]*)", body)
    warship = next(line for line in lines if "Vladimir Kasatonov" in line and "Thilawa" in line)
    assert warship.split(", ")[0] == "Min Aung Hlaing"


def test_a_title_in_someone_s_words_or_another_clause_adds_nobody(book_and_lexicon):
    """As a name: a title inside a quotation is not who acted, nor is the subject of a clause
    the proposal's date is not in."""
    book, lexicon = book_and_lexicon
    passages = [
        PassageData(
            1, 0, "“Jets were the coup leader’s wish on October 29, 2021,” said a diplomat."
        ),
        PassageData(
            2, 1, "The coup leader has bought jets since the army signed a deal on 1 May 2021."
        ),
        PassageData(3, 2, "The coup leader visited a Russian warship on October 29, 2021."),
    ]
    found = with_title_holders(extract(passages, dt.date(2021, 11, 1), lexicon), book, lexicon)
    assert [[m.actor.name for m in p.actors] for p in found] == [[], [], ["Min Aung Hlaing"]]
