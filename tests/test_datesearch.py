"""lib.datesearch: every date expression in a text, with offsets and its resolution.

Pure functions: no database.
"""

import datetime as dt

import pytest
from dateparser.search import search_dates

from lib.dates import DateTextError, ParsedDate, Precision, Reference, parse_date_text
from lib.datesearch import find_dates, read_as_cited, read_dates

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The deal came in 2016. The year before, he visited Moscow.", "2015"),
        ("The deal came in 2016. The year after, he visited Moscow.", "2017"),
        ("They met in June 2013. The month after, he visited Moscow.", "July 2013"),
        ("He visited Moscow the year before the 2016 deal.", "2015"),
    ],
)
def test_the_year_or_month_before_or_after_counts_like_the_previous_or_next(text, expected):
    relative = [f for f in find_dates(text, REFERENCE) if f.relative]
    assert [f.parsed.describe() for f in relative] == [f"c. {expected}"]


def test_in_the_year_after_is_a_span_not_a_date():
    found = find_dates("Contacts grew in the year after the February 1, 2021 coup.", REFERENCE)
    assert [f.text for f in found] == ["February 1, 2021"]


def test_the_following_day_counts_from_the_date_before_it():
    text = "The minister arrives on March 26 and attends the parade the following day."
    _arrival, parade = find_dates(text, REFERENCE)
    assert parade.text == "the following day"
    assert parade.parsed == ParsedDate(D(2021, 3, 27), None, DAY, approximate=True)


def test_a_relative_expression_without_an_anchor_is_left_out():
    # "before the coup": the coup's date is not written, so there is nothing to count from:
    # refused, saying so (the text is at a date that is not read).
    reading = read_dates("Shoigu visited Myanmar just two weeks before the coup.", REFERENCE)
    assert reading.found == []
    assert [(r.text, r.message) for r in reading.refused] == [
        (
            "two weeks before",
            '"two weeks before" is counted from “the coup…”, whose date this sentence does '
            "not write; the date is left for the analyst.",
        )
    ]
    # Beside a date of its own, it is only what that date is told against.
    reading = read_dates("He spoke last Friday, a day after troops crossed the border.", REFERENCE)
    assert ([f.text for f in reading.found], reading.refused) == (["last Friday"], [])
    # Narrative time with no date before it at all is refused, not guessed.
    reading = read_dates("It was launched the next day.", REFERENCE)
    assert reading.found == []
    assert [r.text for r in reading.refused] == ["the next day"]


def test_narrative_time_counts_from_the_last_date_across_sentences_and_records_it():
    text = "The coup came on February 1. It was launched the next day."
    coup, next_day = find_dates(text, REFERENCE)
    assert next_day.parsed == ParsedDate(D(2021, 2, 2), None, DAY, approximate=True)
    assert (next_day.anchor.text, next_day.anchor.start) == ("February 1", coup.start)


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


# --- News style (issue 11) -------------------------------------------------------------------

WIRE_DAY = D(2021, 6, 22)  # a wire report dated Tuesday 22 June 2021


def dates_of(text: str, reference: dt.date = WIRE_DAY, **kwargs):
    return [(f.text, f.parsed.start, f.parsed.end, f.parsed.precision) for f in
            find_dates(text, reference, **kwargs)]  # fmt: skip


@pytest.mark.parametrize(
    ("sentence", "expression", "start", "end", "precision"),
    [
        # the clause's tense decides a bare weekday's direction
        ("Shoigu met Min Aung Hlaing on Monday.", "Monday", D(2021, 6, 21), None, DAY),
        ("The general arrived in Moscow on Sunday.", "Sunday", D(2021, 6, 20), None, DAY),
        ("The forum opens on Thursday in Moscow.", "Thursday", D(2021, 6, 24), None, DAY),
        ("He will meet Putin on Friday.", "Friday", D(2021, 6, 25), None, DAY),
        ("The delegation is due to arrive on Monday.", "Monday", D(2021, 6, 28), None, DAY),
        ("Talks are scheduled for Wednesday.", "Wednesday", D(2021, 6, 23), None, DAY),
        ("The general said on Tuesday he was pleased.", "Tuesday", D(2021, 6, 22), None, DAY),
        ("The visit follows last Friday's vote.", "last Friday", D(2021, 6, 18), None, DAY),
        ("Fighting broke out late on Monday.", "late on Monday", D(2021, 6, 21), None, DAY),
        (
            "Talks were held on Thursday and Friday.",
            "Thursday and Friday",
            D(2021, 6, 17),
            D(2021, 6, 18),
            DAY,
        ),
        (
            "The games ran from Monday to Wednesday last week.",
            "from Monday to Wednesday",
            D(2021, 6, 14),
            D(2021, 6, 16),
            DAY,
        ),
        (
            "The conference runs from Tuesday to Thursday.",
            "from Tuesday to Thursday",
            D(2021, 6, 29),
            D(2021, 7, 1),
            DAY,
        ),
        # the article's day, and its month and year
        ("The ministry announced it yesterday.", "yesterday", D(2021, 6, 21), None, DAY),
        ("Officials said today that talks ended.", "today", D(2021, 6, 22), None, DAY),
        ("He flies to Moscow tomorrow.", "tomorrow", D(2021, 6, 23), None, DAY),
        ("He visited earlier this month.", "earlier this month", D(2021, 6, 1), None, MONTH),
        ("The deal was signed last year.", "last year", D(2020, 1, 1), None, YEAR),
        ("Deliveries begin this year.", "this year", D(2021, 1, 1), None, YEAR),
        # quarters, halves, seasons, parts of years, ranges across months and years
        ("Deliveries rose in Q3 2021 and", "Q3 2021", D(2021, 7, 1), D(2021, 9, 1), MONTH),
        (
            "in the third quarter of 2021,",
            "the third quarter of 2021",
            D(2021, 7, 1),
            D(2021, 9, 1),
            MONTH,
        ),
        ("Sales fell in H1 2021.", "H1 2021", D(2021, 1, 1), D(2021, 6, 1), MONTH),
        ("Talks resumed in spring 2021.", "spring 2021", D(2021, 3, 1), D(2021, 5, 1), MONTH),
        ("By mid-2021 it had ended.", "mid-2021", D(2021, 5, 1), D(2021, 8, 1), MONTH),
        ("A visit is planned for early 2022.", "early 2022", D(2022, 1, 1), D(2022, 4, 1), MONTH),
        (
            "The drills ran March 26 to April 2, 2021 near Yangon.",
            "March 26 to April 2, 2021",
            D(2021, 3, 26),
            D(2021, 4, 2),
            DAY,
        ),
        (
            "The drills ran March 26–April 2, 2021.",
            "March 26–April 2, 2021",
            D(2021, 3, 26),
            D(2021, 4, 2),
            DAY,
        ),
        ("in June-July 2021 the army", "June-July 2021", D(2021, 6, 1), D(2021, 7, 1), MONTH),
        (
            "From December 2021 to January 2022, a court",
            "From December 2021 to January 2022",
            D(2021, 12, 1),
            D(2022, 1, 1),
            MONTH,
        ),
        (
            "From September 1 to 7, Soe Win will be in Russia.",
            "From September 1 to 7",
            D(2021, 9, 1),
            D(2021, 9, 7),
            DAY,
        ),
        ("at the forum in Vladivostok on Sept 7.", "Sept 7", D(2021, 9, 7), None, DAY),
    ],
)
def test_finds_and_resolves_news_forms_against_the_article_date(
    sentence, expression, start, end, precision
):
    hit = only(sentence, WIRE_DAY)
    assert hit.text == expression
    assert (hit.parsed.start, hit.parsed.end, hit.parsed.precision) == (start, end, precision)


def test_in_one_sentence_each_weekday_takes_its_own_clause_tense():
    text = "Shoigu said on Monday that the exercises will begin on Thursday."
    assert dates_of(text) == [
        ("Monday", D(2021, 6, 21), None, DAY),
        ("Thursday", D(2021, 6, 24), None, DAY),
    ]


def test_next_week_and_this_week_are_refused_not_guessed():
    reading = read_dates("The minister will visit next week; talks were held this week.", WIRE_DAY)
    assert reading.found == []
    assert [r.text for r in reading.refused] == ["next week", "this week"]
    assert "a week is no precision" in reading.refused[0].message


def test_a_day_of_next_week_is_read_as_that_day():
    # Monday 21 June 2021: "Tuesday next week" is 29 June, not tomorrow.
    hit = only("Talks open on Tuesday next week in Moscow.", D(2021, 6, 21))
    assert (hit.text, hit.parsed.start) == ("Tuesday next week", D(2021, 6, 29))


def test_an_ambiguous_or_impossible_expression_is_refused_whole_never_read_in_part():
    reading = read_dates("Its engagement in 2021/22 was steady; talks on June 31, 2021 failed.",
                         WIRE_DAY)  # fmt: skip
    # Not "2021" alone, nor 22 June, nor 1 July.
    assert reading.found == []
    assert [r.text for r in reading.refused] == ["2021/22", "June 31, 2021"]
    assert "not a real date" in reading.refused[1].message


def test_today_meaning_nowadays_is_not_a_date():
    assert find_dates("A partnership that endures today.", WIRE_DAY) == []


@pytest.mark.parametrize(
    ("text", "expression", "expected"),
    [
        (
            "Fomin arrived on March 26. He met the general the same day.",
            "the same day",
            D(2021, 3, 26),
        ),
        (
            "Fomin arrived on March 26. The next day he attended a parade.",
            "The next day",
            D(2021, 3, 27),
        ),
        (
            "Fomin arrived on March 26. The following day he left.",
            "The following day",
            D(2021, 3, 27),
        ),
        (
            "Fomin left on March 26. He had met the general the previous day.",
            "the previous day",
            D(2021, 3, 25),
        ),
        (
            "Fomin arrived on March 26. Two days later he left.",
            "Two days later",
            D(2021, 3, 28),
        ),
        (
            "The games ended on June 22-24. The next day the team flew home.",
            "The next day",
            D(2021, 6, 25),
        ),
    ],
)
def test_narrative_time_counts_from_the_last_date_and_names_it(text, expression, expected):
    found = find_dates(text, WIRE_DAY)
    hit = next(f for f in found if f.text == expression)
    assert (hit.parsed.start, hit.parsed.precision) == (expected, DAY)
    assert hit.relative
    assert hit.anchor is not None
    assert text[hit.anchor.start : hit.anchor.end] == hit.anchor.text


def test_that_week_has_no_precision_and_is_refused():
    reading = read_dates("Fomin arrived on March 26. Protests grew that week.", WIRE_DAY)
    assert [f.text for f in reading.found] == ["March 26"]
    assert [r.text for r in reading.refused] == ["that week"]


def test_narrative_time_takes_its_anchor_from_earlier_sentences_passed_in():
    first = find_dates("Min Aung Hlaing arrived in Moscow on Sunday.", WIRE_DAY)[0]
    anchor = first.as_anchor(passage=1)
    hit = only("The next day he laid a wreath.", WIRE_DAY, previous=[anchor])
    assert hit.parsed.start == D(2021, 6, 21)
    assert (hit.anchor.text, hit.anchor.passage) == ("Sunday", 1)


def test_the_same_text_reads_the_same_in_the_extractor_and_the_parser():
    # One parser: the form's preview, the API's date text and the extractor agree.
    for text in ["Q3 2021", "March 26 to April 2, 2021", "spring 2021", "June 22-24",
                 "the 1950s", "last Friday", "mid-2021"]:  # fmt: skip
        assert only(f"It happened in {text}.", WIRE_DAY).parsed == parse_date_text(text, WIRE_DAY)


@pytest.mark.parametrize(
    ("text", "expression", "start", "precision"),
    [
        (
            "In 2016 they signed a deal. Two years later they met.",
            "Two years later",
            D(2018, 1, 1),
            YEAR,
        ),
        (
            "He went in June 2013. Three years later he was back.",
            "Three years later",
            D(2016, 6, 1),
            MONTH,
        ),
        (
            "He went in June 2013. Three months later he was back.",
            "Three months later",
            D(2013, 9, 1),
            MONTH,
        ),
        (
            "They met on March 3. Two weeks later they met again.",
            "Two weeks later",
            D(2021, 3, 17),
            DAY,
        ),
    ],
)
def test_years_and_months_later_count_at_the_anchors_precision(text, expression, start, precision):
    hit = next(f for f in find_dates(text, WIRE_DAY) if f.text == expression)
    assert (hit.parsed.start, hit.parsed.precision) == (start, precision)


def test_months_later_than_a_year_is_refused_not_guessed():
    reading = read_dates("In 2016 they met. Three months later they met again.", WIRE_DAY)
    assert [r.text for r in reading.refused] == ["Three months later"]


def test_narrative_time_counted_off_the_calendar_is_not_read():
    """ "The next day" after 31 December 9998 is no day the timeline holds: not read, no
    error (the suggestions of such a source opened as a 500)."""
    text = "On 31 December 9998 they met; the next day they left. The following month, too."
    found = [f.text for f in find_dates(text, dt.date(9998, 12, 31))]
    assert found == ["31 December"]


@pytest.mark.parametrize("undertaking", ["agreed to", "decided to", "pledged to", "arranged to"])
def test_a_day_undertaken_in_the_past_is_read_forwards(undertaking):
    """ "met on December 29 and agreed to meet again on January 12", written on 5 January:
    the 12th to come (a reviewer's queue proposed 12 January of the year before)."""
    text = f"The officials met on December 29 and {undertaking} meet again on January 12."
    found = [(f.text, f.parsed.start) for f in find_dates(text, dt.date(2021, 1, 5))]
    assert found == [("December 29", dt.date(2020, 12, 29)), ("January 12", dt.date(2021, 1, 12))]


@pytest.mark.parametrize(
    ("sentence", "expression", "start"),
    [
        ("The talks will be held on Friday.", "Friday", D(2021, 6, 25)),
        ("The treaty is to be signed on Monday in Moscow.", "Monday", D(2021, 6, 28)),
        ("The games will be officially opened on Saturday.", "Saturday", D(2021, 6, 26)),
        # Past, as written: the participle follows "was", "had been", not "be".
        ("The parade was held on Monday.", "Monday", D(2021, 6, 21)),
        ("The games had been held on Monday.", "Monday", D(2021, 6, 21)),
    ],
)
def test_a_participle_after_be_takes_the_tense_of_its_modal(sentence, expression, start):
    """ "will be held", "is to be signed": the participle is no past tense, so a weekday
    after it is read forwards (it was nearer than "will" and read the day backwards)."""
    hit = only(sentence, WIRE_DAY)
    assert (hit.text, hit.parsed.start) == (expression, start)


@pytest.mark.parametrize(
    ("sentence", "expression", "start"),
    [
        ("The election would be held in December, the junta said.", "December", D(2021, 12, 1)),
        ("A trade fair will be held in Yangon in May.", "May", D(2022, 5, 1)),
        ("The delegation is due to return on March 3.", "March 3", D(2022, 3, 3)),
        ("He said talks would resume in February.", "February", D(2022, 2, 1)),
        # A present tense alone, as chronologies write the past, keeps the year.
        ("March 26: Fomin arrives in Naypyitaw.", "March 26", D(2021, 3, 26)),
        # So does a year the sentence writes.
        ("In 2021, talks will be held in May.", "May", D(2021, 5, 1)),
    ],
)
def test_a_day_or_month_said_to_come_is_the_next_one(sentence, expression, start):
    """A day or month without its year in a clause that says it is to come ("will", "is due
    to", "would") is the next one after the source's date, not this year's that is over; it
    was read backwards, even moved to last year, when "held" stood nearer than "will"."""
    found = [f for f in find_dates(sentence, WIRE_DAY) if f.text == expression]
    assert [f.parsed.start for f in found] == [start]


@pytest.mark.parametrize(
    ("sentence", "expression", "start", "end"),
    [
        # a day range written day first, with "to", "until" or "and" between its days
        ("The fair ran from 3 to 5 May in Yangon.", "from 3 to 5 May", D(2021, 5, 3),
         D(2021, 5, 5)),
        ("Talks were held 14 until 16 June.", "14 until 16 June", D(2021, 6, 14), D(2021, 6, 16)),
        ("They met between 1 and 4 June 2020.", "between 1 and 4 June 2020", D(2020, 6, 1),
         D(2020, 6, 4)),
        ("It lasted from the 3rd to the 5th of May.", "from the 3rd to the 5th of May",
         D(2021, 5, 3), D(2021, 5, 5)),
        # month first, "between ... and"
        ("The drills ran between June 1 and 4 near Yangon.", "between June 1 and 4",
         D(2021, 6, 1), D(2021, 6, 4)),
        ("He visited between Sept 7 and 9, 2019.", "between Sept 7 and 9, 2019", D(2019, 9, 7),
         D(2019, 9, 9)),
        # a day written as an ordinal "of" its month: a day, not the month
        ("Talks were held on the 3rd of December 2020.", "the 3rd of December 2020",
         D(2020, 12, 3), None),
        ("On the 8th of May, the envoy arrived.", "the 8th of May", D(2021, 5, 8), None),
        ("He left on 21st of June, officials said.", "21st of June", D(2021, 6, 21), None),
    ],
)  # fmt: skip
def test_day_ranges_and_ordinal_days_written_day_first_or_with_and(sentence, expression, start,
                                                                   end):  # fmt: skip
    """ "from 3 to 5 May" was read as 5 May, "between June 1 and 4" as June 1 and "the 3rd of
    December 2024" as December 2024: a part of the expression, at the wrong precision."""
    hit = only(sentence, WIRE_DAY)
    assert (hit.text, hit.parsed.start, hit.parsed.end) == (expression, start, end)
    assert hit.parsed.precision == DAY
    assert hit.parsed == parse_date_text(expression, WIRE_DAY)


def test_and_joins_two_days_only_after_between():
    # "June 1 and 4" without "between" are two numbers, one a day; "and" between a day and a
    # number is no range.
    assert dates_of("Talks on June 1 and 4 more rounds followed.") == [
        ("June 1", D(2021, 6, 1), None, DAY)
    ]


@pytest.mark.parametrize(
    ("sentence", "expression", "start"),
    [
        ("The ceremony will begin at 10 a.m. local time on Saturday.", "Saturday",
         D(2021, 6, 26)),
        ("The parade will start at 7 a.m. on Monday.", "Monday", D(2021, 6, 28)),
        ("He will meet Snr. Gen. Min Aung Hlaing on Monday.", "Monday", D(2021, 6, 28)),
        ("The U.N. envoy will brief the council on Friday.", "Friday", D(2021, 6, 25)),
        ("Talks ended at 6 p.m. on Monday.", "Monday", D(2021, 6, 21)),
    ],
)  # fmt: skip
def test_the_dot_of_an_abbreviation_ends_no_clause(sentence, expression, start):
    """ "a.m.", "U.N.", "Gen.": the tense word before them is still the clause's; the
    clause ended at their dot and a weekday after it was read backwards by default."""
    hit = only(sentence, WIRE_DAY)
    assert (hit.text, hit.parsed.start) == (expression, start)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The team arrived in Moscow on Monday and will compete on Friday.",
            [("Monday", D(2021, 6, 21)), ("Friday", D(2021, 6, 25))],
        ),
        (
            "He met Putin on Monday and will fly to Kazan on Wednesday.",
            [("Monday", D(2021, 6, 21)), ("Wednesday", D(2021, 6, 23))],
        ),
        (
            "The envoy will arrive on Sunday but left Yangon on Monday.",
            [("Sunday", D(2021, 6, 27)), ("Monday", D(2021, 6, 21))],
        ),
        # "and" before no verb opens no clause: one tense for both days.
        (
            "The delegation will arrive on Sunday and hold talks on Monday.",
            [("Sunday", D(2021, 6, 27)), ("Monday", D(2021, 6, 28))],
        ),
    ],
)
def test_and_before_a_verb_opens_a_clause_with_its_own_tense(sentence, expected):
    """ "arrived on Monday and will compete": the weekday's clause ends at "and", whose verb
    ("will") is the next clause's; it was the nearest tense word, and "on Monday" was read
    as the Monday to come."""
    assert [(f.text, f.parsed.start) for f in find_dates(sentence, WIRE_DAY)] == expected


@pytest.mark.parametrize(
    ("sentence", "expression", "start", "precision"),
    [
        ("They signed a deal in January this year.", "January this year", D(2021, 1, 1), MONTH),
        ("He visited Russia in September last year.", "September last year", D(2020, 9, 1),
         MONTH),
        ("The vote took place on Dec. 21 last year.", "Dec. 21 last year", D(2020, 12, 21), DAY),
        ("It happened on 3 June last year.", "3 June last year", D(2020, 6, 3), DAY),
        ("Talks will resume in March next year.", "March next year", D(2022, 3, 1), MONTH),
        ("in early March this year, they met", "early March this year", D(2021, 3, 1), MONTH),
    ],
)  # fmt: skip
def test_a_day_or_month_of_a_year_named_against_the_source(sentence, expression, start,
                                                           precision):  # fmt: skip
    """ "January this year" is one date: the month in the source's year ("January" took the
    year of a date written before it in the sentence, and "this year" was read as a second,
    whole-year date)."""
    hit = only(sentence, WIRE_DAY)
    assert (hit.text, hit.parsed.start, hit.parsed.precision) == (expression, start, precision)
    assert hit.parsed == parse_date_text(expression, WIRE_DAY)


def test_a_month_of_a_named_year_keeps_that_year_after_another_written_before_it():
    found = dates_of("They signed a pact in 2016 and a deal on port calls in January this year.")
    assert found == [
        ("2016", D(2016, 1, 1), None, YEAR),
        ("January this year", D(2021, 1, 1), None, MONTH),
    ]


def test_narrative_time_does_not_skip_back_past_the_date_the_text_is_at():
    """ "Two days later" after "in December 2024" has no day to count from: the text is in
    December 2024, not at the day written before it (31 March, months away), which it was
    counted from. An earlier day inside the later month or year still is where it is."""
    reading = read_dates(
        "The year ends on March 31. The commission met in December 2024. Two days later, the "
        "bank allowed conversion.",
        WIRE_DAY,
    )
    assert [f.text for f in reading.found] == ["March 31", "December 2024"]
    assert [r.text for r in reading.refused] == ["Two days later"]
    found = dates_of("They met on June 3. Talks went on in June. The next day they left.")
    assert found[-1] == ("The next day", D(2021, 6, 4), None, DAY)
    found = dates_of("They met on March 3, 2020. In 2020 trade grew. Two days later they left.")
    assert found[-1] == ("Two days later", D(2020, 3, 5), None, DAY)


# --- "on the 15th": a day of the source's month ----------------------------------------------

WEDNESDAY_12_OCTOBER_2016 = D(2016, 10, 12)


@pytest.mark.parametrize(
    ("sentence", "expression", "day"),
    [
        # A past clause: the latest such day on or before the source's date.
        ("Rosatom officials visited the site on the 3rd.", "the 3rd", D(2016, 10, 3)),
        ("The first round of talks opened on the 10th.", "the 10th", D(2016, 10, 10)),
        ("They met on the 12th, the ministry said.", "the 12th", D(2016, 10, 12)),
        ("Officials said on the 20th that the plan was dropped.", "the 20th", D(2016, 9, 20)),
        ("He flew to Moscow on the 31st.", "the 31st", D(2016, 8, 31)),  # no 30 September 31
        # A future clause: the next such day after it.
        ("A second round will be held in Moscow on the 25th.", "the 25th", D(2016, 10, 25)),
        ("Talks are scheduled to resume on the 3rd.", "the 3rd", D(2016, 11, 3)),
        ("The parliament is due to convene on the 12th.", "the 12th", D(2016, 11, 12)),
        (
            "A closed-door meeting is set for the 19th, a diplomat said.",
            "the 19th",
            D(2016, 10, 19),
        ),
    ],
)
def test_an_ordinal_day_without_its_month_is_read_in_the_source_s_month(sentence, expression, day):
    hit = only(sentence, WEDNESDAY_12_OCTOBER_2016)
    assert (hit.text, hit.parsed) == (expression, ParsedDate(day, None, DAY))


def test_an_ordinal_day_takes_each_clause_s_direction():
    found = find_dates(
        "The talks opened on the 10th and are scheduled to close on the 14th.",
        WEDNESDAY_12_OCTOBER_2016,
    )
    assert [f.parsed.start for f in found] == [D(2016, 10, 10), D(2016, 10, 14)]


@pytest.mark.parametrize(
    "sentence",
    [
        "It marked the 75th anniversary of the victory.",
        "He visited Russia for the 2nd time since the coup.",
        "Ties go back to the 19th century.",
        "The 12th round of talks ended.",
        "Myanmar ranked 3rd in the games.",
    ],
)
def test_an_ordinal_that_numbers_something_is_no_day(sentence):
    assert read_dates(sentence, WEDNESDAY_12_OCTOBER_2016).found == []


def test_an_ordinal_day_in_a_text_at_another_month_is_refused_not_guessed():
    reading = read_dates("In March 2019, Shoigu arrived on the 15th.", WEDNESDAY_12_OCTOBER_2016)
    assert [f.text for f in reading.found] == ["March 2019"]
    assert [r.text for r in reading.refused] == ["the 15th"]
    assert "March 2019" in reading.refused[0].message
    # The paragraph's last date counts too; one in the same month does not stop it.
    later = read_dates(
        "He arrived on the 15th.",
        WEDNESDAY_12_OCTOBER_2016,
        last=ParsedDate(D(2019, 3, 1), None, MONTH),
    )
    assert later.found == []
    assert [r.text for r in later.refused] == ["the 15th"]
    same = read_dates(
        "He arrived on the 5th.",
        WEDNESDAY_12_OCTOBER_2016,
        last=ParsedDate(D(2016, 10, 10), None, DAY),
    )
    assert [f.parsed.start for f in same.found] == [D(2016, 10, 5)]


def test_an_ordinal_day_needs_the_source_s_month():
    month = Reference(D(2025, 12, 1), Precision.MONTH)
    assert parse_date_text("on the 15th", month) == ParsedDate(D(2025, 12, 15), None, DAY)
    for reference in (
        Reference(D(2025, 1, 1), Precision.YEAR),
        Reference(D(2025, 6, 24), on_or_after=True),
    ):
        with pytest.raises(DateTextError, match="which month"):
            parse_date_text("on the 15th", reference)
    with pytest.raises(DateTextError, match="not a real date"):
        parse_date_text("the 31st", Reference(D(2025, 11, 1), Precision.MONTH))


# --- "Monday's parade": a possessive weekday, and the day an infinitive of purpose looks to ---

MONDAY_22_JUNE_2020 = D(2020, 6, 22)


@pytest.mark.parametrize(
    ("sentence", "expression", "day"),
    [
        # A possessive weekday is a day, in its clause's direction.
        ("Sunday's election was the final phase, the commission said.", "Sunday", D(2020, 6, 21)),
        ("Friday's vote count was delayed by a power cut.", "Friday", D(2020, 6, 19)),
        ("Wednesday's parade will mark the anniversary.", "Wednesday", D(2020, 6, 24)),
        ("Tuesday's talks are expected to focus on arms.", "Tuesday", D(2020, 6, 23)),
        # An infinitive of purpose looks forward from the day of the clause it hangs on...
        ("He arrived on Sunday to attend Wednesday's parade.", "Wednesday", D(2020, 6, 24)),
        (
            "Fomin arrived on Saturday in order to watch the parade on Monday.",
            "Monday",
            D(2020, 6, 22),
        ),
        # ... or, when the sentence names no day before it, from the source's date.
        ("He flew to Moscow to take part in Wednesday's talks.", "Wednesday", D(2020, 6, 24)),
        (
            "The delegation travelled to Kazan to visit a plant on Thursday.",
            "Thursday",
            D(2020, 6, 25),
        ),
    ],
)
def test_a_possessive_weekday_and_a_purpose_clause_are_read_in_their_direction(
    sentence, expression, day
):
    hit = find_dates(sentence, MONDAY_22_JUNE_2020)[-1]
    assert (hit.text, hit.parsed.start) == (expression, day)
    assert read_as_cited(expression, MONDAY_22_JUNE_2020, sentence, hit.start, hit.end).start == day


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        # A preposition, not an infinitive: the clause's past tense.
        ("He returned to talks on Friday.", D(2020, 6, 19)),
        ("Shoigu flew to Moscow on Thursday.", D(2020, 6, 18)),
        # A tense word after the infinitive says when: "which took place".
        ("He went to see the parade, which took place on Saturday.", D(2020, 6, 20)),
        ("Observers came to watch the vote that was held on Friday.", D(2020, 6, 19)),
    ],
)
def test_no_infinitive_of_purpose_leaves_the_clause_s_tense(sentence, day):
    assert find_dates(sentence, MONDAY_22_JUNE_2020)[-1].parsed.start == day


def test_a_future_clause_s_infinitive_keeps_its_future():
    found = find_dates(
        "He is due to attend a conference from Tuesday to Thursday, and to hold talks on Tuesday.",
        MONDAY_22_JUNE_2020,
    )
    assert [f.parsed.start for f in found] == [D(2020, 6, 23), D(2020, 6, 23)]


# --- A present progressive: under way or arranged, the source's day or the next -----------------

WEDNESDAY_21_MAY_2025 = D(2025, 5, 21)


@pytest.mark.parametrize(
    ("sentence", "expression", "day"),
    [
        (
            "Talks are being held on Thursday at the ministry, the paper said.",
            "Thursday",
            D(2025, 5, 22),
        ),
        ("He is holding talks with Shoigu on Thursday.", "Thursday", D(2025, 5, 22)),
        ("Officials are also discussing the plan on Friday, he said.", "Friday", D(2025, 5, 23)),
        ("The delegation is visiting the plant on Monday.", "Monday", D(2025, 5, 26)),
        # The source's own day is under way, not a week off.
        ("Talks are being held on Wednesday in Naypyitaw.", "Wednesday", D(2025, 5, 21)),
        ("Min Aung Hlaing is meeting the delegation today.", "today", D(2025, 5, 21)),
        ("The commission is meeting on the 21st.", "the 21st", D(2025, 5, 21)),
        ("The talks are being held on the 28th.", "the 28th", D(2025, 5, 28)),
    ],
)
def test_a_present_progressive_reads_the_source_s_day_or_the_next(sentence, expression, day):
    hit = only(sentence, WEDNESDAY_21_MAY_2025)
    assert (hit.text, hit.parsed.start) == (expression, day)
    assert (
        read_as_cited(expression, WEDNESDAY_21_MAY_2025, sentence, hit.start, hit.end).start == day
    )


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("The delegation was holding talks on Monday.", D(2025, 5, 19)),  # a past progressive
        ("There is a meeting on Monday, officials said.", D(2025, 5, 19)),  # no progressive
        ("Talks were being held on Tuesday.", D(2025, 5, 20)),
        ("Monday's meeting of the commission was postponed.", D(2025, 5, 19)),  # possessive
        ("Tuesday's meeting also discussed Myanmar.", D(2025, 5, 20)),
        ("Russia is going to sign the deal on Friday.", D(2025, 5, 23)),  # the future's
    ],
)
def test_no_present_progressive_keeps_its_tense(sentence, day):
    assert only(sentence, WEDNESDAY_21_MAY_2025).parsed.start == day


@pytest.mark.parametrize(
    ("sentence", "expression", "start"),
    [
        # Invited or asked to come: still to come, this year's.
        ("Russia invited Min Aung Hlaing to attend the parade in May.", "May", D(2026, 5, 1)),
        ("Putin invited him to visit Moscow on May 9.", "May 9", D(2026, 5, 9)),
        ("Moscow asked the junta to send envoys to the forum in June.", "June", D(2026, 6, 1)),
        # A journey to attend it: it took place, last year's.
        ("He went to Moscow to attend the parade in May.", "May", D(2025, 5, 1)),
        ("He travelled to Moscow in May.", "May", D(2025, 5, 1)),
        ("The minister said the election was held in November.", "November", D(2025, 11, 1)),
    ],
)
def test_a_day_or_month_someone_was_invited_to_is_still_to_come(sentence, expression, start):
    """In an article of 10 February 2026, "invited him to attend the parade in May" was read
    as May 2025 (a past verb moves a day or month after the source's date to last year)."""
    found = [(f.text, f.parsed.start) for f in find_dates(sentence, dt.date(2026, 2, 10))]
    assert found == [(expression, start)]
    reference = Reference(dt.date(2026, 2, 10))
    at = sentence.index(expression)
    cited = read_as_cited(expression, reference, sentence, at, at + len(expression))
    assert cited.start == start


# --- Dates in figures, seasons named against the article, approximate words ------------------


@pytest.mark.parametrize(
    ("sentence", "expression", "message"),
    [
        # Myanmar state media write the day first, US sources the month: which is not written.
        (
            "The delegation arrived at the airport on 4-12-2023 and was welcomed.",
            "4-12-2023",
            "4 December 2023 or 12 April 2023?",
        ),
        ("The group was formed on 18-11-2023.", "18-11-2023", "the day or the month first?"),
        ("A note dated 05.12.2023 was handed over.", "05.12.2023", "5 December 2023 or"),
        ("The order of 5/12/2023 took effect.", "5/12/2023", "could be read more than one way"),
    ],
)
def test_a_date_in_figures_is_refused_whole_not_read_as_its_year(sentence, expression, message):
    """ "on 4-12-2023" was not found at all, and "5/12/2023" was read as the year 2023."""
    reading = read_dates(sentence, D(2023, 12, 5))
    assert reading.found == []
    assert [r.text for r in reading.refused] == [expression]
    assert message in reading.refused[0].message


def test_an_iso_date_is_a_day_and_a_number_over_a_year_is_no_date():
    """ "2023-12-06" was read as the year 2023; "Notification No. 12/2023" as 2023."""
    assert dates_of("Crews rehearse for the exercise, 2023-12-06. (Photo)") == [
        ("2023-12-06", D(2023, 12, 6), None, DAY)
    ]
    assert dates_of("According to Notification No. 12/2023 of the ministry, a group met.") == []


@pytest.mark.parametrize(
    ("sentence", "reference", "expression", "start"),
    [
        ("This past summer, a delegation toured a plant.", D(2024, 3, 20), "This past summer",
         D(2023, 6, 1)),
        ("He spoke at a conference this past autumn.", D(2024, 6, 4), "this past autumn",
         D(2023, 9, 1)),
        # In July the summer is not over: last summer is last year's.
        ("Talks were held last summer.", D(2024, 7, 10), "last summer", D(2023, 6, 1)),
        ("Talks were held last summer.", D(2024, 9, 10), "last summer", D(2024, 6, 1)),
        ("If he goes this spring, it will be his sixth trip.", D(2024, 2, 2), "this spring",
         D(2024, 3, 1)),
        ("A visit is planned for next spring.", D(2024, 3, 20), "next spring", D(2025, 3, 1)),
    ],
)  # fmt: skip
def test_a_season_named_against_the_article_is_an_approximate_season(
    sentence, reference, expression, start
):
    """ "This past summer" (in March 2024) was not read at all."""
    hit = only(sentence, reference)
    assert hit.text == expression
    assert hit.parsed == ParsedDate(start, D(start.year, start.month + 2, 1), MONTH, True)
    assert parse_date_text(expression, reference) == hit.parsed


def test_a_season_named_against_an_article_dated_to_the_year_is_refused():
    reference = Reference(D(2024, 1, 1), precision=YEAR)
    reading = read_dates("Talks were held last summer.", reference)
    assert reading.found == []
    assert [r.text for r in reading.refused] == ["last summer"]


@pytest.mark.parametrize(
    ("sentence", "expression", "start", "precision"),
    [
        ("Mi-35P helicopters: ordered c. 2016, delivered 2017.", "c. 2016", D(2016, 1, 1), YEAR),
        ("Around 2019 the company stopped commenting.", "Around 2019", D(2019, 1, 1), YEAR),
        ("It was signed around June 2019, officials said.", "around June 2019", D(2019, 6, 1),
         MONTH),
    ],
)  # fmt: skip
def test_a_date_said_to_be_approximate_is_read_approximate(sentence, expression, start, precision):
    """ "ordered c. 2016" was read as 2016 exactly (the analyst saw "2016", not "c. 2016")."""
    hit = find_dates(sentence, D(2024, 3, 12))[0]
    assert (hit.text, hit.parsed.start, hit.parsed.precision) == (expression, start, precision)
    assert hit.parsed.approximate
    assert read_as_cited(expression, D(2024, 3, 12), sentence) == hit.parsed


@pytest.mark.parametrize(
    "headline",
    [
        "Russia May Help Build Reactor By 2030",
        "Protesters March On Russian Embassy In Yangon",
        "Junta Chief May Visit Moscow Again",
    ],
)
def test_may_and_march_as_verbs_in_a_title_case_headline_are_no_months(headline):
    assert [f.text for f in find_dates(headline, D(2023, 9, 26))] == (
        ["2030"] if "2030" in headline else []
    )


@pytest.mark.parametrize(
    ("headline", "expression"),
    [
        ("Junta Chief To Visit Moscow In May", "In May"),
        ("Fomin In Naypyitaw March 27 For Parade", "March 27"),
        ("Visits In March And April Planned", "In March"),
    ],
)
def test_months_in_a_title_case_headline_are_still_months(headline, expression):
    assert expression.endswith(find_dates(headline, D(2023, 9, 26))[0].text)


def test_next_and_a_day_later_this_week_is_refused_not_read_as_tomorrow():
    """ "is due to visit Naypyitaw next Wednesday", in a report of Tuesday 26 September 2023,
    was read as the next day; readers take it as next week's as often."""
    tuesday = D(2023, 9, 26)
    reading = read_dates(
        "Rudenko is due to visit Naypyitaw next Wednesday, a diplomat said.", tuesday
    )
    assert reading.found == []
    assert [r.text for r in reading.refused] == ["next Wednesday"]
    assert "27 September 2023" in reading.refused[0].message
    assert "4 October 2023" in reading.refused[0].message
    # A day not later this week is next week's: one reading.
    assert dates_of("He will return next Monday.", tuesday) == [
        ("next Monday", D(2023, 10, 2), None, DAY)
    ]
    assert dates_of("He will return next Tuesday.", tuesday) == [
        ("next Tuesday", D(2023, 10, 3), None, DAY)
    ]


@pytest.mark.parametrize(
    ("sentence", "expression", "start", "end"),
    [
        ("The commander tours the ship with its captain, 7 Dec 2023.", "7 Dec 2023",
         D(2023, 12, 7), None),
        ("Talks were held on 5 Sept in Moscow.", "5 Sept", D(2023, 9, 5), None),
        ("The drills ran 8-9 Dec 2023 in the Andaman Sea.", "8-9 Dec 2023", D(2023, 12, 8),
         D(2023, 12, 9)),
    ],
)  # fmt: skip
def test_a_day_before_a_month_abbreviated_without_a_dot_is_a_day(sentence, expression, start, end):
    """A caption's "7 Dec 2023" was not found at all (only "Dec. 7", "Dec 7", "7 December")."""
    hit = only(sentence, D(2023, 12, 11))
    assert (hit.text, hit.parsed.start, hit.parsed.end, hit.parsed.precision) == (
        expression,
        start,
        end,
        DAY,
    )


def test_a_month_then_a_day_is_no_range_of_months():
    """ "postponed from May to June 24" was read as the months May–June 2020."""
    text = "In 2020 the parade was postponed from May to June 24 because of the pandemic."
    assert dates_of(text, D(2024, 5, 9)) == [
        ("2020", D(2020, 1, 1), None, YEAR),
        ("May", D(2020, 5, 1), None, MONTH),
        ("June 24", D(2020, 6, 24), None, DAY),
    ]
    assert dates_of("Talks ran from May to June 2020.", D(2024, 5, 9)) == [
        ("from May to June 2020", D(2020, 5, 1), D(2020, 6, 1), MONTH)
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Senior General received Colonel-General Alexander Fomin and party at the "
        "Zeyathiri Beikman in Nay Pyi Taw at 3 pm today.",
        "The chairman of the council received the Russian ambassador at his office later today.",
        "Officials of both ministries signed the two memoranda in Yangon at 10:30 today.",
    ],
)
def test_today_after_a_time_of_day_is_the_day_however_far_its_verb(sentence):
    """State media's "received ... at 3 pm today" was left out as "today" meaning nowadays."""
    assert dates_of(sentence, D(2023, 12, 5)) == [("today", D(2023, 12, 5), None, DAY)]


def test_today_meaning_nowadays_is_still_left_out_after_a_number():
    assert dates_of("The two armies, 70 years on, remain close partners today.") == []


def test_the_n_years_to_a_year_are_those_years():
    """ "in the five years to 2023" (an arms register's span) was read as the year 2023."""
    text = "Russia overtook China as Myanmar's largest supplier of arms in the five years to 2023."
    assert dates_of(text, D(2024, 3, 12)) == [
        ("the five years to 2023", D(2019, 1, 1), D(2023, 1, 1), YEAR)
    ]
    assert parse_date_text("in the 10 years to 2020", D(2024, 3, 12)) == ParsedDate(
        D(2011, 1, 1), D(2020, 1, 1), YEAR
    )


@pytest.mark.parametrize(
    ("sentence", "expression", "start", "end"),
    [
        ("The deal was signed at the end of March.", "the end of March", D(2023, 3, 1), None),
        ("It was agreed at the start of 2023 in Naypyitaw.", "the start of 2023",
         D(2023, 1, 1), D(2023, 4, 1)),
        ("Shoigu met him at the end of last year.", "the end of last year", D(2022, 9, 1),
         D(2022, 12, 1)),
        ("The talks were held at the beginning of this month.", "the beginning of this month",
         D(2023, 12, 1), None),
    ],
)  # fmt: skip
def test_the_end_or_start_of_a_period_is_read_as_its_part(sentence, expression, start, end):
    """ "at the end of last year" was read as 2022 and "at the start of 2023" as 2023, the
    whole year, where the parser reads them as late 2022 and early 2023."""
    hit = only(sentence, D(2023, 12, 13))
    assert (hit.text, hit.parsed) == (expression, ParsedDate(start, end, MONTH, True))
    assert parse_date_text(expression, D(2023, 12, 13)) == hit.parsed


def test_two_days_running_written_day_first_are_those_days():
    """ "The council met on 5 and 6 December" was read as 6 December alone."""
    assert dates_of("The council met on 5 and 6 December.", D(2023, 12, 13)) == [
        ("5 and 6 December", D(2023, 12, 5), D(2023, 12, 6), DAY)
    ]
    reading = read_dates("The council met on 5 and 8 December.", D(2023, 12, 13))
    assert reading.found == []
    assert [r.text for r in reading.refused] == ["5 and 8 December"]
    assert '("5 December", "8 December")' in reading.refused[0].message


def test_a_weekday_in_brackets_after_a_date_is_that_date_s_weekday():
    """State media's "on 5 December 2023 (Tuesday)" read a second date, Tuesday 12 December."""
    assert dates_of("The meeting on 5 December 2023 (Tuesday) was cordial.", D(2023, 12, 13)) == [
        ("5 December 2023", D(2023, 12, 5), None, DAY)
    ]
    assert dates_of("The talks (Tuesday) were cordial.", D(2023, 12, 13)) == [
        ("Tuesday", D(2023, 12, 12), None, DAY)
    ]


@pytest.mark.parametrize(
    ("text", "expression", "start"),
    [
        ("Shoigu visited Naypyitaw in January 2018. That summer, the first trainers arrived.",
         "That summer", D(2018, 6, 1)),
        ("The order was signed in 2018. The following spring the first jets flew.",
         "The following spring", D(2019, 3, 1)),
        ("Fomin came in October 2021, and the previous summer a frigate had called.",
         "the previous summer", D(2021, 6, 1)),
    ],
)  # fmt: skip
def test_a_season_counted_from_the_last_date_is_that_year_s(text, expression, start):
    """ "That summer" after "January 2018" was not read, and the sentence took January 2018."""
    hit = next(f for f in find_dates(text, WIRE_DAY) if f.text == expression)
    assert hit.parsed == ParsedDate(start, D(start.year, start.month + 2, 1), MONTH, True)
    assert hit.anchor is not None


def test_a_winter_counted_from_the_last_date_is_refused():
    reading = read_dates("Fomin came in October 2021. That winter, the ships returned.", WIRE_DAY)
    assert [f.text for f in reading.found] == ["October 2021"]
    assert [r.text for r in reading.refused] == ["That winter"]


def test_by_the_end_of_a_period_is_a_deadline_not_its_last_months():
    text = "He said a study would be completed by the end of next year."
    assert dates_of(text, D(2023, 9, 26)) == [("next year", D(2024, 1, 1), None, YEAR)]


def test_a_day_of_the_month_named_against_the_article_is_that_day():
    """ "held on the 5th of last month" was read as last month, the day dropped."""
    assert dates_of("The talks were held on the 5th of last month.", D(2023, 12, 13)) == [
        ("the 5th of last month", D(2023, 11, 5), None, DAY)
    ]
    reading = read_dates("It was held on the 31st of last month.", D(2023, 12, 13))
    assert reading.found == []
    assert "November 2023 has 30 days" in reading.refused[0].message
    month_only = Reference(D(2023, 12, 1), precision=MONTH)
    assert dates_of("It opened on the 5th of this month.", month_only) == [
        ("the 5th of this month", D(2023, 12, 5), None, DAY)
    ]


@pytest.mark.parametrize(
    ("sentence", "reference", "expression", "saturday"),
    [
        # Wednesday 13 December 2023: the weekend just past, or the coming one.
        ("Russian ships docked in Yangon over the weekend.", D(2023, 12, 13), "the weekend",
         D(2023, 12, 9)),
        ("Reports emerged last weekend that the jets had arrived.", D(2023, 12, 13),
         "last weekend", D(2023, 12, 9)),
        ("The minister will visit Yangon at the weekend.", D(2023, 12, 13), "the weekend",
         D(2023, 12, 16)),
        # On a Sunday, the weekend is the one under way; last weekend the week before's.
        ("Talks were held over the weekend.", D(2023, 12, 17), "the weekend", D(2023, 12, 16)),
        ("Talks were held last weekend.", D(2023, 12, 17), "last weekend", D(2023, 12, 9)),
    ],
)  # fmt: skip
def test_a_weekend_named_against_the_article_is_its_saturday_and_sunday(
    sentence, reference, expression, saturday
):
    """ "docked in Yangon over the weekend" was not read, and the sentence took its paragraph's
    date."""
    assert dates_of(sentence, reference) == [
        (expression, saturday, saturday + dt.timedelta(days=1), DAY)
    ]


def test_next_weekend_is_refused_and_a_source_dated_to_the_month_reads_no_weekend():
    reading = read_dates("The talks will be held next weekend.", D(2023, 12, 13))
    assert [r.text for r in reading.refused] == ["next weekend"]
    reading = read_dates("Talks were held over the weekend.", Reference(D(2023, 12, 1), MONTH))
    assert reading.found == []
    assert [r.text for r in reading.refused] == ["the weekend"]


@pytest.mark.parametrize(
    ("sentence", "expression", "start", "end", "precision"),
    [
        ("The central banks signed a memorandum on 28 September 2023.⁶", "28 September 2023",
         D(2023, 9, 28), None, DAY),
        ("Russia delivered Yak-130 trainers in 2017-2019.⁴", "2017-2019", D(2017, 1, 1),
         D(2019, 1, 1), YEAR),
        ("Its share of arms imports rose in 2021–2023² and fell.", "2021–2023", D(2021, 1, 1),
         D(2023, 1, 1), YEAR),
        ("Deliveries peaked in 2023[5], the ministry said.", "2023", D(2023, 1, 1), None, YEAR),
    ],
)  # fmt: skip
def test_a_footnote_mark_after_a_date_ends_it(sentence, expression, start, end, precision):
    """A report's footnote marks are word characters to ``re``: "on 28 September 2023⁶" was
    read as 28 September 2024 (the year left off, a past day after the source's date), and
    "in 2017-2019⁴" as 2017."""
    assert dates_of(sentence, D(2025, 2, 10)) == [(expression, start, end, precision)]


@pytest.mark.parametrize(
    ("sentence", "expression", "start", "end"),
    [
        ("The first round was held in the spring of last year.", "the spring of last year",
         D(2023, 3, 1), D(2023, 5, 1)),
        ("In the second half of last year exports fell.", "the second half of last year",
         D(2023, 7, 1), D(2023, 12, 1)),
        ("It took delivery of more jets in the first half of this year.",
         "the first half of this year", D(2024, 1, 1), D(2024, 6, 1)),
        ("Talks resume in Q1 next year.", "Q1 next year", D(2025, 1, 1), D(2025, 3, 1)),
        ("Exports rose by 40 percent in the first nine months of 2024.",
         "the first nine months of 2024", D(2024, 1, 1), D(2024, 9, 1)),
        ("Imports fell in the last three months of last year.",
         "the last three months of last year", D(2023, 10, 1), D(2023, 12, 1)),
    ],
)  # fmt: skip
def test_a_part_of_a_year_named_against_the_source_is_that_part(sentence, expression, start,
                                                                   end):  # fmt: skip
    """ "the second half of last year" and "the spring of last year" were read as "last year"
    (2023, the whole year), "the first nine months of 2024" as 2024."""
    hit = only(sentence, D(2024, 11, 4))
    assert (hit.text, hit.parsed.start, hit.parsed.end, hit.parsed.precision) == (
        expression,
        start,
        end,
        MONTH,
    )
    assert parse_date_text(expression, D(2024, 11, 4)) == hit.parsed


def test_the_month_or_year_before_last_is_two_back_and_the_week_before_last_is_refused():
    """ "The week before last, the deputy minister was in Moscow" read no date, and the
    sentence took an earlier paragraph's (the spring of last year)."""
    monday = D(2024, 11, 4)
    assert dates_of("Talks were held the month before last.", monday) == [
        ("the month before last", D(2024, 9, 1), None, MONTH)
    ]
    assert dates_of("They met the year before last.", monday) == [
        ("the year before last", D(2022, 1, 1), None, YEAR)
    ]
    assert dates_of("He arrived the day before yesterday.", monday) == [
        ("the day before yesterday", D(2024, 11, 2), None, DAY)
    ]
    reading = read_dates("The week before last, the minister was in Moscow.", monday)
    assert reading.found == []
    assert [r.text for r in reading.refused] == ["The week before last"]
    assert "21–27 October 2024" in reading.refused[0].message


@pytest.mark.parametrize(
    ("sentence", "expression", "start", "end"),
    [
        ("Trade was small in FY2021/22, the ministry said.", "FY2021/22", D(2021, 1, 1),
         D(2022, 1, 1)),
        ("Trade grew in fiscal 2022/23.", "fiscal 2022/23", D(2022, 1, 1), D(2023, 1, 1)),
        ("It will grow in FY 2024-25.", "FY 2024-25", D(2024, 1, 1), D(2025, 1, 1)),
    ],
)  # fmt: skip
def test_a_fiscal_year_named_by_its_two_years_is_read_as_those_years(sentence, expression,
                                                                       start, end):  # fmt: skip
    """ "FY2023/24" was no date at all ("2023/24" alone, ambiguous, is still refused)."""
    assert dates_of(sentence, D(2025, 2, 10)) == [(expression, start, end, YEAR)]
    with pytest.raises(DateTextError, match="runs into the next year"):
        parse_date_text("FY2021/23", D(2025, 2, 10))


def test_the_fiscal_year_ending_a_month_is_the_twelve_months_to_it():
    """ "the fiscal year ending March 2024" was read as March 2024."""
    text = "The ministry's figures for the fiscal year ending March 2024 show rice first."
    assert dates_of(text, D(2025, 2, 10)) == [
        ("the fiscal year ending March 2024", D(2023, 4, 1), D(2024, 3, 1), MONTH)
    ]
    assert dates_of("Sales rose in the 12 months to June 2023.", D(2025, 2, 10)) == [
        ("the 12 months to June 2023", D(2022, 7, 1), D(2023, 6, 1), MONTH)
    ]


def test_the_months_a_kind_of_year_runs_are_no_date():
    """ "returned to an April–March fiscal year in 2022" refused "April–March" as a range
    that ends before it starts, and listed the sentence as one whose date was not read."""
    reading = read_dates("Myanmar returned to an April–March fiscal year in 2022.", D(2025, 2, 10))
    assert [(f.text, f.parsed.start) for f in reading.found] == [("2022", D(2022, 1, 1))]
    assert reading.refused == []


def test_months_abbreviated_without_a_dot_make_a_range():
    """A chronology's "Sept–Oct:" under "2023" was no date."""
    assert dates_of("Sept–Oct: officials attend World Atomic Week.", D(2025, 4, 20), year=2023) == [
        ("Sept–Oct", D(2023, 9, 1), D(2023, 10, 1), MONTH)
    ]
    assert dates_of("Surveys ran Feb-Mar 2024 in Yangon.", D(2025, 4, 20)) == [
        ("Feb-Mar 2024", D(2024, 2, 1), D(2024, 3, 1), MONTH)
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Today, at 09:00 local time (UTC+6:30), a detachment of Pacific Fleet ships consisting "
        "of a destroyer and a tanker arrived at the port of Thilawa on an official visit.",
        "Today at 3 pm, after a long voyage across the Bay of Bengal, the ships arrived.",
    ],
)
def test_today_before_a_time_of_day_is_the_day(sentence):
    """A press release's "Today, at 09:00 local time, ... arrived" was left out as "today"
    meaning nowadays (its verb is far from it)."""
    assert dates_of(sentence, D(2025, 8, 14)) == [("Today", D(2025, 8, 14), None, DAY)]
    assert dates_of("Today, the two navies are close partners.", D(2025, 8, 14)) == []


def test_last_after_a_modal_is_the_verb_not_a_past():
    """ "It will last until 13 March" (an article of 12 March) was read as 13 March of the
    year before: "last" was taken for a past tense."""
    assert dates_of("It will last until 13 March.", D(2025, 3, 12)) == [
        ("13 March", D(2025, 3, 13), None, DAY)
    ]
    assert dates_of("The visit would last until Monday.", D(2025, 3, 12)) == [
        ("Monday", D(2025, 3, 17), None, DAY)
    ]


def test_and_that_opens_a_second_thing_said_in_its_own_tense():
    text = "He said that ten students went to Moscow in March and that more would go on Monday."
    assert dates_of(text, D(2025, 3, 12)) == [
        ("March", D(2025, 3, 1), None, MONTH),
        ("Monday", D(2025, 3, 17), None, DAY),
    ]


def test_a_day_range_of_a_named_year_is_one_date():
    """ "from 25 to 28 September this year" was read as the days and, again, as "this year"."""
    text = "A delegation attended World Atomic Week from 25 to 28 September this year."
    assert dates_of(text, D(2023, 10, 1)) == [
        ("from 25 to 28 September this year", D(2023, 9, 25), D(2023, 9, 28), DAY)
    ]
