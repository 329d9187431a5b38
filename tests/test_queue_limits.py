"""A limit is no date: the suggestion queue proposes no event at a date a sentence gives only
as a limit ("were delivered by March 2022": no later than then), and lists the sentence among
those whose date is not read, saying so; the event form refuses the same limit words typed
as a date (one definition, ``lib.limits``).

The queue proposed "… were delivered by March 2022" as an event at March 2022: its rule knew
only "before", "after" and "prior to", the form's knew "by", "until", "no later than" too.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from lib.dates import DateTextError, parse_date_text
from sources.services import import_source
from suggestions.extract import ActorRef, Lexicon, PassageData, read_proposals
from suggestions.services import proposals_for_source, review_source
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db

REFERENCE = dt.date(2023, 6, 5)  # a Monday
_NAMES = [
    "Russia", "Myanmar", "Vladimir Putin", "Putin", "Min Aung Hlaing", "TASS", "Sergei Shoigu",
    "Shoigu", "Alexander Fomin", "Fomin", "Sergei Lavrov", "Lavrov", "Naypyitaw", "Moscow",
    "Vladivostok",
]  # fmt: skip
LEXICON = Lexicon(
    (name, ActorRef(n, name, name.lower(), "person")) for n, name in enumerate(_NAMES)
)


def read(text: str):
    return read_proposals([PassageData(1, 1, text)], REFERENCE, LEXICON)


# The limit words, and the side of its date each puts the happening.
LIMITS = [
    ("Russia delivered six Su-30SME fighters to Myanmar by March 2022.",
     "by March 2022", "no later than March 2022"),
    ("By the end of 2022, Russia had handed over two more Mi-35 helicopters to Myanmar.",
     "By the end of 2022", "no later than the end of 2022"),
    ("Russia will deliver the radar to Myanmar by the close of 2024.",
     "by the close of 2024", "no later than the close of 2024"),
    ("Russia had delivered the helicopters to Myanmar by Monday.",
     "by Monday", "no later than 5 June 2023"),
    ("Myanmar is to receive the remaining jets from Russia no later than 2025.",
     "no later than 2025", ""),
    ("The contract requires Russia to finish the port in Myanmar not later than June 2023.",
     "not later than June 2023", "no later than June 2023"),
    ("Russian instructors stayed in Myanmar until March 2023.",
     "until March 2023", "no later than March 2023"),
    ("Until 2019, Russian pilots trained Myanmar crews at Meiktila.",
     "Until 2019", "no later than 2019"),
    ("Russian pilots trained Myanmar crews at Meiktila till 2019.",
     "till 2019", "no later than 2019"),
    ("Russia supplied Myanmar with arms up to 2020.", "up to 2020", "no later than 2020"),
    ("Russian advisers were seen at a Myanmar air base as late as March 2022.",
     "as late as March 2022", "no earlier than March 2022"),
    ("Lavrov said deliveries to Myanmar would continue until at least 2025.",
     "until at least 2025", "no earlier than 2025"),
    ("Shoigu visited Myanmar before March 2021.", "before March 2021", "no later than March 2021"),
    ("Myanmar ordered the jets from Russia prior to 2018.", "prior to 2018", "no later than 2018"),
    ("The Russian delegation arrived in Myanmar after 12 May 2023.",
     "after 12 May 2023", "no earlier than 12 May 2023"),
    ("Min Aung Hlaing will travel to Moscow not before July 2023.",
     "not before July 2023", "no earlier than July 2023"),
    ("Min Aung Hlaing will travel to Moscow no earlier than July 2023.",
     "no earlier than July 2023", ""),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "limit", "side"), LIMITS)
def test_a_date_given_only_as_a_limit_is_not_proposed_and_the_sentence_says_why(
    sentence, limit, side
):
    found = read(sentence)
    assert found.proposals == []
    [unread] = found.unread
    assert unread.quote == sentence
    [why] = unread.refusals
    assert why.text == limit
    said = f" ({side})" if side else ""
    assert why.message.startswith(f"the sentence gives only a limit: “{limit}”{said}, not the date")
    assert sentence[why.start : why.end] == limit  # offsets in the passage


# "by" that is an agent's, a count's or a measure's, and a time near a date: the date stays.
NOT_LIMITS = [
    ("The agreement was signed by Putin and Min Aung Hlaing on 12 June 2023.", "12 June 2023"),
    ("A report by TASS on Monday said Russia had delivered two jets to Myanmar.", "Monday"),
    ("Lavrov's visit to Myanmar was followed by talks on 3 May 2023.", "3 May 2023"),
    ("The resolution was adopted by 141 votes to 5 on 2 March 2022, with Myanmar in favour.",
     "2 March 2022"),
    ("Russia stood by Myanmar in March 2022, when Lavrov visited Naypyitaw.", "March 2022"),
    ("Min Aung Hlaing was received by Putin in Vladivostok on 7 September 2022.",
     "7 September 2022"),
    ("Myanmar was isolated by Wednesday's vote at the General Assembly.", "Wednesday"),
    ("The delegation, led by Fomin, arrived in Naypyitaw on 20 June 2021.", "20 June 2021"),
    ("The talks were chaired by Lavrov in Moscow in June 2021.", "June 2021"),
    ("Lavrov was greeted by Myanmar's foreign minister in Naypyitaw on 3 August 2022.",
     "3 August 2022"),
    ("Shoigu met Min Aung Hlaing shortly before 1 February 2021.", "1 February 2021"),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "date"), NOT_LIMITS)
def test_by_that_does_not_govern_the_date_leaves_it_the_event_s(sentence, date):
    found = read(sentence)
    assert [p.date.text for p in found.proposals] == [date]
    assert found.unread == []


def test_by_before_a_date_that_names_a_thing_is_no_limit():
    """ "isolated by Wednesday's vote", "hit by 2021 sanctions": the date names a thing."""
    found = read("Russia was hit by sanctions in 2022 and Myanmar by 2021 sanctions.")
    assert "2021" not in [r.text for u in found.unread for r in u.refusals]


def test_a_limit_beside_a_date_of_the_sentence_leaves_that_date_alone():
    """ "ordered in 2018 had begun to arrive by last year": the order is 2018, the arrival is
    not last year (it was proposed as a visit in 2022)."""
    found = read(
        "The Su-30SME fighters that Myanmar ordered in 2018 had begun to arrive by last year."
    )
    assert [(p.date.text, p.type) for p in found.proposals] == [("2018", "arms_deal")]
    assert found.unread == []
    # Its proposal says the limit is not read: what the sentence reports may be then.
    assert found.proposals[0].caution.startswith(
        "the sentence also says “by last year”, which is not read: what it reports may be "
        "then, not at “2018”"
    )


def test_a_limit_proposes_nothing_for_the_next_sentence_but_narrative_time_counts_from_it():
    """The next sentence of the paragraph took the limit's date as its own; "the next month"
    after "By March 2022" is still April."""
    passage = PassageData(
        1,
        1,
        "By March 2022 Russia had delivered six jets to Myanmar. Fomin was in Naypyitaw. "
        "The next month Fomin visited Moscow.",
    )
    found = read_proposals([passage], REFERENCE, LEXICON)
    assert [(p.date.text, p.date.parsed.describe()) for p in found.proposals] == [
        ("The next month", "c. April 2022")
    ]
    assert [u.quote for u in found.unread] == [
        "By March 2022 Russia had delivered six jets to Myanmar."
    ]


def test_speculation_and_sentences_naming_nothing_are_not_listed():
    assert read("Russia could be ready to deliver the jets to Myanmar by 2025.").unread == []
    assert read("The weather was fine by March 2022.").unread == []


# The form and the queue read the same limit words ------------------------------------------


@pytest.mark.parametrize(
    "words",
    [
        "by", "by the end of", "by the close of", "no later than", "not later than", "before",
        "prior to", "until", "till", "up to", "as late as", "after", "no earlier than",
        "not earlier than", "not before",
    ],
)  # fmt: skip
def test_the_form_and_the_queue_refuse_the_same_limits(words):
    with pytest.raises(DateTextError, match=f'"{words} March 2022" is a limit'):
        parse_date_text(f"{words} March 2022", REFERENCE)
    found = read(f"Russia handed over two Mi-35 helicopters to Myanmar {words} March 2022.")
    assert found.proposals == []
    assert [r.text for u in found.unread for r in u.refusals] == [f"{words} March 2022"]


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("as late as March 2022", "no earlier than"),
        ("not earlier than 2024", "no earlier than"),
        ("not later than May 2021", "no later than"),
        ("till 2019", "no later than"),
        ("up to 2020", "no later than"),
    ],
)
def test_the_form_says_which_side_of_its_date_a_limit_is(text, side):
    with pytest.raises(DateTextError, match=f'"{text}" is a limit \\({side} the date after'):
        parse_date_text(text, REFERENCE)


# What an analyst sees --------------------------------------------------------------------

ARTICLE = (
    "Jets for the junta\n\n"
    "Russia delivered six Su-30SME fighters to Myanmar by March 2022, officials said.\n\n"
    "Sergei Shoigu visited Naypyitaw on 2 May 2023.\n"
)


@pytest.fixture
def limit_source(db):
    cache.clear()
    ActorFactory(name="Russia", kind="country")
    ActorFactory(name="Myanmar", kind="country")
    ActorFactory(name="Sergei Shoigu")
    ActorFactory(name="Naypyitaw", kind="place")
    source, _ = import_source(
        ARTICLE, title="Jets for the junta", key="jets-by-march", reference_date=REFERENCE
    )
    yield source
    cache.clear()


def test_the_queue_lists_the_limit_among_the_sentences_not_read(limit_source, client, analyst):
    assert [p.date.text for p in proposals_for_source(limit_source)] == ["2 May 2023"]
    [unread] = review_source(limit_source).unread
    assert unread.quote.startswith("Russia delivered six Su-30SME fighters")
    client.force_login(analyst)
    body = client.get(reverse("source-suggestions", args=[limit_source.pk])).content.decode()
    assert "1 proposal:" in body
    assert "1 sentence with a date not read" in body
    assert "Su-30SME fighters to Myanmar by March 2022, officials said." in body
    assert (
        "<strong>Not read:</strong> the sentence gives only a limit: “by March 2022” (no later "
        "than March 2022), not the date it happened." in body
    )
    assert "New event from this…" in body
    assert "“March 2022” →" not in body  # no proposal at the limit's date


def test_the_api_proposes_no_event_at_the_limit(limit_source, client, analyst):
    client.force_login(analyst)
    listed = client.get(f"/api/sources/{limit_source.pk}/suggestions/").json()
    assert [p["date"]["text"] for p in listed] == ["2 May 2023"]


def test_a_new_event_from_that_sentence_has_no_date_and_says_it_is_a_limit(
    limit_source, client, analyst
):
    passage = limit_source.passages.get(index=1)
    client.force_login(analyst)
    body = client.get(
        reverse("event-new"), {"passage": passage.pk, "start": 0, "end": len(passage.text)}
    ).content.decode()
    assert "Check the date:</strong> it is not filled in: the sentence gives only a limit:" in body
    assert 'name="date_text" id="id_date_text" value=""' in body
    assert "2022-03-01" not in body
    # The date's words alone selected: still the limit, not March 2022.
    at = passage.text.index("March 2022")
    body = client.get(
        reverse("event-new"), {"passage": passage.pk, "start": at, "end": at + 10}
    ).content.decode()
    assert "it is not filled in: the sentence gives only a limit: “by March 2022”" in body
    assert 'name="date_text" id="id_date_text" value=""' in body
