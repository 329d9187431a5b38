"""Extraction on news it was not written against (``tests/extraction/news/``, invented).

Each article is read as an imported source is read (passages by ``split_passages``), with the
actors of the curated timeline and the development set. The checks are what an analyst sees:
the date of an expression (or that it is refused), and the date and type of a proposal.
"""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings

from suggestions.evaluation import DEV_LABELS, TIMELINE, corpus_passages, lexicon_from_timeline
from suggestions.extract import read_proposals, read_source

NEWS = Path(settings.BASE_DIR) / "tests" / "extraction" / "news"
D = dt.date
REFERENCES = {
    "01_state_media_2023.txt": D(2023, 12, 5),
    "02_mfa_briefing_2023.txt": D(2023, 11, 16),
    "03_investigation_2024.txt": D(2024, 3, 20),
    "04_arms_register_2024.txt": D(2024, 3, 12),
    "05_live_blog_2024.txt": D(2024, 5, 9),
    "06_photo_captions_2023.txt": D(2023, 12, 11),
    "07_oped_then_2024.txt": D(2024, 2, 2),
    "08_obituary_2024.txt": D(2024, 6, 4),
    "09_wire_titlecase_2023.txt": D(2023, 9, 26),
    "10_kremlin_readout_2025.txt": D(2025, 3, 4),
    "11_wire_weekdays_2024.txt": D(2024, 10, 17),
    "12_weekly_roundup_2024.txt": D(2024, 11, 4),
    "13_unga_third_committee_2024.txt": D(2024, 11, 20),
    "14_thinktank_fiscal_2025.txt": D(2025, 2, 10),
    "15_state_media_calendar_2023.txt": D(2023, 10, 1),
    "16_corrected_article_2025.txt": D(2025, 3, 12),
    "17_bulleted_chronology_2025.txt": D(2025, 4, 20),
    "18_press_release_port_call_2025.txt": D(2025, 8, 14),
}
REFUSED = "refused"


def lexicon():
    timeline = json.loads(Path(TIMELINE).read_text(encoding="utf-8"))
    dev = json.loads(Path(DEV_LABELS).read_text(encoding="utf-8"))
    return lexicon_from_timeline(timeline, dev["actors"])


def dates_of(name: str) -> dict[tuple[int, str], str]:
    """(passage, text) → the date as the analyst reads it ("c. 2016"), or "refused"."""
    found: dict[tuple[int, str], str] = {}
    for reading in read_source(corpus_passages(NEWS / name), REFERENCES[name]):
        index = reading.passage.index
        for f in reading.found:
            found[(index, f.text)] = f.parsed.describe()
        for refusal in reading.refused:
            found[(index, refusal.text)] = REFUSED
    return found


def proposals_of(name: str) -> list[tuple[int, str, str, str, bool]]:
    """(passage, date text, date, type, needs review) of every proposal."""
    extraction = read_proposals(corpus_passages(NEWS / name), REFERENCES[name], lexicon())
    return [
        (p.passage_index, p.date.text, p.date.parsed.describe(), p.type, p.needs_review)
        for p in extraction.proposals
    ]


def test_every_article_is_there_and_short():
    assert sorted(p.name for p in NEWS.glob("*.txt")) == sorted(REFERENCES)
    for name in REFERENCES:
        assert 150 <= len((NEWS / name).read_text(encoding="utf-8").split()) <= 400, name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "01_state_media_2023.txt",
            {
                (2, "today"): "5 December 2023",  # "at 3 pm today"
                (5, "4-12-2023"): REFUSED,  # day or month first?
                (5, "The previous day"): REFUSED,  # not counted from "18 February 2024"
                (6, "18-11-2023"): REFUSED,
                (8, "7 December"): "7 December 2023",
            },
        ),
        (
            "02_mfa_briefing_2023.txt",
            {
                (3, "Monday"): "13 November 2023",
                (7, "last Tuesday"): "14 November 2023",
                (8, "Next Wednesday"): "22 November 2023",  # a Thursday's: next week's
                (9, "two years ago"): "c. 2021",
            },
        ),
        (
            "03_investigation_2024.txt",
            {
                (2, "Late last year"): "c. September–December 2023",
                (3, "Q3 2023"): "July–September 2023",
                (3, "the first half of 2024"): "January–June 2024",
                (4, "2019-20"): "2019–2020",
                (5, "This past summer"): "c. June–August 2023",
                (6, "last Wednesday"): "13 March 2024",
                (6, "around 2019"): "c. 2019",
            },
        ),
        (
            "04_arms_register_2024.txt",
            {
                (4, "c. 2016"): "c. 2016",
                (6, "2021/22"): REFUSED,
                (9, "the five years to 2023"): "2019–2023",
            },
        ),
        (
            "05_live_blog_2024.txt",
            {
                (5, "yesterday"): "8 May 2024",
                (6, "Thursday morning"): "9 May 2024",
                (7, "May"): "May 2020",  # "postponed from May to June 24": not May–June
                (7, "June 24"): "24 June 2020",
            },
        ),
        (
            "06_photo_captions_2023.txt",
            {
                (2, "Dec. 5, 2023"): "5 December 2023",
                (3, "5th December, 2023"): "5 December 2023",
                (4, "2023-12-06"): "6 December 2023",
                (8, "7 Dec 2023"): "7 December 2023",
                (9, "8-9 December 2023"): "8–9 December 2023",
            },
        ),
        (
            "07_oped_then_2024.txt",
            {
                (4, "Two months later"): "c. May 2021",
                (6, "Last month"): "January 2024",
                (6, "this spring"): "c. March–May 2024",
            },
        ),
        (
            "08_obituary_2024.txt",
            {
                (2, "Sunday"): "2 June 2024",
                (3, "the following year"): "c. 1975",
                (4, "from 1988 to 1992"): "1988–1992",
                (6, "this past autumn"): "c. September–November 2023",
            },
        ),
        (
            "09_wire_titlecase_2023.txt",
            {
                (1, "Sept. 26"): "26 September 2023",  # not 2029, after the title's "By 2030"
                (2, "February"): "February 2023",
                (3, "next Wednesday"): REFUSED,  # a Tuesday's: tomorrow or next week's?
                (4, "5th February, 2023"): "5 February 2023",
            },
        ),
        (
            "11_wire_weekdays_2024.txt",
            {
                (1, "Oct 17"): "17 October 2024",  # the dateline, a Thursday
                (1, "Tuesday"): "15 October 2024",
                (1, "Wednesday"): "16 October 2024",
                (2, "Tuesday"): "15 October 2024",
                (2, "Monday"): "14 October 2024",
                (3, "Tuesday afternoon"): "15 October 2024",
                (4, "Last week"): REFUSED,
                (4, "Thursday"): "17 October 2024",  # "said on Thursday": the article's day
                (5, "Tuesday"): "22 October 2024",  # "will resume on Tuesday": the next
                (6, "February 2021"): "February 2021",
            },
        ),
        (
            "12_weekly_roundup_2024.txt",
            {
                (0, "28 October – 3 November 2024"): "28 October – 3 November 2024",
                (2, "This week"): REFUSED,
                (3, "Thursday"): "31 October 2024",
                (3, "the end of last month"): "c. October 2024",
                (3, "the 29th"): "29 October 2024",
                (4, "the first nine months of 2024"): "January–September 2024",
                (4, "the second half of last year"): "July–December 2023",
                (4, "Q1 2023"): "January–March 2023",
                (5, "early next year"): "c. January–April 2025",
                (6, "mid-October"): "c. October 2024",
                (6, "the spring of last year"): "c. March–May 2023",
                (7, "The week before last"): REFUSED,
                (8, "the first half of this year"): "January–June 2024",
            },
        ),
        (
            "13_unga_third_committee_2024.txt",
            {
                (2, "20 November 2024"): "20 November 2024",
                (2, "today"): "20 November 2024",
                (4, "18 June 2021"): "18 June 2021",  # "resolution 75/287 of 18 June 2021"
                (5, "last year"): "2023",  # "approved last year by 87-8-58"
                (9, "Thursday, 21 November"): "21 November 2024",
            },
        ),
        (
            "14_thinktank_fiscal_2025.txt",
            {
                (2, "FY2023/24"): "2023–2024",
                (2, "2021–2023"): "2021–2023",  # "rose in 2021–2023.²": not 2021 alone
                (3, "FY2021/22"): "2021–2022",
                (3, "the fiscal year ending March 2024"): "April 2023–March 2024",
                (4, "2017-2019"): "2017–2019",  # "in 2017-2019.⁴"
                (5, "28 September 2023"): "28 September 2023",  # "2023.⁶": not 2024
            },
        ),
        (
            "15_state_media_calendar_2023.txt",
            {
                (2, "yesterday"): "30 September 2023",
                (4, "30 September 2023"): "30 September 2023",  # beside "1st Waning of Tawthalin"
                (6, "28-9-2023"): REFUSED,
                (6, "3 October"): "3 October 2023",  # "(Tuesday)" is its weekday
                (7, "June this year"): "June 2023",
                (8, "from 25 to 28 September this year"): "25–28 September 2023",
            },
        ),
        (
            "16_corrected_article_2025.txt",
            {
                (3, "Sunday"): "9 March 2025",
                (4, "20 February"): "20 February 2025",
                (5, "Wednesday"): "12 March 2025",
                (5, "Thursday"): "13 March 2025",  # "will end on Thursday"
                (9, "13 March"): "13 March 2025",  # "It will last until 13 March": not 2024
            },
        ),
        (
            "17_bulleted_chronology_2025.txt",
            {
                (4, "2019-21"): "2019–2021",
                (6, "July"): "July 2022",
                (10, "Sept–Oct"): "September–October 2023",
                (13, "Late 2024"): "c. September–December 2024",
            },
        ),
        (
            "18_press_release_port_call_2025.txt",
            {
                (3, "Today"): "14 August 2025",  # "Today, at 09:00 local time, … arrived"
                (4, "Thursday"): "14 August 2025",
                (4, "Monday"): "18 August 2025",  # "and will stay until Monday"
                (4, "Saturday and Sunday"): "16–17 August 2025",
                (5, "16-17 August"): "16–17 August 2025",
                (5, "tomorrow"): "15 August 2025",
                (6, "5 and 6 August"): "5–6 August 2025",
                (8, "January"): "January 2025",
                (9, "Friday"): "15 August 2025",
            },
        ),
    ],
)
def test_each_date_reads_as_a_reader_of_the_article_reads_it(name, expected):
    found = dates_of(name)
    assert {key: found.get(key) for key in expected} == expected


def test_nothing_is_read_from_what_is_no_date():
    assert (6, "2023") not in dates_of("01_state_media_2023.txt")  # "Notification No. 12/2023"
    assert (0, "May") not in dates_of("09_wire_titlecase_2023.txt")  # "Russia May Help Build"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # State media: the courtesy call "at 3 pm today", and the next paragraph's meeting.
        ("01_state_media_2023.txt", (2, "today", "5 December 2023", "meeting", False)),
        ("01_state_media_2023.txt", (3, "today", "5 December 2023", "meeting", True)),
        ("02_mfa_briefing_2023.txt", (7, "last Tuesday", "14 November 2023", "meeting", False)),
        # A register line: the order and the deliveries.
        ("04_arms_register_2024.txt", (2, "2015", "2015", "arms_deal", False)),
        ("04_arms_register_2024.txt", (2, "2017-2019", "2017–2019", "arms_deal", False)),
        ("04_arms_register_2024.txt", (4, "c. 2016", "c. 2016", "arms_deal", False)),
        # "said on Thursday morning that he would also meet Shoigu": a statement then.
        ("05_live_blog_2024.txt", (6, "Thursday morning", "9 May 2024", "statement", False)),
        # "... before returning home on Sunday": the visit's end, to come (not a meeting).
        ("05_live_blog_2024.txt", (6, "Sunday", "12 May 2024", "visit", True)),
        ("06_photo_captions_2023.txt", (2, "Dec. 5, 2023", "5 December 2023", "visit", False)),
        ("07_oped_then_2024.txt", (3, "2016", "2016", "visit", False)),
        # "was said to be planning a trip": the trip is not in January.
        ("07_oped_then_2024.txt", (6, "Last month", "January 2024", "visit", True)),
        ("08_obituary_2024.txt",
         (6, "this past autumn", "c. September–November 2023", "conference", False)),
        ("09_wire_titlecase_2023.txt", (2, "February", "February 2023", "agreement", False)),
        # A readout's talks take the day of its dateline ("The Kremlin, Moscow, March 4, 2025").
        ("10_kremlin_readout_2025.txt", (2, "March 4, 2025", "4 March 2025", "meeting", True)),
        # "..., which opened on 5th February, 2023": no statement of state media then.
        ("09_wire_titlecase_2023.txt", (4, "5th February, 2023", "5 February 2023", "other",
                                        False)),
        # Two dates of a wire sentence: the agreement's day and the day it was said.
        ("11_wire_weekdays_2024.txt", (1, "Wednesday", "16 October 2024", "statement", False)),
        ("11_wire_weekdays_2024.txt", (2, "Monday", "14 October 2024", "visit", False)),
        ("11_wire_weekdays_2024.txt", (3, "Tuesday afternoon", "15 October 2024", "meeting",
                                       False)),
        ("11_wire_weekdays_2024.txt", (5, "Tuesday", "22 October 2024", "meeting", True)),
        ("12_weekly_roundup_2024.txt", (3, "the 29th", "29 October 2024", "meeting", False)),
        # (to review: the date is in a clause describing the air force, its subject)
        ("12_weekly_roundup_2024.txt", (8, "the first half of this year", "January–June 2024",
                                        "arms_deal", True)),
        ("13_unga_third_committee_2024.txt", (2, "20 November 2024", "20 November 2024",
                                              "un_action", False)),
        # Arms in the clause of 2021–2023 are not FY2023/24's.
        ("14_thinktank_fiscal_2025.txt", (2, "FY2023/24", "2023–2024", "other", True)),
        ("14_thinktank_fiscal_2025.txt", (4, "2017-2019", "2017–2019", "arms_deal", False)),
        ("15_state_media_calendar_2023.txt", (2, "yesterday", "30 September 2023", "meeting",
                                              False)),
        ("15_state_media_calendar_2023.txt", (4, "30 September 2023", "30 September 2023",
                                              "agreement", False)),
        ("15_state_media_calendar_2023.txt", (6, "3 October", "3 October 2023", "visit", True)),
        ("16_corrected_article_2025.txt", (5, "Wednesday", "12 March 2025", "exercise", False)),
        ("16_corrected_article_2025.txt", (5, "Thursday", "13 March 2025", "exercise", True)),
        ("17_bulleted_chronology_2025.txt", (10, "Sept–Oct", "September–October 2023", "other",
                                             False)),
        ("18_press_release_port_call_2025.txt", (3, "Today", "14 August 2025", "visit", False)),
        # "arrived … on Thursday and will stay until Monday": the arrival; "until Monday" is
        # a limit (when the stay ends), no date of the visit (tests/test_queue_limits.py).
        ("18_press_release_port_call_2025.txt", (4, "Thursday", "14 August 2025", "visit", False)),
    ],
)  # fmt: skip
def test_each_proposal_has_the_date_and_type_the_text_gives(name, expected):
    assert expected in proposals_of(name)


def test_a_date_not_read_lends_nothing_to_the_sentences_after_it():
    proposed = proposals_of("01_state_media_2023.txt")
    assert [p for p in proposed if p[0] == 5] == []
    assert not any("2024" in p[2] and p[0] != 4 for p in proposed)


def test_a_corrected_article_proposes_none_of_what_it_set_aside():
    """The date an earlier version gave ("said the ships arrived on Monday", "gave the year
    of that exercise as 2022", "would last until 14 March"), a date denied ("not on
    Tuesday"), the correction's own date, and none a sentence of the visit does not give."""
    proposed = proposals_of("16_corrected_article_2025.txt")
    assert [(p[0], p[1]) for p in proposed if p[0] in {1, 2, 5, 7, 9}] == [
        (2, "Sunday"),
        (5, "Wednesday"),
        (5, "Thursday"),
        (7, "November 2023"),
    ]


def test_notes_bounds_and_time_stamps_propose_nothing():
    """A think tank's notes (a trader's interview, a newspaper's date, "accessed …"), the
    credentials "issued before 1 February 2021", and a release's time stamp."""
    assert [p for p in proposals_of("14_thinktank_fiscal_2025.txt") if p[0] >= 7] == []
    assert [p for p in proposals_of("13_unga_third_committee_2024.txt") if p[0] == 7] == []
    assert [p for p in proposals_of("18_press_release_port_call_2025.txt") if p[0] == 2] == []


def test_a_bulleted_chronology_reads_its_entries():
    proposed = proposals_of("17_bulleted_chronology_2025.txt")
    assert (6, "July", "July 2022", "meeting", False) in proposed
    assert (9, "February", "February 2023", "agreement", False) in proposed
