"""lib.datesearch: every date expression in a text, with offsets and its resolution.

Pure functions: no database.
"""

import datetime as dt

import pytest
from dateparser.search import search_dates

from lib.dates import ParsedDate, Precision, parse_date_text
from lib.datesearch import find_dates

REFERENCE = dt.date(2021, 6, 24)
D = dt.date
DAY, MONTH, YEAR = Precision.DAY, Precision.MONTH, Precision.YEAR


def only(text: str, reference: dt.date = REFERENCE, **kwargs):
    found = find_dates(text, reference, **kwargs)
    assert len(found) == 1, found
    hit = found[0]
    assert text[hit.start : hit.end] == hit.text
    return hit


@pytest.mark.parametrize(
    ("sentence", "expression", "start", "end", "precision"),
    [
        # day ranges
        (
            "during his June 22-24 visit to Moscow.",
            "June 22-24",
            D(2021, 6, 22),
            D(2021, 6, 24),
            DAY,
        ),
        ("May 20-22: the General attends.", "May 20-22", D(2021, 5, 20), D(2021, 5, 22), DAY),
        ("September 1-7: Soe Win visits.", "September 1-7", D(2021, 9, 1), D(2021, 9, 7), DAY),
        (
            "It ran 22–24 June 2021 in Moscow.",
            "22–24 June 2021",
            D(2021, 6, 22),
            D(2021, 6, 24),
            DAY,
        ),
        # year ranges
        (
            "hardware from Russia between 1999 and 2018, or",
            "between 1999 and 2018",
            D(1999, 1, 1),
            D(2018, 1, 1),
            YEAR,
        ),
        (
            "openness that Myanmar enjoyed from 2011 to 2021.",
            "from 2011 to 2021",
            D(2011, 1, 1),
            D(2021, 1, 1),
            YEAR,
        ),
        (
            "a Vietnamese intervention in 1978-9, Cambodia",
            "1978-9",
            D(1978, 1, 1),
            D(1979, 1, 1),
            YEAR,
        ),
        ("since the 1950s, and this trend", "the 1950s", D(1950, 1, 1), D(1959, 1, 1), YEAR),
        # month and year precision
        ("In May, the Air Force chief visited Russia.", "May", D(2021, 5, 1), None, MONTH),
        ("went viral on social media in late June.", "late June", D(2021, 6, 1), None, MONTH),
        ("In November 2020, Shoigu held talks.", "November 2020", D(2020, 11, 1), None, MONTH),
        ("During another visit in 2016, they signed.", "2016", D(2016, 1, 1), None, YEAR),
        ("the vaccine in early February.", "early February", D(2021, 2, 1), None, MONTH),
        (
            "After the coup last February, Hlaing attended",
            "last February",
            D(2021, 2, 1),
            None,
            MONTH,
        ),
        ("Shoigu’s January visit to Myanmar", "January", D(2021, 1, 1), None, MONTH),
        # days, with a dot, a weekday or a year
        ("The Irrawaddy reported on Jan. 25 that", "Jan. 25", D(2021, 1, 25), None, DAY),
        (
            "It opened on Thursday, March 25 in Yangon.",
            "Thursday, March 25",
            D(2021, 3, 25),
            None,
            DAY,
        ),
        ("a parade in Naypyidaw on March 27, 2019.", "March 27, 2019", D(2019, 3, 27), None, DAY),
        ("talks in Moscow on 22 June 2021.", "22 June 2021", D(2021, 6, 22), None, DAY),
        ("according to a June 23 Reuters report", "June 23", D(2021, 6, 23), None, DAY),
    ],
)
def test_finds_and_resolves_each_form_the_sources_write(
    sentence, expression, start, end, precision
):
    hit = only(sentence)
    assert hit.text == expression
    assert (hit.parsed.start, hit.parsed.end, hit.parsed.precision) == (start, end, precision)


def test_qualified_months_are_approximate_and_plain_ones_are_not():
    assert only("in late June").parsed.approximate is True
    assert only("In May, he went").parsed.approximate is False


@pytest.mark.parametrize(
    "sentence",
    [
        "Wait a second, he said.",
        "The protesters may march on the capital.",
        "March on, they said.",
        "May the best army win.",
        "He bought 39% of its arms, 84% of the total.",
        "The 9th Moscow Conference and the 76th Anniversary.",
        "It attends the forum “Army 2021” in Moscow.",
        "It cost US$2.3 billion and $1.44 billion; 115 personnel and 20 Years.",
        "We pay special attention to this now.",
        "No. 2 Steel Mill in Taunggyi.",
    ],
)
def test_no_false_hits_on_words_and_numbers_that_are_not_dates(sentence):
    assert find_dates(sentence, REFERENCE) == []


def test_dateparser_search_dates_alone_gets_these_wrong_and_we_correct_them():
    text = (
        "Min Aung Hlaing attends the 9th Moscow Conference during his June 22-24 visit, and we "
        "may march, according to a June 23 report on arms bought between 1999 and 2018."
    )
    base = dt.datetime(2021, 6, 24)
    theirs = {phrase: when.date() for phrase, when in search_dates(
        text, languages=["en"], settings={"RELATIVE_BASE": base}
    )}  # fmt: skip
    # dateparser reads the day range as the year 2024, takes "the 9th" for a date,
    # drops the day of "a June 23", and splits the year range in two.
    assert theirs["June 22-24"] == D(2024, 6, 22)
    assert theirs["the 9th"] == D(2021, 9, 24)
    assert theirs["a June 23"] == D(2023, 6, 1)
    assert "between 1999 and 2018" not in theirs

    ours = [(f.text, f.parsed) for f in find_dates(text, REFERENCE)]
    assert ours == [
        ("June 22-24", ParsedDate(D(2021, 6, 22), D(2021, 6, 24), DAY)),
        ("June 23", ParsedDate(D(2021, 6, 23), None, DAY)),
        ("between 1999 and 2018", ParsedDate(D(1999, 1, 1), D(2018, 1, 1), YEAR)),
    ]


def test_dateparser_takes_a_second_and_verbs_for_dates_and_we_do_not():
    text = "Wait a second. The protesters may march on the capital."
    base = dt.datetime(2021, 6, 24)
    theirs = [phrase for phrase, _ in search_dates(
        text, languages=["en"], settings={"RELATIVE_BASE": base}
    )]  # fmt: skip
    assert theirs == ["a second", "may", "march"]
    assert find_dates(text, REFERENCE) == []


def test_dateparser_alone_reads_a_decade_as_a_day_so_we_read_it_as_ten_years():
    assert parse_date_text("1950s", REFERENCE) == ParsedDate(D(1950, 1, 1), D(1959, 1, 1), YEAR)


def test_the_day_before_an_anchor_in_the_sentence_is_resolved_and_approximate():
    text = "On the day before the February 1 coup, officers had a party in Yangon."
    first, second = find_dates(text, REFERENCE)
    assert (first.text, first.relative) == ("the day before", True)
    assert first.parsed == ParsedDate(D(2021, 1, 31), None, DAY, approximate=True)
    assert (second.text, second.parsed.start) == ("February 1", D(2021, 2, 1))


def test_two_weeks_before_takes_its_anchor_from_the_context_date():
    text = (
        "Some two weeks before the General attends the exhibition, the KIA shot down a helicopter."
    )
    context = ParsedDate(D(2021, 5, 20), D(2021, 5, 22), DAY)
    hit = only(text, context=context)
    assert hit.text == "two weeks before"
    assert hit.parsed == ParsedDate(D(2021, 5, 6), None, DAY, approximate=True)


def test_the_following_day_counts_from_the_date_before_it():
    text = "The minister arrives on March 26 and attends the parade the following day."
    _arrival, parade = find_dates(text, REFERENCE)
    assert parade.text == "the following day"
    assert parade.parsed == ParsedDate(D(2021, 3, 27), None, DAY, approximate=True)


def test_a_relative_expression_without_an_anchor_is_left_out():
    assert find_dates("Shoigu visited Myanmar just two weeks before the coup.", REFERENCE) == []
    # The anchor must be in the same sentence.
    text = "The coup came on February 1. It was launched the next day."
    assert [f.text for f in find_dates(text, REFERENCE)] == ["February 1"]


def test_deictic_words_are_read_by_dateparser_against_the_reference():
    hit = only("The delegation arrived yesterday in Yangon.")
    assert (hit.text, hit.parsed) == ("yesterday", ParsedDate(D(2021, 6, 23), None, DAY))
    hit = only("Talks were held three days ago.")
    assert hit.parsed.start == D(2021, 6, 21)


def test_a_bare_date_takes_the_reference_year():
    assert only("on March 26", D(2019, 12, 31)).parsed.start == D(2019, 3, 26)


def test_offsets_point_into_the_text_in_order():
    text = "In June 2013 he went; in 2016 again; and on June 22-24 once more."
    found = find_dates(text, REFERENCE)
    assert [text[f.start : f.end] for f in found] == ["June 2013", "2016", "June 22-24"]
    assert [f.start for f in found] == sorted(f.start for f in found)


def test_that_same_year_takes_the_year_of_the_last_date_written_before_it():
    previous = ParsedDate(D(2016, 1, 1), None, YEAR)
    hit = only("In a meeting between Shoigu and Min Aung Hlaing that same year, he spoke.",
               previous=previous)  # fmt: skip
    assert (hit.text, hit.parsed) == ("that same year", ParsedDate(D(2016, 1, 1), None, YEAR, True))
    found = find_dates("They met in June 2013 and again that same year.", REFERENCE)
    assert [(f.text, f.parsed.start) for f in found] == [
        ("June 2013", D(2013, 6, 1)),
        ("that same year", D(2013, 1, 1)),
    ]
    # Without a date before it, or after a range of years, it is left out.
    assert find_dates("That same year, nothing happened.", REFERENCE) == []
    assert find_dates("Between 1999 and 2018 and that same year.", REFERENCE)[1:] == []
