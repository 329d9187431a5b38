"""Suggested events: extraction, corroboration, the review queue, its API and command."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management.base import CommandError
from django.urls import reverse

from events.models import Actor, Citation, Event
from lib.dates import Reference
from sources.models import Passage, Source
from sources.services import import_source
from sources.signals import source_imported
from suggestions.extract import (
    ActorRef,
    Lexicon,
    PassageData,
    date_for_selection,
    extract,
    guess_type,
    narrates,
    read_proposals,
    split_sentences,
)
from suggestions.models import Dismissal
from suggestions.services import proposals_for_source, review
from tests.conftest import run
from tests.factories import ActorFactory, AliasFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline(published_timeline) -> str:
    """These tests only read the curated timeline: the one loaded once per session."""
    return published_timeline


REFERENCE = dt.date(2021, 10, 30)
CHRONOLOGY = (
    "Chronology of contacts.\n"
    "October 24: Vice Admiral Vladimir Kasatonov arrives in Yangon.\n"
    "The Tatmado holds talks with him at the Defense Services Academy.\n"
    "October 29: Min Aung Hlaing visits the Russian warship at Thilawa Jetty. It stays for a "
    "while.\n"
)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def new_source(text: str = CHRONOLOGY, key: str = "chronology") -> Source:
    source, _ = import_source(text, title="A chronology", key=key, reference_date=REFERENCE)
    return source


@pytest.fixture
def actors(db):
    mah = ActorFactory(name="Min Aung Hlaing")
    AliasFactory(actor=mah, name="Hlaing")
    tatmadaw = ActorFactory(name="Tatmadaw", kind="organization")
    AliasFactory(actor=tatmadaw, name="Tatmado")
    kasatonov = ActorFactory(name="Vladimir Kasatonov")
    yangon = ActorFactory(name="Yangon", kind="place")
    port = ActorFactory(name="Thilawa Port", kind="place")
    AliasFactory(actor=port, name="Thilawa Jetty")
    us = ActorFactory(name="United States", kind="country")
    AliasFactory(actor=us, name="US")
    return {
        "mah": mah,
        "tatmadaw": tatmadaw,
        "kasatonov": kasatonov,
        "yangon": yangon,
        "port": port,
    }


# --- Extraction -------------------------------------------------------------------------


def test_sentences_split_at_full_stops_but_not_after_abbreviations_or_initials():
    text = (
        "Vice Snr. Gen. Soe Win visits on Jan. 25 with No. 2 Mill staff. Fomin (L) and Min (C) "
        "meet. “It works,” he said. Done"
    )
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Vice Snr. Gen. Soe Win visits on Jan. 25 with No. 2 Mill staff.",
        "Fomin (L) and Min (C) meet.",
        "“It works,” he said.",
        "Done",
    ]


@pytest.mark.parametrize("title", ["Snr. Gen.", "Maj. Gen.", "Lt. Col.", "Adm.", "Dr.", "U.S."])
def test_a_sentence_ends_after_a_title_before_a_word_that_opens_sentences(title):
    """ "Putin has never received the Snr. Gen. However, President Putin did meet ... in 2019"
    was one sentence: the 2019 meeting was proposed for the words of the meeting never held."""
    text = f"Putin never received the {title} However, he met her in 2019. The {title} Soe Win"
    assert [text[a:b] for a, b in split_sentences(text)] == [
        f"Putin never received the {title}",
        "However, he met her in 2019.",
        f"The {title} Soe Win",
    ]


def test_actors_are_recognised_by_name_and_alias_at_word_boundaries_with_case():
    ref = {n: ActorRef(i, n, n.lower(), "person") for i, n in enumerate(["Tatmadaw", "TASS", "US"])}
    lexicon = Lexicon(
        [("Tatmadaw", ref["Tatmadaw"]), ("Tatmado", ref["Tatmadaw"]), ("Tatmador", ref["Tatmadaw"]),
         ("TASS", ref["TASS"]), ("Tas", ref["TASS"]), ("US", ref["US"])]
    )  # fmt: skip
    text = (
        "The Tatmado told Tas that the Tatmador’s chief met US envoys; "
        "tas, us, Tatmadoes and US$2.3 billion are not names."
    )
    found = [(m.text, m.actor.name) for m in lexicon.mentions(text)]
    assert found == [
        ("Tatmado", "Tatmadaw"),
        ("Tas", "TASS"),
        ("Tatmador", "Tatmadaw"),
        ("US", "US"),
    ]


def test_the_longest_spelling_wins():
    fomin = ActorRef(1, "Alexander Fomin", "alexander-fomin", "person")
    lexicon = Lexicon([("Fomin", fomin), ("Alexander Vasilyevich Fomin", fomin)])
    (mention,) = lexicon.mentions("General Alexander Vasilyevich Fomin arrives.")
    assert mention.text == "Alexander Vasilyevich Fomin"


def test_the_longest_spelling_wins_wherever_it_starts_and_no_two_mentions_overlap():
    # A reviewer's "Senior General Min Aung Hlaing" was the aliases "General Min" and
    # "Hlaing": the scan from the left took "General Min" first.
    mah = ActorRef(1, "Min Aung Hlaing", "min-aung-hlaing", "person")
    lexicon = Lexicon([("Min Aung Hlaing", mah), ("General Min", mah), ("Hlaing", mah)])
    text = "Senior General Min Aung Hlaing met Putin; General Min left."
    found = [(m.text, m.start) for m in lexicon.mentions(text)]
    assert found == [("Min Aung Hlaing", 15), ("General Min", 42)]


def test_an_actor_named_twice_in_a_sentence_is_one_participant(actors, analyst, client):
    source = new_source(
        "On October 24, Senior General Min Aung Hlaing visited Thilawa Jetty, where Hlaing spoke.",
        key="twice",
    )
    (proposal,) = proposals_for_source(source)
    assert [m.text for m in proposal.actors] == ["Min Aung Hlaing", "Thilawa Jetty", "Hlaing"]
    client.force_login(analyst)
    (listed,) = client.get(f"/api/sources/{source.pk}/suggestions/").json()
    assert [(a["name"], a["text"]) for a in listed["actors"]] == [
        ("Min Aung Hlaing", "Min Aung Hlaing"),
        ("Thilawa Port", "Thilawa Jetty"),
    ]


@pytest.mark.parametrize(
    ("sentence", "kind", "cues"),
    [
        ("Hlaing presented Fomin with a Myanmar medal and a decorative sword.", "award",
         ("presented Fomin with", "medal")),
        ("Most diplomats refrain from the Armed Forces Day parade.", "parade",
         ("Armed Forces Day", "parade")),
        ("In May, the Air Force chief visited Russia.", "visit", ("visited",)),
        ("Russia sells an additional US$2.3 billion worth of weapons.", "arms_deal",
         ("sells", "weapons")),
        ("The coup leader shows the swords.", "other", ()),
        ("The weather was fine.", "other", ()),
        # Found in new articles: a return trip was the coup's, a caption's arrival, a
        # briefing's consultations and a departure to come were of no type.
        ("He returned in 2016 and again in 2020, months after the coup.", "visit",
         ("returned",)),
        ("In June 2021 he came back as head of a government few recognised.", "visit",
         ("came back",)),
        ("Troops returned fire after the coup.", "military_action", ("coup",)),
        ("Russian Navy ships arrive at Thilawa Port, Yangon, on Dec. 5, 2023.", "visit",
         ("arrive",)),
        ("Consultations between the foreign ministries took place last Tuesday.", "meeting",
         ("Consultations",)),
        ("The delegation is scheduled to leave for Moscow on 7 December.", "visit",
         ("leave for",)),
        # State media's courtesy calls; a posting, an order of merit, arms received.
        ("Senior General Min Aung Hlaing received Deputy Minister of Defence Alexander Fomin "
         "at 3 pm today.", "meeting", ("received",)),
        ("The Senior General received a Russian delegation in Nay Pyi Taw.", "meeting",
         ("received",)),
        ("He returned as a counsellor from 1988 to 1992.", "other", ()),
        ("Russia handed over two Mi-38 helicopters to Myanmar on Dec. 1.", "arms_deal",
         ("handed over two Mi-38",)),
        ("Myanmar took possession of two Su-30SME jets in December 2022.", "arms_deal",
         ("took possession of two Su-30SME",)),
        ("The jets were handed over in December 2022.", "arms_deal",
         ("jets were handed over",)),
        ("Russia and Myanmar inked a pact on nuclear energy on Monday.", "agreement",
         ("inked", "pact")),
        ("Russia vetoed the draft on Friday.", "un_action", ("vetoed",)),
        ("Russia has had nothing of the kind to veto.", "other", ()),
        ("Min Aung Hlaing paid a courtesy call on Putin in Moscow on Tuesday.", "meeting",
         ("courtesy call",)),
        ("Lavrov held a phone call with Than Swe on Monday.", "meeting", ("phone call",)),
        ("He will visit an academy before returning home on Sunday.", "visit",
         ("visit", "returning")),
        ("In 2015 he received the Order of Friendship.", "award", ("Order of",)),
        ("Myanmar received two Mi-35 helicopters in 2019.", "arms_deal",
         ("received two Mi-35",)),
    ],
)  # fmt: skip
def test_the_type_is_guessed_from_cue_words_which_are_kept(sentence, kind, cues):
    assert guess_type(sentence) == (kind, cues)


def test_a_multi_year_figure_is_an_aggregate():
    from lib.dates import parse_date_text

    date = parse_date_text("between 1999 and 2018", REFERENCE)
    kind, cues = guess_type("Myanmar procured US$1.5 billion of arms from Russia.", date)
    assert kind == "aggregate"
    assert "billion" in cues


def test_a_proposal_is_a_verbatim_sentence_with_its_date_actors_and_type(actors):
    source = new_source()
    proposals = proposals_for_source(source)
    first = proposals[0]
    passage = Passage.objects.get(pk=first.passage_id)
    assert passage.text[first.start : first.end] == first.quote
    assert first.quote.startswith("October 24: Vice Admiral Vladimir Kasatonov arrives")
    assert (first.date.text, first.date.parsed.start) == ("October 24", dt.date(2021, 10, 24))
    assert passage.text[first.date.start : first.date.end] == "October 24"
    assert [ref.name for ref in first.actor_refs] == ["Vladimir Kasatonov", "Yangon"]
    assert first.type == "visit"
    assert "arrives" in first.cues


def test_a_chronology_line_without_a_date_takes_its_entry_date(actors):
    proposals = proposals_for_source(new_source())
    hosted = next(p for p in proposals if p.quote.startswith("The Tatmado holds"))
    assert hosted.inherited
    assert hosted.date.text == "October 24"
    assert hosted.date_passage_index == 1
    assert [ref.name for ref in hosted.actor_refs] == ["Tatmadaw"]


def test_one_line_opening_with_a_date_does_not_make_an_essay_a_chronology(actors):
    text = "Update, March 26: the essay follows.\nMarch 26: a note.\nThe Tatmado holds talks.\n"
    quotes = [p.quote for p in proposals_for_source(new_source(text, key="essay"))]
    assert "The Tatmado holds talks." not in quotes


def test_a_sentence_without_a_date_takes_the_date_of_the_sentence_before_it(actors):
    text = "In June, Min Aung Hlaing visited Russia. In Moscow, Hlaing met the Tatmado.\n"
    second = proposals_for_source(new_source(text, key="paragraph"))[1]
    assert second.quote == "In Moscow, Hlaing met the Tatmado."
    assert second.inherited
    assert second.date.text == "June"
    assert second.date_passage_index == second.passage_index


def test_a_sentence_without_date_actor_or_cue_is_not_proposed(actors):
    quotes = [p.quote for p in proposals_for_source(new_source())]
    assert "Chronology of contacts." not in quotes
    assert "It stays for a while." not in quotes


def test_importing_a_source_sends_source_imported_and_computes_its_proposals(
    actors, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, source, **kwargs):
        received.append(source)

    source_imported.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            source = new_source()
        _again, created = import_source(CHRONOLOGY, title="Same text")
    finally:
        source_imported.disconnect(listener)
    assert received == [source]
    assert not created
    # The receiver of the suggestions app cached the proposals at import.
    assert any(key for key in cache._cache if "suggestions:" in str(key))


# --- Corroboration and done -------------------------------------------------------------


def visit_event(actors, **kwargs) -> Event:
    event = EventFactory.create(
        title=kwargs.pop("title", "Kasatonov visits Yangon"),
        date_start=kwargs.pop("date_start", dt.date(2021, 10, 24)),
        **kwargs,
    )
    event.participations.create(actor=actors["kasatonov"], role="visitor")
    return event


def test_the_event_of_the_proposals_type_and_day_is_offered_first(actors):
    # A reviewer's first "Add to" was a month's interviews; the conference of that very day
    # came last of twelve.
    month = visit_event(
        actors,
        title="Kasatonov's month of talks",
        type="meeting",
        date_precision="month",
        date_start=dt.date(2021, 10, 1),
    )
    day = visit_event(actors, title="Kasatonov arrives", type="visit")
    item = review(new_source())[0]
    assert item.proposal.type == "visit"
    assert [e.pk for e in item.corroborates] == [day.pk, month.pk]


def test_a_proposal_matching_an_event_in_dates_and_actors_corroborates_it(actors):
    event = visit_event(actors)
    items = review(new_source())
    first = items[0]
    assert first.status == "corroboration"
    assert first.corroborates == [event]
    # The Thilawa sentence overlaps no event: new.
    assert items[-1].status == "new"
    assert items[-1].corroborates == []


def test_an_event_on_other_dates_or_with_other_actors_is_no_corroboration(actors):
    visit_event(actors, date_start=dt.date(2021, 6, 1))
    other = EventFactory(title="Someone else", date_start=dt.date(2021, 10, 24))
    other.participations.create(actor=ActorFactory(name="Nobody"), role="visitor")
    assert review(new_source())[0].corroborates == []


def test_an_event_of_years_is_no_corroboration_of_a_days_sentence_but_a_choice(actors):
    """A one-click "Add to" would cite a day's sentence for a period's figures."""
    period = visit_event(
        actors,
        title="Kasatonov's visits to Myanmar, 2010-2021",
        date_start=dt.date(2010, 1, 1),
        date_end=dt.date(2021, 12, 31),
        date_precision="year",
    )
    week = visit_event(
        actors,
        title="Kasatonov's week in Myanmar",
        date_start=dt.date(2021, 10, 20),
        date_end=dt.date(2021, 10, 27),
    )

    first = review(new_source())[0]

    assert first.corroborates == [week]
    assert period in first.overlapping


def test_a_date_after_the_sources_own_is_marked_planned_or_foreseen(actors, analyst, client):
    """A source dated 30 October 2021 cannot tell a December visit as done."""
    text = (
        "Plans.\n"
        "Vladimir Kasatonov visited Yangon on October 24.\n"
        "Vladimir Kasatonov is expected to return to Yangon in December.\n"
    )
    source = new_source(text, key="plans")

    done, planned = review(source)

    assert not done.proposal.needs_review
    assert planned.proposal.needs_review
    assert planned.proposal.date_origin == (
        "December 2021 is after the source was written (30 October 2021): planned or "
        "foreseen, not yet a happening, unless the text says it took place"
    )
    client.force_login(analyst)
    html = client.get(reverse("source-suggestions", args=[source.pk])).content.decode()
    assert "December 2021 is after the source was written (30 October 2021)" in html


@pytest.mark.parametrize(
    "sentence",
    [
        "Vladimir Kasatonov is expected to return to Yangon later this month.",
        "Vladimir Kasatonov will visit Yangon again this year.",
        "Vladimir Kasatonov is due to return to Yangon in October.",
        "More visits by Vladimir Kasatonov to Yangon are planned later this year.",
    ],
)
def test_a_period_said_to_come_is_marked_planned_though_it_holds_the_source_s_date(
    actors, sentence
):
    """A source of 30 October 2021 saying "later this month" or "will ... this year" tells
    what is to come in a period that holds its own date: planned or foreseen, as a date after
    it is (it was proposed as a happening, unmarked)."""
    source = new_source(f"Plans.\n{sentence}\n", key="soon")

    (item,) = review(source)

    assert item.proposal.needs_review
    assert "the sentence says it is to come: planned or foreseen" in item.proposal.date_origin


@pytest.mark.parametrize(
    "sentence",
    [
        "Vladimir Kasatonov visited Yangon earlier this month.",
        "Vladimir Kasatonov visited Yangon twice this year.",
        # A present tense alone, as a chronology tells the past, says nothing of what comes.
        "October: Vladimir Kasatonov visits Yangon.",
    ],
)
def test_a_period_holding_the_source_s_date_told_as_past_is_not_marked(actors, sentence):
    source = new_source(f"Plans.\n{sentence}\n", key="past")

    (item,) = review(source)

    assert not item.proposal.needs_review


def test_a_bare_date_of_a_source_without_a_date_says_its_year_is_todays(actors):
    source, _ = import_source(
        "Undated.\nVladimir Kasatonov visited Yangon on March 3.\n"
        "Vladimir Kasatonov visited Yangon on March 4, 2019.\n",
        title="No date",
        key="undated",
    )
    today = dt.date.today()

    bare, written = review(source)

    assert bare.proposal.needs_review
    assert bare.proposal.date_origin == (
        f"the source has no date, so the year of “March 3” is today's ({today.year}); give "
        "the source its date, or check the year"
    )
    assert not written.proposal.needs_review


def test_the_note_of_a_source_without_a_date_gives_the_year_the_proposal_has():
    # A reviewer's "c. September 2027" said the year of "early September" was today's (2026).
    mah = ActorRef(1, "Min Aung Hlaing", "min-aung-hlaing", "person")
    today = Reference(dt.date(2026, 12, 3), known=False)
    passages = [
        PassageData(1, 0, "Min Aung Hlaing will attend talks in Moscow in early September."),
        PassageData(2, 1, "Min Aung Hlaing attended talks in Moscow on March 3."),
    ]

    coming, past = read_proposals(passages, today, Lexicon([(mah.name, mah)])).proposals

    assert coming.date.parsed.describe() == "c. September 2027"
    assert coming.caution == (
        "the source has no date, so the year of “early September” is counted from today's "
        "(2026): 2027; give the source its date, or check the year"
    )
    assert past.date.parsed.start == dt.date(2026, 3, 3)
    assert "is today's (2026)" in past.caution


def test_a_proposal_with_a_date_to_check_adds_to_a_corroborated_event_only_by_choice(
    actors, analyst, client
):
    """ "The Tatmado holds talks with him" takes the chronology entry's date (October 24):
    no one-click "Add to" on that guess; the event is the first choice of the list."""
    event = visit_event(actors)
    event.participations.create(actor=actors["tatmadaw"], role="host")
    source = new_source()
    talks = next(i for i in review(source) if i.proposal.quote.startswith("The Tatmado"))
    assert talks.proposal.needs_review
    assert talks.corroborates == [event]
    assert not talks.one_click
    assert talks.overlapping[0] == event
    written = review(source)[0]
    assert written.one_click  # "October 24: ... arrives in Yangon" writes its date

    client.force_login(analyst)
    html = client.get(reverse("source-suggestions", args=[source.pk])).content.decode()
    card = html[html.index(f'id="s-{talks.proposal.key}"') :]
    card = card[: card.index("</li>")]
    assert "Add to “Kasatonov visits Yangon”" not in card
    assert f'<option value="{event.pk}">' in card
    assert card.index("Accept as a new event") < card.index("Add to")


def test_a_sentence_already_cited_is_done(actors, analyst, client):
    event = visit_event(actors)
    source = new_source()
    client.force_login(analyst)
    item = review(source)[0]
    p = item.proposal
    client.post(
        reverse("source-suggestions-add", args=[source.pk]),
        {"passage": p.passage_id, "start": p.start, "end": p.end, "event": event.pk},
    )
    again = review(source)[0]
    assert again.status == "done"
    assert [(e.pk, e.title) for e in again.cited_by] == [(event.pk, event.title)]


TWO_EVENTS = (
    "Visits.\n"
    "Vladimir Kasatonov arrived in Yangon on October 24, and Min Aung Hlaing received him "
    "at the Defense Services Academy on October 27.\n"
)


def test_a_sentence_cited_for_one_of_its_dates_leaves_the_other_proposal_open(
    actors, analyst, client
):
    """Citing a sentence for one event does not mark the sentence's other event done."""
    source = new_source(TWO_EVENTS, key="two-events")
    items = review(source)
    assert [i.proposal.date.parsed.start for i in items] == [
        dt.date(2021, 10, 24),
        dt.date(2021, 10, 27),
    ]
    event = visit_event(actors)  # October 24
    client.force_login(analyst)
    p = items[0].proposal
    client.post(
        reverse("source-suggestions-add", args=[source.pk]),
        {"passage": p.passage_id, "start": p.start, "end": p.end, "event": event.pk},
    )

    first, second = review(source)
    assert first.status == "done"
    assert [c.pk for c in first.cited_by] == [event.pk]
    assert second.status != "done"
    assert second.cited_by == []
    assert [c.pk for c in second.cited_for_other_dates] == [event.pk]
    html = client.get(reverse("source-suggestions", args=[source.pk])).content.decode()
    assert "2 proposals: 1 to review, 1 done." in html
    assert "This sentence is cited by" in html
    assert "at another date: if it reports a second event, accept this one too" in html
    listed = client.get(f"/api/sources/{source.pk}/suggestions/").json()
    assert [p["cited_for_other_dates"] for p in listed] == [
        [],
        [{"id": event.pk, "title": event.title}],
    ]


def test_a_sentence_cited_at_a_date_none_of_its_proposals_has_is_done_at_every_date(actors):
    """The analyst read the sentence's date otherwise: what was proposed was reviewed."""
    source = new_source(TWO_EVENTS, key="two-events")
    event = visit_event(actors, date_start=dt.date(2021, 10, 25))
    p = review(source)[0].proposal
    Citation.objects.create(
        event=event, passage_id=p.passage_id, start=p.start, end=p.end, quote=p.quote
    )

    assert [i.status for i in review(source)] == ["done", "done"]


def test_a_sentence_cited_by_an_undated_event_is_done_at_every_date(actors, analyst, client):
    source = new_source(TWO_EVENTS, key="two-events")
    event = EventFactory(title="Undated", date_start=None, status="draft")
    p = review(source)[0].proposal
    Citation.objects.create(
        event=event, passage_id=p.passage_id, start=p.start, end=p.end, quote=p.quote
    )

    assert [i.status for i in review(source)] == ["done", "done"]


# --- The queue: accept, add, dismiss ----------------------------------------------------


def queue_url(source: Source) -> str:
    return reverse("source-suggestions", args=[source.pk])


def test_the_queue_shows_each_sentence_highlighted_in_context_escaped(actors, analyst, client):
    text = "Intro <b>bold</b> text.\nOctober 24: Min Aung Hlaing visits <script>x</script>.\n"
    source = new_source(text, key="escaping")
    client.force_login(analyst)
    response = client.get(queue_url(source))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="sentence date-expr">October 24</span>' in html
    assert '<span class="sentence actor">Min Aung Hlaing</span>' in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x</script>" not in html
    assert "1 proposal: 1 to review, 0 done." in html


def test_accept_links_to_the_event_form_prefilled(actors, analyst, client):
    source = new_source()
    client.force_login(analyst)
    html = client.get(queue_url(source)).content.decode()
    p = proposals_for_source(source)[0]
    expected = (
        f"/events/new/?passage={p.passage_id}&amp;start={p.start}&amp;end={p.end}"
        "&amp;date_text=October+24&amp;type=visit&amp;actor=Vladimir+Kasatonov&amp;actor=Yangon"
    )
    assert expected in html


def test_add_to_an_existing_event_cites_the_sentence_and_bumps_its_version(actors, analyst, client):
    event = visit_event(actors)
    source = new_source()
    p = proposals_for_source(source)[0]
    client.force_login(analyst)
    response = client.post(
        reverse("source-suggestions-add", args=[source.pk]),
        {"passage": p.passage_id, "start": p.start, "end": p.end, "event": event.pk},
    )
    # Back to the queue, at its next open proposal.
    assert response.status_code == 302
    assert response.url == queue_url(source) + "#next"
    citation = Citation.objects.get(event=event)
    assert (citation.passage_id, citation.start, citation.end) == (p.passage_id, p.start, p.end)
    assert citation.quote == p.quote
    assert citation.date_text == "October 24"
    event.refresh_from_db()
    assert event.version == 2


def test_adding_the_same_sentence_twice_is_refused_with_a_message(actors, analyst, client):
    event = visit_event(actors)
    source = new_source()
    p = proposals_for_source(source)[0]
    client.force_login(analyst)
    data = {"passage": p.passage_id, "start": p.start, "end": p.end, "event": event.pk}
    client.post(reverse("source-suggestions-add", args=[source.pk]), data)
    response = client.post(reverse("source-suggestions-add", args=[source.pk]), data, follow=True)
    assert "already cites this sentence" in response.content.decode()
    event.refresh_from_db()
    assert event.version == 2
    assert event.citations.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"passage": "x", "start": "0", "end": "5", "event": "1"}, "passage: expected a whole"),
        ({"passage": "999999", "start": "0", "end": "5", "event": "1"}, "not among the source"),
        ({"start": "0", "end": "5"}, "passage: expected a whole number"),
    ],
)
def test_bad_input_to_add_is_a_message_and_writes_nothing(analyst, client, actors, data, message):
    source = new_source()
    client.force_login(analyst)
    response = client.post(reverse("source-suggestions-add", args=[source.pk]), data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Citation.objects.count() == 0


def test_add_without_an_event_asks_for_one(actors, analyst, client):
    source = new_source()
    p = proposals_for_source(source)[0]
    client.force_login(analyst)
    response = client.post(
        reverse("source-suggestions-add", args=[source.pk]),
        {"passage": p.passage_id, "start": p.start, "end": p.end, "event": "12345678"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "event: choose the event" in response.content.decode()
    assert Citation.objects.count() == 0


def test_dismissing_is_remembered_and_the_proposal_is_not_proposed_again(actors, analyst, client):
    source = new_source()
    p = proposals_for_source(source)[0]
    client.force_login(analyst)
    url = reverse("source-suggestions-dismiss", args=[source.pk])
    data = {"passage": p.passage_id, "start": p.start, "end": p.end}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # twice: still one dismissal
    assert Dismissal.objects.filter(passage_id=p.passage_id, start=p.start, end=p.end).count() == 1
    assert p.quote not in client.get(queue_url(source)).content.decode()
    assert p.key not in {i.proposal.key for i in review(source)}
    cache.clear()  # recomputed from scratch: still dismissed
    assert p.key not in {i.proposal.key for i in review(source)}


def test_htmx_actions_return_the_queue_fragment(actors, analyst, client):
    source = new_source()
    p = proposals_for_source(source)[0]
    client.force_login(analyst)
    response = client.post(
        reverse("source-suggestions-dismiss", args=[source.pk]),
        {"passage": p.passage_id, "start": p.start, "end": p.end},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="queue">')
    assert "<html" not in html
    assert "Dismissed" in html
    fragment = client.get(queue_url(source), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="queue">')


def test_every_action_has_a_real_form_beside_htmx(actors, analyst, client):
    visit_event(actors)
    source = new_source()
    client.force_login(analyst)
    html = client.get(queue_url(source)).content.decode()
    add = reverse("source-suggestions-add", args=[source.pk])
    dismiss = reverse("source-suggestions-dismiss", args=[source.pk])
    assert html.count(f'action="{add}" hx-post="{add}?page=1"') >= 1
    assert html.count(f'action="{dismiss}" hx-post="{dismiss}?page=1"') == len(review(source))


def long_chronology(days: int) -> str:
    return "".join(
        f"October {day}, 2021: Min Aung Hlaing visits Yangon, item {day}.\n"
        for day in range(1, days + 1)
    )


@pytest.mark.parametrize("days", [12, 31])
def test_the_queue_is_paged_and_its_queries_do_not_grow(
    actors, analyst, client, monkeypatch, django_assert_num_queries, days
):
    # A 1.1 MB report proposed 4,561 events on one page of 20.7 MB (5.3 s).
    from suggestions import views

    monkeypatch.setattr(views, "QUEUE_PAGE", 5)
    source = new_source(long_chronology(days), key=f"long-{days}")
    client.force_login(analyst)
    client.get(queue_url(source))  # the extraction, cached
    with django_assert_num_queries(13):
        html = client.get(queue_url(source), {"page": 2}).content.decode()
    assert f"{days} proposals: {days} to review, 0 done. 5 of each a page." in html
    assert html.count('data-status="new"') == 5
    assert "item 6." in html
    assert "item 5." not in html
    assert "item 11." not in html
    assert "Page 2 of" in html
    last = -(-days // 5)
    assert client.get(queue_url(source), {"page": 99}).content.decode().count(
        'data-status="new"'
    ) == days - 5 * (last - 1)


def test_the_api_pages_the_proposals_when_asked_and_lists_all_when_not(actors, analyst, client):
    # A 1.1 MB report's list was 5.7 MB: paging is asked for (the list's shape is kept).
    source = new_source(long_chronology(12), key="long-api")
    client.force_login(analyst)
    url = f"/api/sources/{source.pk}/suggestions/"
    every = client.get(url)
    assert every["X-Total-Count"] == "12"
    assert "Link" not in every
    quotes = [p["quote"] for p in every.json()]
    assert len(quotes) == 12

    second = client.get(url, {"page": 2, "page_size": 5})
    assert [p["quote"] for p in second.json()] == quotes[5:10]
    assert second["X-Total-Count"] == "12"
    assert second["Link"] == (
        f'<http://testserver{url}?page=1&page_size=5>; rel="prev", '
        f'<http://testserver{url}?page=3&page_size=5>; rel="next"'
    )
    assert [p["quote"] for p in client.get(url, {"page": 3, "page_size": 5}).json()] == (
        quotes[10:]
    )
    past = client.get(url, {"page": 4, "page_size": 5})
    assert past.status_code == 404
    assert past.json()["detail"] == (
        "Invalid page: page 4 is past the last page of this list: 12 proposals, 5 a page, "
        "end at page=3."
    )
    # An empty page is the first, as on the events list.
    first = client.get(url, {"page": "", "page_size": 5})
    assert first.status_code == 200
    assert [p["quote"] for p in first.json()] == quotes[:5]
    assert first["Link"] == f'<http://testserver{url}?page=2&page_size=5>; rel="next"'


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "0"},
        {"page": "2", "page_size": "0"},
        {"page_size": ""},
        {"page_size": "x"},
        {"page_size": ["5", "6"]},
    ],
)
def test_the_api_refuses_the_proposals_pages_as_the_events_list_does(
    actors, analyst, client, query
):
    """One reading of page and page_size, one wording (events.api.pagination)."""
    source = new_source(long_chronology(3), key="pages-api")
    client.force_login(analyst)
    proposals = client.get(f"/api/sources/{source.pk}/suggestions/", query)
    events = client.get("/api/events/", query)
    assert proposals.status_code == events.status_code == 400
    assert proposals.json() == events.json()


def test_the_api_proposals_page_size_refusal_names_the_limit(actors, analyst, client):
    source = new_source(long_chronology(3), key="pages-api")
    client.force_login(analyst)
    url = f"/api/sources/{source.pk}/suggestions/"
    assert client.get(url, {"page": "abc"}).json() == {
        "page": [
            "page: “abc” is not a page number; give a whole number from 1 (for example page=2)."
        ]
    }
    assert client.get(url, {"page_size": "0"}).json() == {
        "page_size": [
            "page_size: “0” is not a number of rows; give one whole number from 1 to 500 "
            "(for example page_size=100)."
        ]
    }
    assert client.get(url, {"pag": "2"}).json() == {
        "pag": ["Not a parameter of this list (it would be ignored): did you mean “page”?"]
    }


# --- Denied -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, actors):
    source = new_source()
    response = client.get(queue_url(source))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_readers_who_are_not_analysts_are_refused_and_write_nothing(reader, client, actors):
    event = visit_event(actors)
    source = new_source()
    p = proposals_for_source(source)[0]
    client.force_login(reader)
    assert client.get(queue_url(source)).status_code == 403
    data = {"passage": p.passage_id, "start": p.start, "end": p.end, "event": event.pk}
    assert client.post(reverse("source-suggestions-add", args=[source.pk]), data).status_code == 403
    url = reverse("source-suggestions-dismiss", args=[source.pk])
    assert client.post(url, data).status_code == 403
    assert Citation.objects.count() == 0
    assert Dismissal.objects.count() == 0


def test_actions_need_post(analyst, client, actors):
    source = new_source()
    client.force_login(analyst)
    assert client.get(reverse("source-suggestions-dismiss", args=[source.pk])).status_code == 405


def test_an_unknown_source_is_404(analyst, client):
    client.force_login(analyst)
    assert client.get(reverse("source-suggestions", args=[987654])).status_code == 404


# --- Constant queries ---------------------------------------------------------------------


def many_dated_sentences(n: int) -> str:
    lines = ["A long chronology."]
    lines.extend(
        f"October {i % 28 + 1}: Min Aung Hlaing visits Yangon (visit {i})." for i in range(n)
    )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("n", [1, 5, 25])
def test_the_queue_runs_a_constant_number_of_queries(
    n, actors, analyst, client, django_assert_num_queries
):
    source = new_source(many_dated_sentences(n), key=f"many-{n}")
    for day in (1, 2, 3):
        event = EventFactory(title=f"Visit {day}", date_start=dt.date(2021, 10, day))
        event.participations.create(actor=actors["mah"], role="visitor")
    client.force_login(analyst)
    client.get(queue_url(source))  # warm the cache and the session
    # Session, user, groups, source, passages, actors, aliases, title holders, title aliases,
    # dismissals, citations, the events sharing the proposals' actors and dates, the other
    # events of their dates, those events.
    with django_assert_num_queries(14):
        response = client.get(queue_url(source))
    assert response.content.decode().count('data-status="') == n


@pytest.mark.parametrize("n", [1, 5, 25])
def test_the_api_runs_a_constant_number_of_queries(
    n, actors, analyst, client, django_assert_num_queries
):
    source = new_source(many_dated_sentences(n), key=f"api-{n}")
    client.force_login(analyst)
    url = reverse("api-source-suggestions", args=[source.pk])
    client.get(url)
    with django_assert_num_queries(13):  # the queue's, less the session's
        response = client.get(url)
    assert len(response.json()) == n


# --- The API ------------------------------------------------------------------------------


def test_the_api_returns_the_same_proposals_as_the_queue(actors, analyst, client):
    event = visit_event(actors)
    source = new_source()
    client.force_login(analyst)
    data = client.get(reverse("api-source-suggestions", args=[source.pk])).json()
    assert [d["quote"] for d in data] == [i.proposal.quote for i in review(source)]
    first = data[0]
    assert first["standing"] == "corroboration"
    assert first["corroborates"] == [{"id": event.pk, "title": event.title}]
    assert first["date"] == {
        "text": "October 24",
        "passage": 1,
        "start": 0,
        "end": 10,
        "date_start": "2021-10-24",
        "date_end": None,
        "precision": "day",
        "approximate": False,
        "display": "24 October 2021",
        "inherited": False,
        "source": "sentence",
        "needs_review": False,
        "origin": "",
        "anchor": None,
    }
    assert [a["name"] for a in first["actors"]] == ["Vladimir Kasatonov", "Yangon"]
    assert first["type"] == "visit"
    assert first["accept_url"].startswith("/events/new/?passage=")


def test_the_api_refuses_anonymous_and_non_analysts(client, reader, actors):
    source = new_source()
    url = reverse("api-source-suggestions", args=[source.pk])
    assert client.get(url).status_code == 401
    client.force_login(reader)
    assert client.get(url).status_code == 403


def test_the_api_answers_404_for_an_unknown_source_even_a_huge_id(analyst, client):
    client.force_login(analyst)
    for pk in (987654, 2**70):
        assert client.get(f"/api/sources/{pk}/suggestions/").status_code == 404


def test_the_api_is_in_the_schema_with_every_status(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/sources/{id}/suggestions/"]["get"]
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404"}


# --- The command --------------------------------------------------------------------------


def test_suggest_events_prints_the_proposals_of_a_source_by_key_or_id(actors):
    source = new_source()
    by_key = run("suggest_events", "chronology")
    assert "“October 24: Vice Admiral Vladimir Kasatonov arrives" in by_key
    assert "date: October 24 → 24 October 2021" in by_key
    assert "actors: Vladimir Kasatonov, Yangon" in by_key
    assert "type: visit (arrives" in by_key
    assert "3 proposals from “chronology”: 3 new" in by_key
    assert run("suggest_events", str(source.pk)) == by_key


def test_suggest_events_refuses_an_unknown_source():
    with pytest.raises(CommandError, match="No source “nope”"):
        run("suggest_events", "nope")


def test_the_curated_corpus_proposals_are_mostly_done_once_the_timeline_is_loaded(timeline):
    source = Source.objects.get(key="myanmar-russia-contacts-after-coup")
    items = review(source)
    statuses = {i.status for i in items}
    assert "done" in statuses
    assert Actor.objects.count() == 61  # the curated actors of fixtures/timeline.json


@pytest.mark.parametrize(
    ("sentence", "told"),
    [
        ("Shoigu also congratulated General Min on an honorary doctorate.", True),
        ("He was given the title of Honorary Professor.", True),
        ("The envoy briefed the council.", True),
        ("Russia agreed to supply Myanmar with missiles, the publication added.", True),
        ("Russia abstained, allowing the text to pass; a veto would have blocked it.", True),
        # A state up to now, a present, a forecast, a question, an adjective: not told.
        ("Russia has slowly but surely rebuilt its ties with the generals.", False),
        ("Both Russia and China have blocked sanctions.", False),
        ("Russia is considered a reliable partner.", False),
        ("Russia is a major supplier of weapons to the armed forces.", False),
        ("Russia will send more weapons.", False),
        ("Why has Russia embraced the junta?", False),
        ("Russian-made jets bomb villages.", False),
    ],
)
def test_a_date_from_another_paragraph_is_only_for_a_told_happening(sentence, told):
    assert narrates(sentence) is told


# --- At scale: events per proposal ----------------------------------------------------------


def test_one_actor_in_two_roles_is_not_two_shared_actors(actors):
    """Two actors of any kind corroborate; one place in two roles is one actor, not two."""
    event = EventFactory(title="At the port", date_start=dt.date(2021, 10, 29))
    event.participations.create(actor=actors["port"], role="host")
    event.participations.create(actor=actors["port"], role="venue")
    last = review(new_source())[-1]  # Min Aung Hlaing at Thilawa Jetty, October 29
    assert last.corroborates == []
    assert last.overlapping == [event]
    event.participations.create(actor=actors["yangon"], role="venue")
    assert review(new_source(key="again"))[-1].corroborates == []
    event.participations.create(actor=actors["mah"], role="visitor")
    assert review(new_source(key="third"))[-1].corroborates == [event]


def test_the_events_to_add_to_are_capped_those_sharing_an_actor_first(actors, monkeypatch):
    """A busy day at a million events holds hundreds of events: the choice lists a few,
    those sharing the sentence's actors before the others of its dates."""
    from suggestions import services

    monkeypatch.setattr(services, "EVENTS_PER_PROPOSAL", 3)
    for i in range(6):
        EventFactory(title=f"Other {i}", date_start=dt.date(2021, 10, 29))
    shared = EventFactory(title="At the port", date_start=dt.date(2021, 10, 29))
    shared.participations.create(actor=actors["port"], role="venue")
    last = review(new_source())[-1]
    assert len(last.overlapping) == 3
    assert last.overlapping[0] == shared
    assert all(e.span_start <= dt.date(2021, 10, 29) <= e.span_end for e in last.overlapping)


def test_a_sentence_cited_by_many_events_links_five_and_counts_the_rest(actors, analyst, client):
    from events.services import cite, locate

    source = new_source()
    for i in range(7):
        event = EventFactory(title=f"Arrival {i}", date_start=dt.date(2021, 10, 24))
        cite(event, locate(source, "Kasatonov arrives in Yangon"))
    client.force_login(analyst)
    body = client.get(reverse("source-suggestions", args=[source.pk])).content.decode()
    cited = body[body.index("Already cited by") :]
    cited = cited[: cited.index("</p>")]
    assert cited.count("<a href=") == 5
    assert cited.endswith(" and 2 more events.")
    assert len(review(source)[0].cited_by) == 7  # the API and the command list them all


@pytest.mark.parametrize(
    "dateline",
    [
        "MOSCOW, August 2. /TASS/. ",
        "MOSCOW, August 2 /TASS/ - ",
        "NAYPYITAW, August 2 (Reuters) - ",
        "YANGON, Aug. 2 (Xinhua) -- ",
    ],
)
def test_a_dateline_is_the_report_s_date_whatever_the_agency_s_style(dateline):
    """The date of a dateline says when the report was filed, also in the style that puts
    the agency between slashes after a dot (TASS): it proposed an event of 2 August that was
    the report itself, naming TASS."""
    tass = ActorRef(1, "TASS", "tass", "organization")
    shoigu = ActorRef(2, "Sergei Shoigu", "shoigu", "person")
    lexicon = Lexicon([("TASS", tass), ("Shoigu", shoigu)])
    text = dateline + "Shoigu met the Myanmar delegation on Thursday, TASS reported."
    proposals = extract([PassageData(1, 0, text)], dt.date(2019, 8, 2), lexicon)
    assert [(p.date.text, p.date.parsed.start) for p in proposals] == [
        ("Thursday", dt.date(2019, 8, 1))
    ]


# --- Rules stated over several phrasings (pure: no database) ---------------------------------

_NAMES = ["Russia", "Myanmar", "China", "Sergei Lavrov", "Min Aung Hlaing", "Naypyitaw", "Moscow"]
LEXICON = Lexicon(
    (name, ActorRef(n, name, name.lower(), "person")) for n, name in enumerate(_NAMES)
)


def proposals(text: str, reference: dt.date) -> list[tuple[str, str, str]]:
    """(date text, date, type) of each proposal of a one-paragraph text."""
    found = read_proposals([PassageData(1, 1, text)], reference, LEXICON).proposals
    return [(p.date.text, p.date.parsed.describe(), p.type) for p in found]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Russia has shielded Myanmar at the Security Council since December 2022, when it "
            "adopted Resolution 2669.",
            ("December 2022", "December 2022", "un_action"),
        ),
        (
            "Russia has backed the plan since August 2023, when Sergei Lavrov visited Naypyitaw.",
            ("August 2023", "August 2023", "visit"),
        ),
        (
            "Since February 2021, when the military seized power, Moscow has supplied jets.",
            ("February 2021", "February 2021", "military_action"),
        ),
        (
            "Myanmar has bought Russian fuel since last year, when the two sides signed a "
            "payment agreement.",
            ("last year", "2022", "agreement"),
        ),
    ],
)
def test_a_since_date_with_a_when_clause_proposes_what_the_clause_tells(sentence, expected):
    assert expected in proposals(sentence, dt.date(2023, 12, 14))


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia has shielded Myanmar at the Security Council since December 2022.",
        "Russia has trained Myanmar pilots since 2017.",
        # A when-clause that tells no past happening.
        "Russia has backed Myanmar since 2021, when relations are said to matter most.",
    ],
)
def test_a_since_date_alone_is_a_starting_point_not_an_event(sentence):
    assert proposals(sentence, dt.date(2023, 12, 14)) == []


def read(text: str, reference: dt.date):
    return read_proposals([PassageData(1, 1, text)], reference, LEXICON)


@pytest.mark.parametrize(
    ("sentence", "not_read", "proposed"),
    [
        (
            "Last week Myanmar took delivery of two Su-30 fighters it ordered in 2018.",
            "Last week",
            "2018",
        ),
        (
            "Russia delivered the jets this week, Myanmar said on Monday.",
            "this week",
            "Monday",
        ),
        (
            "Myanmar will receive two Mi-35 helicopters next week under a deal signed in March.",
            "next week",
            "March",
        ),
    ],
)
def test_a_date_not_read_is_listed_even_beside_one_that_is_and_the_other_is_flagged(
    sentence, not_read, proposed
):
    extraction = read(sentence, dt.date(2024, 3, 27))
    assert [[r.text for r in u.refusals] for u in extraction.unread] == [[not_read]]
    (proposal,) = extraction.proposals
    assert proposal.date.text == proposed
    assert proposal.needs_review
    assert f"“{not_read}”, which is not read" in proposal.caution


@pytest.mark.parametrize(
    "relative",
    [
        "just two weeks before the coup",
        "just days after the coup",
        "shortly after the coup",
        "soon after the coup",
        "weeks before the coup",
        "within days of the coup",
    ],
)
def test_a_sentence_dated_relative_to_another_happening_borrows_no_date(relative):
    """ "Russian Defense Minister Shoigu visited Myanmar just two weeks before the coup" was
    proposed in June 2021, an earlier paragraph's date: its own time is not read, so it takes
    none, and nor does the sentence after it in its paragraph ("the Tatmado had informed
    Moscow of the impending coup" was June 2021 too)."""
    text = [
        "In June 2021, Min Aung Hlaing visited Moscow.",
        f"Sergei Lavrov visited Naypyitaw {relative}. Myanmar had informed Moscow of the plan.",
    ]
    extraction = read_proposals(
        [PassageData(i, i, t) for i, t in enumerate(text)], dt.date(2021, 6, 24), LEXICON
    )
    assert [p.quote for p in extraction.proposals] == [text[0]]
    if "two weeks" in relative:  # a count: listed, with why it is not read
        (unread,) = extraction.unread
        assert unread.quote.startswith("Sergei Lavrov visited Naypyitaw")
        assert "whose date this sentence does not write" in unread.refusals[0].message


@pytest.mark.parametrize(
    "later",
    [
        "He then made his second foreign trip to Russia.",
        "Then he made his second foreign trip to Russia.",
        "He subsequently made his second foreign trip to Russia.",
        "Afterwards, he made his second foreign trip to Russia.",
        "He next travelled to Russia.",
        "Later he made his second foreign trip to Russia.",
    ],
)
def test_a_sentence_told_as_later_borrows_no_date(later):
    """ "He then made his second foreign trip to Russia" was proposed in April 2021, the date
    of the trip before it: "then" says after it, not when."""
    text = f"In April 2021, Min Aung Hlaing attended a summit in Jakarta. {later}"
    assert [p[0] for p in proposals(text, dt.date(2021, 6, 24))] == ["April 2021"]


@pytest.mark.parametrize(
    "same_time",
    [
        "There he met the then president of Russia.",
        "He met the then-president of Russia.",
        "What was then called a summit saw him meet Russia's envoy.",
    ],
)
def test_then_meaning_at_that_time_still_borrows_the_date(same_time):
    text = f"In April 2021, Min Aung Hlaing attended a summit in Jakarta. {same_time}"
    assert [p[0] for p in proposals(text, dt.date(2021, 6, 24))] == ["April 2021"] * 2


COUP = "The Tatmadaw seized power in a coup on February 1, 2021, and Russia did not condemn it."
PARADE = "Min Aung Hlaing reviewed troops on March 26."


@pytest.mark.parametrize(
    "after",
    [
        "At least 70 protesters have been killed by Myanmar's army since the coup.",
        "After the coup, Russian media portrayed Myanmar's army as the only guarantor of unity.",
        "Following the coup, Russian media portrayed Myanmar's army as a guarantor.",
    ],
)
def test_a_time_after_a_happening_is_not_its_day_but_the_months_to_the_source(after):
    """ "At least 70 protesters have been killed ... since the coup" and "After the coup, the
    Russian media ..." were proposed on 1 February 2021, the coup's day: they tell a time
    after it, from its month to the source's date, marked for review."""
    # Its paragraph's date, or (a told happening) an earlier paragraph's.
    forms = [[f"{COUP} {after}"]] + ([[COUP, after]] if "have been" not in after else [])
    for text in forms:
        passages = [PassageData(i, i, t) for i, t in enumerate(text)]
        proposal = read_proposals(passages, dt.date(2021, 6, 24), LEXICON).proposals[-1]
        assert proposal.quote == after
        assert proposal.date.parsed.describe() == "February–June 2021"
        assert proposal.needs_review
        assert "a time after “February 1, 2021”" in proposal.caution
        # The form opened from it reads the same months.
        chosen = date_for_selection(
            passages,
            dt.date(2021, 6, 24),
            proposal.passage_index,
            proposal.start,
            proposal.end,
            (proposal.date_passage_index, proposal.date.start, proposal.date.end),
        )
        assert chosen.date.parsed == proposal.date.parsed
        assert "a time after" in chosen.origin


@pytest.mark.parametrize(
    "other",
    [
        # A happening the borrowed day's sentence does not tell, or before it: no date.
        "Myanmar's army met Russia's envoy after the parade.",
        "Myanmar's army met Russia's envoy after the march.",  # not "March"
        "Before the coup, Myanmar's army met Russia's envoy.",
    ],
)
def test_a_time_against_a_happening_not_told_at_the_day_borrows_no_date(other):
    assert [p[0] for p in proposals(f"{COUP} {other}", dt.date(2021, 6, 24))] == [
        "February 1, 2021"
    ]
    assert [p[0] for p in proposals(f"{PARADE} {other}", dt.date(2021, 6, 24))] == ["March 26"]


@pytest.mark.parametrize(
    "state",
    [
        "Min Aung Hlaing has visited Russia numerous times.",
        "Min Aung Hlaing often visits Moscow.",
        "Russia's President has never received Min Aung Hlaing.",
        "But Russia's regime has slowly but surely rebuilt many of those frayed ties with Myanmar.",
        "China is a major investor and trade partner of Myanmar, unlike Russia.",
    ],
)
def test_a_state_or_a_habit_borrows_no_date(state):
    """ "Snr. Gen. Min Aung Hlaing has visited Russia numerous times" was proposed as a visit
    on 20 June 2021 (a chronology entry's day), "China is a major investor ..." as economic
    ties in March 2021, "… has slowly but surely rebuilt … frayed ties, mainly through arms
    deals" as an arms deal of 1991: none tells a happening at the date before it."""
    told = "Min Aung Hlaing visited Moscow in March 2021."
    assert [p[0] for p in proposals(f"{told} {state}", dt.date(2021, 6, 24))] == ["March 2021"]
    passages = [PassageData(0, 0, told), PassageData(1, 1, state)]
    assert len(read_proposals(passages, dt.date(2021, 6, 24), LEXICON).proposals) == 1
    if " is " in state:
        return  # a chronology tells the past in the present (below)
    first, last = "June 20: Min Aung Hlaing visited Moscow.", "June 22: Russia met."
    lines = ["Chronology", first, state, last]
    passages = [PassageData(i, i, t) for i, t in enumerate(lines)]
    found = read_proposals(passages, dt.date(2021, 6, 24), LEXICON).proposals
    assert [p.passage_index for p in found] == [1, 3]


def test_a_chronology_line_in_the_present_still_takes_its_entry_s_date():
    lines = [
        "Chronology",
        "June 20: Min Aung Hlaing visits Moscow.",
        "He also travels to Russia's Kazan.",
        "June 22: Russia met Myanmar.",
    ]
    passages = [PassageData(i, i, t) for i, t in enumerate(lines)]
    found = read_proposals(passages, dt.date(2021, 6, 24), LEXICON).proposals
    assert [(p.passage_index, p.date.text) for p in found] == [
        (1, "June 20"),
        (2, "June 20"),
        (3, "June 22"),
    ]


@pytest.mark.parametrize(
    "caption",
    [
        "Min Aung Hlaing (L) showed Sergei Lavrov (C) weapons in Naypyitaw. Photo: MRTV / AFP",
        "Min Aung Hlaing (left) met Sergei Lavrov in Naypyitaw.",
        "Sergei Lavrov met Min Aung Hlaing in Moscow for talks on trade. Photo: Reuters",
    ],
)
def test_a_photo_caption_takes_no_date_from_the_running_text_and_lends_none(caption):
    """ "Senior General Min Aung Hlaing (L) shows … Fomin (C) various items …" was proposed on
    31 January 2021, the day the paragraph before it told of."""
    text = [
        "On January 31, 2021, Russia and Myanmar held a party in Naypyitaw.",
        caption,
        "Sergei Lavrov met Min Aung Hlaing in Moscow in 2019.",
        "Sergei Lavrov then met Myanmar's envoy.",
    ]
    passages = [PassageData(i, i, t) for i, t in enumerate(text)]
    found = read_proposals(passages, dt.date(2021, 6, 24), LEXICON).proposals
    assert [p.passage_index for p in found] == [0, 2]
    # Its own date is its own, and the text after it is not at it.
    dated = caption.replace(" in Naypyitaw", " on 27 March").replace(" in Moscow", " on 2 May")
    text[1:] = [dated, "Sergei Lavrov met Min Aung Hlaing."]
    passages = [PassageData(i, i, t) for i, t in enumerate(text)]
    found = read_proposals(passages, dt.date(2021, 6, 24), LEXICON).proposals
    assert [(p.passage_index, p.date_passage_index) for p in found] == [(0, 0), (1, 1), (2, 0)]


@pytest.mark.parametrize(
    ("sentence", "kind", "who"),
    [
        (
            "Lavrov received a medal from Min Aung Hlaing during his visit which he stressed was "
            "to reciprocate the Myanmar general's visit to Moscow in May 2020.",
            "visit",
            ["Myanmar", "Moscow"],
        ),
        (
            "Lavrov received a medal in Naypyitaw to reciprocate Min Aung Hlaing's visit to "
            "Moscow in May 2020.",
            "visit",
            ["Min Aung Hlaing", "Moscow"],
        ),
        (
            "Lavrov praised the agreement that was signed by Myanmar and China in 2016.",
            "agreement",
            ["Myanmar", "China"],
        ),
        (
            "Lavrov thanked Min Aung Hlaing, who visited Moscow in May 2020.",
            "visit",
            ["Min Aung Hlaing", "Moscow"],
        ),
    ],
)
def test_a_date_in_a_clause_describing_a_noun_dates_that_noun_with_its_actors(sentence, kind, who):
    """ "Fomin received a medal from General Min during his visit which he stressed was to
    reciprocate the Myanmar general's visit to Moscow in May 2020" was an award to Fomin in
    May 2020: the date is the other visit's, its actors those of the clause."""
    (proposal,) = read(sentence, dt.date(2021, 6, 24)).proposals
    assert (proposal.date.text, proposal.type) == (
        "May 2020" if "May" in sentence else "2016",
        kind,
    )
    assert [m.actor.name for m in proposal.actors] == who


def test_that_after_a_verb_of_saying_is_no_relative_clause():
    (proposal,) = read(
        "Sergei Lavrov said that Myanmar visited Moscow in May 2020.", dt.date(2021, 6, 24)
    ).proposals
    assert [m.actor.name for m in proposal.actors] == ["Sergei Lavrov", "Myanmar", "Moscow"]


@pytest.mark.parametrize(
    ("lines", "proposed"),
    [
        # The entry's day is the day the trip began: its lines are on days of it.
        (
            [
                "June 20: Min Aung Hlaing embarks on a week-long visit to Russia.",
                "During his trip, he meets Sergei Lavrov.",
                "He also travels to Russia's Kazan.",
            ],
            ["20 June 2021", "c. June 2021", "c. June 2021"],
        ),
        # A line that says "during his trip" after an entry's day.
        (
            [
                "August 24: Min Aung Hlaing attends a forum in Moscow.",
                "Russia sells more weapons to Myanmar during his trip.",
            ],
            ["24 August 2021", "c. August 2021"],
        ),
        # The trip's days written: they are its date.
        (
            [
                "September 1-7: Min Aung Hlaing visits Moscow.",
                "He meets Sergei Lavrov during his week-long visit.",
            ],
            ["1–7 September 2021", "1–7 September 2021"],
        ),
    ],
)
def test_what_happened_during_a_trip_is_not_on_the_day_it_began(lines, proposed):
    """ "During his trip, the coup leader grants interviews ..." under "June 20: ... embarks on
    a week-long visit to Russia" was proposed on 20 June: the trip's first day, not the day of
    the interviews. Its month is proposed, approximately, and the form reads the same."""
    text = ["Chronology", *lines, "October 1: Russia met Myanmar."]
    passages = [PassageData(i, i, t) for i, t in enumerate(text)]
    found = read_proposals(passages, dt.date(2021, 10, 30), LEXICON).proposals[:-1]
    assert [p.date.parsed.describe() for p in found] == proposed
    for proposal in found[1:]:
        chosen = date_for_selection(
            passages,
            dt.date(2021, 10, 30),
            proposal.passage_index,
            proposal.start,
            proposal.end,
            (proposal.date_passage_index, proposal.date.start, proposal.date.end),
        )
        assert chosen.date.parsed == proposal.date.parsed
        if proposal.date.parsed.approximate:
            assert "during a trip" in proposal.caution
            assert "during a trip" in chosen.origin


def test_what_a_visit_comes_days_after_is_not_dated_by_the_visit_s_day():
    """ "The visit comes just days after the United Nations General Assembly adopted a
    resolution" was a UN action on 20 June 2021, its chronology entry's day: the resolution
    is only some days before it."""
    lines = [
        "Chronology",
        "June 20: Min Aung Hlaing visits Moscow.",
        "The visit comes just days after Russia and China abstained on a resolution.",
        "June 22: Russia met Myanmar.",
    ]
    passages = [PassageData(i, i, t) for i, t in enumerate(lines)]
    found = read_proposals(passages, dt.date(2021, 6, 24), LEXICON).proposals
    assert [p.passage_index for p in found] == [1, 3]


def test_a_sentence_whose_dates_all_read_is_not_listed_as_not_read():
    extraction = read(
        "Myanmar took delivery of two jets on Monday, ordered in 2018.", dt.date(2024, 3, 27)
    )
    assert extraction.unread == []
    assert all("not read" not in p.caution for p in extraction.proposals)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Last week Myanmar took delivery of the first two of six Su-30SME fighters.", "arms_deal"),
        ("The air force has taken delivery of two more aircraft.", "arms_deal"),
        ("Myanmar received two Mi-35P helicopters last year.", "arms_deal"),
        ("Russia delivered six Yak-130 jets to Myanmar in 2021.", "arms_deal"),
        ("The first two jets were delivered in December 2022.", "arms_deal"),
        ("In 2023 it agreed to buy Orlan-10 drones.", "arms_deal"),
        ("Myanmar plans to purchase more air defense systems.", "arms_deal"),
        ("Min Aung Hlaing left for Moscow on Monday.", "visit"),
        ("The envoy departed for Kazan on Saturday.", "visit"),
        ("He flew to Moscow on the 4th.", "visit"),
    ],
)
def test_arms_transfers_and_departures_are_typed(sentence, kind):
    assert guess_type(sentence)[0] == kind


@pytest.mark.parametrize(
    "sentence",
    [
        "Last week a Russian ship delivered 30,000 tonnes of fuel to Thilawa.",
        "Myanmar agreed to buy Russian wheat in 2023.",
        "A junta spokesman said Myanmar would receive a shipment of fertiliser.",
        "He left for good in 2019.",
    ],
)
def test_a_delivery_of_no_arms_or_a_leaving_for_no_place_is_not_so_typed(sentence):
    assert guess_type(sentence)[0] not in {"arms_deal", "visit"}


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        (
            "The junta seized power in February 2021, and has since relied on Russia for weapons.",
            "military_action",
        ),
        (
            "Myanmar bought Su-30 jets in 2018, and Russia has since hosted its pilots for visits.",
            "arms_deal",
        ),
    ],
)
def test_when_two_types_tie_the_date_s_own_clause_decides(sentence, kind):
    assert proposals(sentence, dt.date(2024, 3, 27))[0][2] == kind


@pytest.mark.parametrize(
    "sentence",
    [
        "In the 2023-24 fiscal year, Myanmar bought Russian jets worth $600 million.",
        "Myanmar plans to purchase Russian air defense systems in the fiscal year 2025-26.",
        "Russia sold Myanmar arms worth $400 million in fiscal 2022-23, Myanmar said.",
        "The financial year 2019-20 budget funded Russian jets for Myanmar, officials said.",
    ],
)
def test_a_fiscal_year_proposal_says_its_months_are_not_stated(sentence):
    (proposal,) = read(sentence, dt.date(2026, 2, 19)).proposals
    assert "is a fiscal year" in proposal.caution
    assert proposal.needs_review


def test_calendar_years_carry_no_fiscal_caution():
    (proposal,) = read(
        "Russia sold Myanmar jets between 2016 and 2019.", dt.date(2026, 2, 19)
    ).proposals
    assert "fiscal" not in proposal.caution


def test_a_sentence_does_not_end_at_circa_before_a_year():
    text = "Helicopters: ordered c. 2016, delivered 2017. Then more came."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Helicopters: ordered c. 2016, delivered 2017.",
        "Then more came.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # What an earlier version said, and the date a text was corrected.
        (
            "This article was corrected on 12 March 2025. An earlier version said Russian ships "
            "arrived in Myanmar on Monday. They arrived on Sunday.",
            [("Sunday", "9 March 2025", "visit")],
        ),
        (
            "Correction, 12 March 2025: An earlier version of this article said the visit to "
            "Myanmar would last until 14 March.",
            [],
        ),
        (
            "Russia and Myanmar held their first joint exercise in November 2023. An earlier "
            "version of this article gave the year of that exercise as 2022.",
            [("November 2023", "November 2023", "exercise")],
        ),
        # A date the text denies, and a bound.
        (
            "The joint drills of Russia and Myanmar began on Wednesday, not on Tuesday as first "
            "announced.",
            [("Wednesday", "12 March 2025", "exercise")],
        ),
        (
            "Myanmar's envoy, whose credentials were issued before 1 February 2021, welcomed "
            "the text.",
            [],
        ),
    ],
)
def test_a_date_the_text_sets_aside_is_no_date_of_what_it_reports(text, expected):
    """A corrected article proposed a visit on the Monday an earlier version had wrongly
    given, an exercise in 2022, and the credentials of an envoy "issued before 1 February
    2021" on that day."""
    assert proposals(text, dt.date(2025, 3, 12)) == expected


def test_a_text_s_notes_propose_nothing():
    """A think tank's footnotes ("⁴ Interview with a Yangon-based trader, 15 January 2025.",
    "³ Global New Light of Myanmar, 13 January 2022.") were proposed as statements."""
    passages = [
        PassageData(1, 0, "Myanmar's trade with Russia grew in 2023.¹"),
        PassageData(2, 1, "Notes"),
        PassageData(3, 2, "¹ Ministry of Commerce of Myanmar, trade statistics, accessed 3 "
                          "February 2025."),
        PassageData(4, 3, "² Interview with a Myanmar official in Moscow, 15 January 2025."),
        PassageData(5, 4, "Russia signed a trade deal with Myanmar on 3 June 2024."),
    ]  # fmt: skip
    extraction = read_proposals(passages[:1] + passages[2:4], dt.date(2025, 2, 10), LEXICON)
    assert [p.passage_index for p in extraction.proposals] == [0]
    extraction = read_proposals(passages, dt.date(2025, 2, 10), LEXICON)
    assert [p.passage_index for p in extraction.proposals] == [0]
    # A heading that opens another section ends the notes.
    later = [*passages[:4], PassageData(6, 5, "Annex"), passages[4]]
    extraction = read_proposals(later, dt.date(2025, 2, 10), LEXICON)
    assert [p.passage_index for p in extraction.proposals] == [0, 4]


def test_a_bulleted_list_of_dated_lines_is_a_chronology():
    """ "• 2019-21: ..." and "– July: ..." lines were not entries: the lines after them took
    no entry's date."""
    passages = [
        PassageData(n, n, text)
        for n, text in enumerate(
            [
                "• 2019-21: Russia and Myanmar hold talks on a nuclear centre.",
                "• 2022",
                "– July: Min Aung Hlaing visits Moscow.",
                "Russia signs a memorandum with him.",
                "– September: Min Aung Hlaing meets Sergei Lavrov.",
            ]
        )
    ]
    found = read_proposals(passages, dt.date(2025, 4, 20), LEXICON).proposals
    assert [(p.passage_index, p.date.parsed.describe(), p.date_source) for p in found] == [
        (0, "2019–2021", "sentence"),
        (2, "July 2022", "sentence"),
        (3, "July 2022", "chronology"),
        (4, "September 2022", "sentence"),
    ]


def test_a_release_s_time_stamp_is_the_report_s_date():
    passages = [
        PassageData(1, 0, "14 August 2025, 13:40 (Moscow time, UTC+3)"),
        PassageData(2, 1, "Russian ships arrived in Myanmar on Thursday."),
    ]
    found = read_proposals(passages, dt.date(2025, 8, 14), LEXICON).proposals
    assert [p.date.text for p in found] == ["Thursday"]


def test_a_restrictive_which_clause_dates_its_noun_not_the_sentence():
    """ "the centre which opened in Yangon in February 2023" (no comma) was a meeting in
    February 2023: the date is the centre's opening, whose actors the clause does not name
    (so nothing is proposed), never Min Aung Hlaing's discussion."""
    found = proposals(
        "Min Aung Hlaing discussed the nuclear information centre which opened in Yangon "
        "in February 2023.",
        dt.date(2023, 10, 1),
    )
    assert not [p for p in found if p[2] == "meeting"]


def test_a_departure_is_typed_by_its_words():
    """ "will depart for Moscow on 3 October" was a meeting."""
    assert ("3 October", "3 October 2023", "visit") in proposals(
        "It will depart for Moscow on 3 October (Tuesday) after talks with Myanmar.",
        dt.date(2023, 10, 1),
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The cues of a later date's clause are not an earlier date's.
        (
            "In FY2023/24 Myanmar's trade reached a record, and Russia's share of Myanmar's "
            "arms imports rose in 2021–2023.",
            [("FY2023/24", "2023–2024", "economic"), ("2021–2023", "2021–2023", "arms_deal")],
        ),
        (
            "In January, a Russian corvette called at Thilawa, and in November 2023 Russia and "
            "Myanmar held their first joint exercise.",
            [("January", "January 2024", "other"), ("November 2023", "November 2023",
                                                     "exercise")],
        ),
        # A clause after a colon tells more of the same happening.
        (
            "Earlier this year Myanmar began enforcing a conscription law: in February it "
            "announced that young men would be called up.",
            [("Earlier this year", "2024", "policy"), ("February", "February 2024", "policy")],
        ),
        # A verb of saying before the date, not at it, does not type it.
        (
            "The minister said that 18 Myanmar students had been sent to Moscow in the "
            "2022-2023 academic year.",
            [("2022-2023", "2022–2023", "other")],
        ),
        # A sentence's first word is a cue too.
        ("Talks between Russia and Myanmar will resume on Tuesday in Moscow.",
         [("Tuesday", "2 April 2024", "meeting")]),
        ("Trade between Russia and Myanmar rose by a third in 2023.",
         [("2023", "2023", "economic")]),
        # Of two types tied, the word the date hangs on decides.
        ("A Russian delegation led by an economic minister arrived in Myanmar on Monday.",
         [("Monday", "25 March 2024", "visit")]),
        # Not a visit: "returned to an April–March fiscal year", the "financial year" a plan is for.
        ("Myanmar returned to an April–March fiscal year in 2022.", [("2022", "2022", "other")]),
    ],
)  # fmt: skip
def test_a_date_is_typed_by_the_words_of_its_own_happening(sentence, expected):
    """A think tank's "In FY2023/24 it reached a record, and Russia's share of arms imports
    rose in 2021–2023" proposed an arms deal in FY2023/24; a press release's "In January, the
    corvette called at Thilawa, and in November 2023 ... held their first joint exercise" an
    exercise in January; "The Union Minister said that students had been sent ... in the
    2022-2023 academic year" a statement then."""
    assert proposals(sentence, dt.date(2024, 3, 27)) == expected
