"""Suggested events from news written the way wire services write (issue 11).

The articles here are the team's own wording of public facts, dated like wire reports:
weekday dates against the dateline, "the same day", a forward-looking "opens on Tuesday",
"last Friday's vote". Each test says what an analyst sees.
"""

import datetime as dt
import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from events.models import Citation, Event
from lib.datesearch import read_dates
from sources.services import import_source
from suggestions.evaluation import evaluate_dev
from suggestions.extract import DateSource
from suggestions.services import add_to_event, proposals_for_source
from tests.factories import ActorFactory, AliasFactory, EventFactory

pytestmark = pytest.mark.django_db

D = dt.date
TUESDAY = D(2023, 3, 14)  # the wire report's dateline

WIRE = (
    "Russian minister in Myanmar for talks with junta chief\n\n"
    "NAYPYITAW, March 14 (Timeline wire) — Russia's deputy defence minister Alexander Fomin "
    "met Min Aung Hlaing in Naypyitaw on Monday, the military government said.\n\n"
    "The two men discussed arms deliveries and training the same day, according to state "
    "television.\n\n"
    "Fomin opens a defence exhibition in Yangon on Tuesday, the ministry said.\n\n"
    "The visit follows last Friday's vote in the UN General Assembly, where Russia abstained.\n\n"
    "Myanmar's army has ruled the country since the February 1 coup.\n"
)

TRIP = (
    "Min Aung Hlaing visits\n\n"
    "In April 2021, Min Aung Hlaing attended a summit in Jakarta. There he met Fomin.\n"
)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def actors(db):
    fomin = ActorFactory(name="Alexander Fomin")
    AliasFactory(actor=fomin, name="Fomin")
    mah = ActorFactory(name="Min Aung Hlaing")
    ActorFactory(name="Naypyitaw", kind="place")
    ActorFactory(name="Russia", kind="country")
    ActorFactory(name="UN General Assembly", kind="organization")
    return {"fomin": fomin, "mah": mah}


def wire_source(text=WIRE, key="wire", reference=TUESDAY):
    source, _ = import_source(text, title="A wire report", key=key, reference_date=reference)
    return source


class by_quote:  # lower case: reads as a lookup
    """The first proposal of the sentence that opens with the given words."""

    def __init__(self, source):
        self.proposals = proposals_for_source(source)

    def __getitem__(self, opening: str):
        return next(p for p in self.proposals if p.quote.startswith(opening))


def test_a_wire_report_gets_its_weekday_events_proposed_with_their_dates(actors):
    proposals = by_quote(wire_source())
    monday = proposals["NAYPYITAW, March 14 (Timeline wi"]
    # The dateline says when the report was filed: the meeting was on Monday.
    assert (monday.date.text, monday.date.parsed.start) == ("Monday", D(2023, 3, 13))
    same_day = proposals["The two men discussed arms deli"]
    assert (same_day.date.text, same_day.date.parsed.start) == ("the same day", D(2023, 3, 13))
    # Counted from "Monday" in another paragraph: it says so, and is marked for review.
    assert same_day.date_source == DateSource.ANCHOR
    assert same_day.needs_review
    assert "counted from “Monday” in ¶1" in same_day.date_origin
    opens = proposals["Fomin opens a defence exhibitio"]
    # A forward-looking clause: the coming Tuesday, not the dateline's own day.
    assert opens.date.parsed.start == D(2023, 3, 21)
    vote = proposals["The visit follows last Friday's"]
    assert (vote.date.text, vote.date.parsed.start) == ("last Friday", D(2023, 3, 10))


def test_the_queue_says_where_a_date_not_written_in_the_sentence_comes_from(
    actors, analyst, client
):
    source = wire_source()
    client.force_login(analyst)
    body = client.get(reverse("source-suggestions", args=[source.pk])).content.decode()
    assert "Check the date:" in body
    assert "“the same day” is counted from “Monday” in ¶1" in body


def test_new_event_from_an_on_monday_sentence_prefills_monday_not_another_paragraphs_date(
    actors, analyst, client
):
    source = wire_source()
    passage = source.passages.get(index=1)
    start = passage.text.index("Russia's deputy")
    end = passage.text.index("Naypyitaw on Monday") + len("Naypyitaw on Monday")
    client.force_login(analyst)
    body = client.get(
        reverse("event-new"), {"passage": passage.pk, "start": start, "end": end}
    ).content.decode()
    assert 'name="date_text" id="id_date_text" value="Monday"' in body
    assert "13 March 2023, day precision" in body
    assert "February" not in body.split('id="id_date_text"')[1].split("</p>")[0]


def test_an_undated_selection_is_prefilled_from_the_text_before_it_with_a_notice(
    actors, analyst, client
):
    source = wire_source()
    passage = source.passages.get(index=3)  # "Fomin opens ... on Tuesday"
    client.force_login(analyst)
    # Only the words "a defence exhibition in Yangon": no date in the selection.
    start = passage.text.index("a defence exhibition")
    end = start + len("a defence exhibition in Yangon")
    body = client.get(
        reverse("event-new"), {"passage": passage.pk, "start": start, "end": end}
    ).content.decode()
    assert "Check the date:" in body
    assert "is not written in the selected text" in body


def test_accepting_a_sentence_that_borrows_its_date_never_stores_it_as_written(
    actors, analyst, client
):
    source = wire_source(TRIP, key="trip", reference=D(2021, 6, 24))
    trip = next(p for p in proposals_for_source(source) if p.quote.startswith("There he"))
    assert trip.inherited
    assert trip.needs_review
    assert trip.date.text == "April 2021"
    assert trip.date_text == ""
    # The queue's accept link names where the date is; the form fills start and precision,
    # leaves "date as written" empty and says where the date was taken from.
    query = parse_qs(urlparse(_accept_url(trip)).query)
    assert "date_text" not in query
    assert query["date_at"] == [f"1:{trip.date.start}:{trip.date.end}"]
    client.force_login(analyst)
    body = client.get(_accept_url(trip)).content.decode()
    assert (
        "the sentence writes no date; taken from “April 2021”, written in an earlier sentence of ¶1"
        in body
    )
    assert 'name="citations-0-date_text" value="April 2021"' not in body
    assert 'name="date_start"' in body
    assert 'value="2021-04-01"' in body
    # Adding it to an event: the citation's date text is empty, its note says why.
    event = EventFactory(title="Second trip")
    citation = add_to_event(source, trip, event)
    assert citation.date_text == ""
    assert "Check the date: the sentence writes no date; taken from “April 2021”" in citation.note
    assert Citation.objects.filter(event=event, date_text="April 2021").count() == 0


VIDEO_CALL = (
    "Generals on a screen\n\n"
    "On November 27, 2020, Min Aung Hlaing held talks with Russia's defence minister by "
    "video link.\n\n"
    "Fomin congratulated Min Aung Hlaing on an honorary doctorate from a Russian institute.\n\n"
    "Russia has long sold arms to Myanmar. Russia is a major supplier of weapons. "
    "Will Russia send more weapons to Min Aung Hlaing?\n"
)


def test_an_undated_paragraph_that_tells_a_happening_takes_the_text_s_last_date_for_review(
    actors, analyst, client
):
    source = wire_source(VIDEO_CALL, key="video", reference=D(2021, 1, 10))
    proposals = by_quote(source)
    award = proposals["Fomin congratulated Min Aung Hl"]
    # The date of the paragraph before: said so, marked for review, never "written".
    assert award.date_source == DateSource.CONTEXT
    assert award.needs_review
    assert award.date.text == "November 27, 2020"
    assert award.date_text == ""
    assert award.date_origin == (
        "the sentence writes no date; taken from “November 27, 2020”, the last date the text "
        "reported before it, in ¶1"
    )
    # A present perfect, a present state and a question are not told happenings: no date
    # is taken from another paragraph for them.
    assert not [p for p in proposals.proposals if p.passage_index == 3]
    client.force_login(analyst)
    body = client.get(_accept_url(award)).content.decode()
    assert "is not written in the selected text" in body
    assert "taken from “November 27, 2020”, the last date the text reported before it" in body
    assert 'name="citations-0-date_text" value="November 27, 2020"' not in body
    citation = add_to_event(source, award, EventFactory(title="An honorary doctorate"))
    assert citation.date_text == ""
    assert citation.note.startswith("Check the date: the sentence writes no date;")


def test_a_date_naming_an_event_is_not_where_the_next_paragraph_is(actors):
    text = (
        "Council meets\n\n"
        "Fomin met Min Aung Hlaing in Naypyitaw on Monday. The military has cited fraud in "
        "the November election.\n\n"
        "Fomin briefed Russia's ambassador.\n"
    )
    briefed = by_quote(wire_source(text, key="council"))["Fomin briefed Russia's ambassad"]
    # "the November election" names an event; the text was last at Monday.
    assert briefed.date_source == DateSource.CONTEXT
    assert (briefed.date.text, briefed.date.parsed.start) == ("Monday", D(2023, 3, 13))


def _accept_url(proposal):
    from suggestions.views import accept_url

    return accept_url(proposal)


def test_the_form_preview_and_the_api_read_a_date_as_the_extractor_does(analyst, client):
    client.force_login(analyst)
    preview = client.get(
        reverse("event-parse-date"), {"date_text": "Q3 2021", "reference": "2021-06-24"}
    ).content.decode()
    assert "July–September 2021, month precision" in preview
    api = APIClient()
    api.force_authenticate(analyst)
    created = api.post("/api/events/", {"title": "Q3", "date": {"text": "Q3 2021"}}, format="json")
    assert created.status_code == 201, created.content
    date = created.json()["date"]
    assert (date["start"], date["end"], date["precision"]) == ("2021-07-01", "2021-09-01", "month")


@pytest.mark.parametrize("text", ["0000", "2021-13", "June 31, 2021", "2021/22", "Q3 2021 soon"])
def test_unreadable_dates_are_a_message_everywhere_never_a_server_error(analyst, client, text):
    client.force_login(analyst)
    preview = client.get(reverse("event-parse-date"), {"date_text": text})
    assert preview.status_code == 200
    assert 'class="error"' in preview.content.decode()
    api = APIClient()
    api.force_authenticate(analyst)
    response = api.post("/api/events/", {"title": "T", "date": {"text": text}}, format="json")
    assert response.status_code == 400
    message = response.json()["date"]["text"][0]
    assert "rite" in message or "not a real date" in message
    assert not Event.objects.exists()


def test_evaluate_dev_scores_each_article_and_counts_silent_misreadings(tmp_path):
    (tmp_path / "01_wire.txt").write_text(WIRE, encoding="utf-8")
    labels = {
        "about": "test",
        "actors": [
            {"name": "Alexander Fomin", "kind": "person", "aliases": ["Fomin"]},
            {"name": "Min Aung Hlaing", "kind": "person", "aliases": []},
        ],
        "sources": [
            {
                "key": "wire",
                "file": "01_wire.txt",
                "reference_date": TUESDAY.isoformat(),
                "dates": [
                    {
                        "passage": 1,
                        "text": "March 14",
                        "start": "2023-03-14",
                        "end": None,
                        "precision": "day",
                    },
                    {
                        "passage": 1,
                        "text": "on Monday",
                        "start": "2023-03-13",
                        "end": None,
                        "precision": "day",
                    },
                    {
                        "passage": 2,
                        "text": "the same day",
                        "start": "2023-03-13",
                        "end": None,
                        "precision": "day",
                    },
                    # Labelled wrong on purpose: a silent misreading for the evaluation.
                    {
                        "passage": 3,
                        "text": "on Tuesday",
                        "start": "2023-03-14",
                        "end": None,
                        "precision": "day",
                    },
                    {
                        "passage": 4,
                        "text": "last Friday",
                        "start": "2023-03-10",
                        "end": None,
                        "precision": "day",
                    },
                    {
                        "passage": 5,
                        "text": "February 1",
                        "start": "2023-02-01",
                        "end": None,
                        "precision": "day",
                    },
                ],
                "sentences": [
                    {
                        "passage": 1,
                        "sentence": "NAYPYITAW, March 14 (Timeline wire) — Russia's dep",
                        "events": [
                            {
                                "title": "Fomin meets Min Aung Hlaing",
                                "type": "meeting",
                                "start": "2023-03-13",
                                "end": None,
                                "precision": "day",
                                "actors": ["Alexander Fomin", "Min Aung Hlaing"],
                            }
                        ],
                    },
                ],
            }
        ],
    }
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(labels), encoding="utf-8")
    evaluation = evaluate_dev(path)
    assert (evaluation.date_recall.hits, evaluation.date_recall.total) == (5, 6)
    assert len(evaluation.silent_misreadings) == 1
    assert "“Tuesday”" in evaluation.silent_misreadings[0]
    assert evaluation.event_recall_exact.hits == evaluation.event_recall_within.hits == 1
    report = evaluation.report()
    assert "wire: dates 5/6, events with the right date 1/1" in report
    assert "silent misreadings 1" in report


def test_an_impossible_date_in_the_form_is_said_once(analyst, client):
    from tests.event_form_data import form_data

    client.force_login(analyst)
    response = client.post(reverse("event-new"), form_data(date_text="June 31, 2021"))
    body = response.content.decode()
    assert response.status_code == 400
    assert body.count("is not a real date: June 2021 has 30 days.") == 1
    assert "Could not read" not in body


def test_accepting_the_same_day_fills_its_date_and_keeps_the_words_on_the_citation(
    actors, analyst, client
):
    source = wire_source()
    same_day = by_quote(source)["The two men discussed arms deli"]
    client.force_login(analyst)
    body = client.get(_accept_url(same_day)).content.decode()
    # The event's date is the day it resolves to; no unreadable "the same day" in "Date".
    assert 'name="date_text" id="id_date_text" value=""' in body
    assert 'value="2023-03-13"' in body
    assert 'name="citations-0-date_text" value="the same day"' in body
    assert "Could not read" not in body
    assert "Check the date:" in body


def test_a_second_date_of_a_sentence_is_typed_by_its_own_clause(actors):
    # Found by review: the coup's date was proposed as a visit, and offered as corroboration
    # of the coup typed "visit".
    text = (
        "Second trip\n\n"
        "Min Aung Hlaing arrived in Moscow on June 20, 2021, his second trip since the army "
        "seized power on February 1, 2021.\n"
    )
    proposals = proposals_for_source(wire_source(text, key="second-trip"))
    assert [(p.date.text, p.type) for p in proposals] == [
        ("June 20, 2021", "visit"),
        ("February 1, 2021", "military_action"),
    ]
    assert proposals[1].cues == ("seized power",)


def test_a_date_outside_the_selected_words_of_the_same_sentence_is_said_so(actors, analyst, client):
    text = "Trip\n\nIn June 2021, Min Aung Hlaing visited Moscow and met Fomin.\n"
    passage = wire_source(text, key="same-sentence").passages.get(index=1)
    start = passage.text.index("Min Aung Hlaing")
    end = passage.text.index("Moscow") + len("Moscow")
    client.force_login(analyst)
    body = client.get(
        reverse("event-new"), {"passage": passage.pk, "start": start, "end": end}
    ).content.decode()
    # Not "an earlier sentence": the review found the note naming one that does not exist.
    assert (
        "the selected words write no date; taken from “June 2021”, written in the same "
        "sentence of ¶1, outside the selection" in body
    )
    assert "earlier sentence" not in body


def test_a_year_a_title_looks_ahead_to_is_not_the_year_of_the_article(actors):
    """The title's "By 2030" made the whole wire report of 26 September 2023 a section of 2030:
    its dateline read 26 September 2029 and "signed in February" February 2029."""
    text = (
        "Russia, Myanmar Sign Nuclear Roadmap; Moscow To Help Build Reactor By 2030\n\n"
        "MOSCOW, Sept. 26 (Timeline wire) — Russia and Myanmar signed a roadmap for a small "
        "reactor on Tuesday in Moscow.\n\n"
        "It builds on an agreement on atomic energy Russia signed with Myanmar in February.\n"
    )
    proposals = proposals_for_source(wire_source(text, key="by-2030", reference=D(2023, 9, 26)))
    assert [(p.date.text, p.date.parsed.start, p.type) for p in proposals] == [
        ("Tuesday", D(2023, 9, 26), "agreement"),
        ("February", D(2023, 2, 1), "agreement"),
    ]


def test_a_heading_that_opens_with_its_year_or_names_a_past_one_still_sets_the_year(actors):
    text = (
        "Russia and Myanmar in 2021\n\n"
        "In June, Min Aung Hlaing visited Moscow.\n\n"
        "2023\n\n"
        "In May, Fomin visited Naypyitaw.\n"
    )
    proposals = proposals_for_source(wire_source(text, key="years", reference=D(2024, 1, 10)))
    assert [(p.date.text, p.date.parsed.start) for p in proposals] == [
        ("June", D(2021, 6, 1)),
        ("May", D(2023, 5, 1)),
    ]


def test_narrative_time_after_a_date_not_read_is_not_counted_from_an_earlier_one(actors):
    """State media write "on 4-12-2023" (refused: day or month first?); "The previous day"
    after it was counted from "18 February 2024", two sentences back: c. 17 February 2024."""
    text = (
        "Russian delegation in Naypyitaw\n\n"
        "Fomin was in Yangon on 1 December 2023. The delegation arrived in Naypyitaw on "
        "4-12-2023. The previous day, Fomin visited a museum. Fomin also met the press.\n"
    )
    source = wire_source(text, key="unread-day", reference=D(2023, 12, 5))
    proposals = proposals_for_source(source)
    assert [p.date.text for p in proposals] == ["1 December 2023"]
    reading = read_dates("The previous day, Fomin visited a museum.", D(2023, 12, 5))
    assert [r.text for r in reading.refused] == ["The previous day"]
    # In one sentence alike.
    reading = read_dates(
        "Fomin was in Yangon on 1 December 2023, arrived here on 4-12-2023 and left the next day.",
        D(2023, 12, 5),
    )
    assert [f.text for f in reading.found] == ["1 December 2023"]
    assert [r.text for r in reading.refused] == ["4-12-2023", "the next day"]


def test_a_date_still_to_come_is_not_lent_to_the_next_paragraph(actors):
    """ "Fomin met Min Aung Hlaing." took "18 February 2024" (a plan, in an article of
    5 December 2023) from the paragraph before as the date of the meeting."""
    text = (
        "Fomin in Myanmar\n\n"
        "Fomin said the two countries will mark the anniversary on 18 February 2024.\n\n"
        "Fomin met Min Aung Hlaing.\n"
    )
    proposals = proposals_for_source(wire_source(text, key="plan", reference=D(2023, 12, 5)))
    assert [(p.quote[:12], p.date.text) for p in proposals] == [
        ("Fomin said t", "18 February 2024")
    ]


def test_a_date_right_after_said_is_the_day_it_was_said(actors):
    """ "Myanmar state media said on Thursday morning that he would also meet Fomin" proposed
    a meeting on Thursday: the meeting is to come, Thursday is when it was said."""
    text = (
        "Live\n\n"
        "Myanmar state media said on Thursday morning that Min Aung Hlaing would also meet "
        "Fomin in Moscow.\n\n"
        "Fomin told reporters on Monday that talks with Min Aung Hlaing had gone well.\n\n"
        "Fomin met Min Aung Hlaing on Wednesday, the ministry said.\n\n"
        "Fomin said in March that Russia would deliver more jets to Naypyitaw.\n"
    )
    proposals = proposals_for_source(wire_source(text, key="said-on", reference=D(2024, 5, 9)))
    assert [(p.date.text, p.date.parsed.start, p.type, p.cues) for p in proposals] == [
        ("Thursday morning", D(2024, 5, 9), "statement", ("said",)),
        ("Monday", D(2024, 5, 6), "statement", ("told",)),
        ("Wednesday", D(2024, 5, 8), "meeting", ("met",)),
        ("March", D(2024, 3, 1), "statement", ("said",)),
    ]


def test_an_arms_register_line_proposes_its_order_and_its_deliveries(actors):
    """A register's "Six Yak-130 trainer aircraft: ordered in 2015, delivered 2017-2019."
    proposed nothing (no actor, no type: the transfer word came after the arms), and "ordered
    c. 2016" was cut into two sentences at "c."."""
    text = (
        "Register extract\n\n"
        "Six Yak-130 trainer/combat aircraft: ordered in 2015, delivered 2017-2019.\n\n"
        "Mi-35P combat helicopters, quantity unknown: ordered c. 2016, delivered 2017.\n\n"
        "Mi-17 helicopters delivered aid to the quake zone.\n"
    )
    proposals = proposals_for_source(wire_source(text, key="register", reference=D(2024, 3, 12)))
    assert [(p.date.text, p.date.parsed.describe(), p.type) for p in proposals] == [
        ("2015", "2015", "arms_deal"),
        ("2017-2019", "2017–2019", "arms_deal"),
        ("c. 2016", "c. 2016", "arms_deal"),
        ("2017", "2017", "arms_deal"),
    ]


def test_a_date_in_a_relative_clause_is_typed_by_that_clause(actors):
    """ "... state media said Russia had agreed to help run a centre in Yangon, which opened on
    5th February, 2023" was proposed as a statement of state media on 5 February 2023."""
    text = (
        "Nuclear\n\n"
        "On the eve of the signing, Myanmar's state media said Russia had also agreed to help "
        "run a nuclear information centre in Naypyitaw, which opened on 5th February, 2023.\n\n"
        "Fomin, who met Min Aung Hlaing on 3 March 2023, said talks went well.\n"
    )
    proposals = proposals_for_source(wire_source(text, key="which", reference=D(2023, 9, 26)))
    assert [(p.date.text, p.type) for p in proposals] == [
        ("5th February, 2023", "other"),
        ("3 March 2023", "meeting"),
    ]


def test_a_past_date_of_a_plan_is_marked_for_review(actors):
    """ "Last month Min Aung Hlaing was again said to be planning a trip to Russia" was
    proposed as a visit in January 2024, unmarked: the trip is not then."""
    text = (
        "Opinion\n\n"
        "Last month Min Aung Hlaing was again said to be planning a trip to Russia.\n\n"
        "In 2023 Min Aung Hlaing made a trip to Russia.\n"
    )
    proposals = proposals_for_source(wire_source(text, key="plan-then", reference=D(2024, 2, 2)))
    plan, trip = proposals
    assert (plan.date.parsed.describe(), plan.type, plan.needs_review) == (
        "January 2024",
        "visit",
        True,
    )
    assert "planned or expected at “Last month”, not that it took place then" in plan.caution
    assert (trip.date.text, trip.caution, trip.needs_review) == ("2023", "", False)


def test_a_sentence_over_the_weekend_has_the_weekend_not_its_paragraph_s_date(actors):
    text = (
        "Ships\n\n"
        "Fomin met Min Aung Hlaing on Tuesday. Russian ships docked in Naypyitaw's port over "
        "the weekend, Fomin said.\n"
    )
    proposals = proposals_for_source(wire_source(text, key="weekend", reference=D(2023, 12, 13)))
    assert [(p.date.text, p.date.parsed.describe()) for p in proposals] == [
        ("Tuesday", "12 December 2023"),
        ("the weekend", "9–10 December 2023"),
    ]


@pytest.mark.parametrize(
    "vague",
    [
        "Russia recently delivered two Su-30 jets to Myanmar.",
        "In recent weeks Russia delivered two Su-30 jets to Myanmar.",
        "Earlier, Russia delivered two Su-30 jets to Myanmar.",
        "Years ago, Russia delivered Yak-130 jets to Myanmar.",
        "Russia will deliver two more Su-30 jets in the coming weeks.",
    ],
)
def test_a_sentence_with_a_vague_time_of_its_own_borrows_no_date(actors, vague):
    """ "Russia recently delivered two Su-30 jets" after "met ... on Monday" was proposed as an
    arms delivery on Monday: where the text is vague, no date is better than a guess."""
    text = f"Jets\n\nFomin met Min Aung Hlaing on Monday. {vague}\n"
    proposals = proposals_for_source(wire_source(text, key="vague", reference=D(2023, 12, 13)))
    assert [p.quote for p in proposals] == ["Fomin met Min Aung Hlaing on Monday."]


def test_an_announcement_dated_after_its_verb_stays_a_policy(actors):
    text = "Plan\n\nThe junta announced on Monday that Fomin would visit Naypyitaw in March.\n"
    proposals = proposals_for_source(wire_source(text, key="announced", reference=D(2023, 12, 13)))
    assert [(p.date.text, p.type) for p in proposals] == [
        ("Monday", "policy"),
        ("March", "visit"),
    ]


def test_a_relative_clause_is_typed_with_the_words_it_hangs_on(actors):
    text = (
        "Jets\n\n"
        "Russia delivered the jets, which Myanmar ordered in 2018, to Naypyitaw in December "
        "2022.\n"
    )
    proposals = proposals_for_source(wire_source(text, key="which-jets", reference=D(2023, 9, 26)))
    assert [(p.date.text, p.type) for p in proposals] == [
        ("2018", "arms_deal"),
        ("December 2022", "arms_deal"),
    ]


@pytest.mark.parametrize(
    ("heading", "proposed"),
    [
        ("The Kremlin, Moscow, March 4, 2025", [("March 4, 2025", "context")]),
        ("Naypyitaw, 4 March", [("4 March", "context")]),
        # A byline, or a date not the source's, is no dateline.
        ("By the Timeline team, March 4, 2025", []),
        ("The Kremlin, Moscow, March 3, 2025", []),
    ],
)
def test_a_readout_under_a_dateline_tells_that_day_s_talks(actors, heading, proposed):
    """ "Vladimir Putin held talks ... with Min Aung Hlaing" under "The Kremlin, Moscow, March
    4, 2025" (a readout's dateline) was proposed at no date."""
    text = (
        f"Talks\n\n{heading}\n\n"
        "Fomin held talks in the Kremlin with Min Aung Hlaing, who is in Russia on a visit.\n"
    )
    source = wire_source(text, key="readout", reference=D(2025, 3, 4))
    assert [(p.date.text, p.date_source) for p in proposals_for_source(source)] == proposed


THURSDAY = D(2026, 12, 3)  # a reviewer's Reuters-style article
SIGNAL = (
    "Junta chief in Moscow\n\n"
    "Senior General Min Aung Hlaing visited Moscow in March 2025 and met Russia's leaders.\n\n"
    "{quote}\n"
)


def test_an_actor_named_only_inside_a_quotation_is_not_its_speaker(actors):
    """ "“It is a signal to China …,” said a Bangkok-based diplomat" was a statement by China in
    March 2025: China is only in the diplomat's words, and the diplomat is no known actor."""
    ActorFactory(name="China", kind="country")
    quote = (
        "“It is a signal to China that Naypyitaw has other friends,” said a Bangkok-based diplomat."
    )
    source = wire_source(SIGNAL.format(quote=quote), key="signal", reference=THURSDAY)
    assert [p.passage_index for p in proposals_for_source(source)] == [1]
    # A name or title in quotation marks is still a name.
    text = "Honours\n\nFomin was made “Honorary Professor of the Naypyitaw University” on Monday.\n"
    (honour,) = proposals_for_source(wire_source(text, key="title-quoted"))
    assert [m.text for m in honour.actors] == ["Fomin", "Naypyitaw"]


def test_a_quotation_and_its_speaker_alone_take_no_earlier_paragraph_s_date(actors):
    """Words said for the report are at the source's date at best, not at an event an
    earlier paragraph told; words a speaker "also said" go on with that event, for review."""
    ActorFactory(name="China", kind="country")
    quote = "“It is a signal to China that Naypyitaw has other friends,” Fomin said."
    source = wire_source(SIGNAL.format(quote=quote), key="signal-fomin", reference=THURSDAY)
    assert [p.passage_index for p in proposals_for_source(source)] == [1]
    added = "Fomin also said: “It is a signal to China that Naypyitaw has other friends.”"
    source = wire_source(SIGNAL.format(quote=added), key="signal-added", reference=THURSDAY)
    _visit, comment = proposals_for_source(source)
    assert (comment.date.text, comment.date_source) == ("March 2025", DateSource.CONTEXT)
    assert [m.text for m in comment.actors] == ["Fomin"]


SUPPLIER = (
    "Arms\n\n"
    "Russia has been the junta's main supplier of arms since the military seized power on "
    "February 1, 2021.\n"
)


def test_a_date_in_a_clause_with_its_own_subject_is_not_the_main_clause_s_actors(actors):
    """ "Russia has been the junta's main supplier of arms since the military seized power on
    February 1, 2021" was a military action by Russia: the date is the military's."""
    (seizure,) = proposals_for_source(wire_source(SUPPLIER, key="supplier", reference=THURSDAY))
    assert (seizure.date.text, seizure.type) == ("February 1, 2021", "military_action")
    assert seizure.actors == ()
    assert seizure.needs_review
    assert seizure.caution == (
        "“February 1, 2021” dates “since the military seized power on February 1, 2021”, "
        "which names no known actor: who did it is not proposed (Russia is the subject of "
        "another clause); add them"
    )
    cache.clear()
    military = ActorFactory(name="Tatmadaw", kind="organization")
    AliasFactory(actor=military, name="the military")
    (seizure,) = proposals_for_source(wire_source(SUPPLIER, key="supplier-2", reference=THURSDAY))
    assert [m.actor.name for m in seizure.actors] == ["Tatmadaw"]
    assert not seizure.needs_review
    # A clause whose subject is the main clause's ("when he met") keeps its actors.
    text = "Talks\n\nFomin has been close to Min Aung Hlaing since he met him on 3 May 2019.\n"
    (met,) = proposals_for_source(wire_source(text, key="since-he", reference=THURSDAY))
    assert [m.text for m in met.actors] == ["Fomin", "Min Aung Hlaing"]
