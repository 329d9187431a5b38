"""The interchange format: load is idempotent and all-or-nothing; dump round-trips."""

import copy
import datetime as dt
import json

import pytest
from django.core.management.base import CommandError

from events.interchange import LoadError, dump, load
from events.models import Actor, Alias, Citation, Event, Participation, Status
from events.services import cite, locate
from lib.dates import Precision
from sources.models import Passage, Source
from tests.conftest import corpus_files, run
from tests.factories import ActorFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

D = dt.date
ARTICLE = corpus_files()[0]
KEY = "asia-times-moscow-visit"


def small_data() -> dict:
    """Three events cited from the first corpus article, as an analyst would write them."""
    return {
        "sources": [
            {
                "key": KEY,
                "title": "Russia’s arms and strategic ties with Myanmar",
                "publisher": "Asia Times",
                "author": None,
                "url": None,
                "published": {"date": "2021-06-24", "precision": "day", "on_or_after": True},
                "reference_date": "2021-06-24",
                "text": ARTICLE.read_text(encoding="utf-8"),
            }
        ],
        "actors": [
            {
                "name": "Min Aung Hlaing",
                "kind": "person",
                "description": "Commander-in-chief of the Tatmadaw",
                "aliases": ["Senior General Min Aung Hlaing"],
            },
            {"name": "Russia", "kind": "country", "description": "", "aliases": []},
            {"name": "Sergei Shoigu", "kind": "person", "description": "", "aliases": ["Shoigu"]},
        ],
        "events": [
            {
                "title": "Min Aung Hlaing visits Moscow",
                "summary": "He was made an honorary professor.",
                "type": "visit",
                "status": "published",
                "location": "Moscow",
                "date": {
                    "start": "2021-06-22",
                    "end": "2021-06-24",
                    "precision": "day",
                    "text": "June 22-24",
                    "approximate": False,
                },
                "actors": [
                    {"name": "Senior General Min Aung Hlaing", "role": "visitor"},
                    {"name": "Russia", "role": "host"},
                ],
                "citations": [
                    {
                        "source": KEY,
                        "quote": "June 22-24 visit to Moscow",
                        "date_text": "June 22-24",
                    }
                ],
            },
            {
                "title": "Shoigu meets Min Aung Hlaing",
                "type": "meeting",
                "date": {"start": "2021-06-22", "precision": "day", "text": "June 22"},
                "actors": [
                    {"name": "shoigu", "role": "host"},
                    {"name": "Min Aung Hlaing", "role": "participant"},
                ],
                "citations": [
                    {
                        "source": KEY,
                        "quote": "Russian Defense Minister Sergei Shoigu said on meeting the "
                        "Myanmar general on June 22",
                    }
                ],
            },
            {
                "title": "Russia supplies a large share of Myanmar’s arms imports",
                "type": "aggregate",
                "date": {
                    "start": "1999-01-01",
                    "end": "2018-01-01",
                    "precision": "year",
                    "text": "between 1999 and 2018",
                },
                "actors": [{"name": "Russia", "role": "supplier"}],
                "citations": [
                    {
                        "source": KEY,
                        "quote": "Myanmar procured US$1.5 billion worth of military hardware "
                        "from Russia between 1999 and 2018",
                        "note": "SIPRI figures",
                    }
                ],
            },
        ],
    }


def counts() -> dict[str, int]:
    models = [Source, Passage, Actor, Alias, Event, Participation, Citation]
    return {model.__name__: model._default_manager.count() for model in models}


def empty_the_database() -> None:
    """Delete everything the format holds, in the order protection allows."""
    Citation.objects.all().delete()
    Event.objects.all().delete()
    Actor.objects.all().delete()
    Source.objects.all().delete()
    assert set(counts().values()) == {0}


# Loading -------------------------------------------------------------------------


def test_load_creates_sources_actors_and_events_with_verbatim_citations():
    stats = load(small_data())

    assert stats == {"created": 3, "updated": 0, "unchanged": 0}
    assert counts() == {
        "Source": 1,
        "Passage": 42,
        "Actor": 3,
        "Alias": 2,
        "Event": 3,
        "Participation": 5,
        "Citation": 3,
    }
    source = Source.objects.get()
    assert (source.key, source.publisher, source.published_on_or_after) == (KEY, "Asia Times", True)
    assert source.published_date == source.reference_date == D(2021, 6, 24)
    for citation in Citation.objects.select_related("passage__source"):
        passage = citation.passage
        assert passage.text[citation.start : citation.end] == citation.quote
        assert source.text[passage.start + citation.start : passage.start + citation.end] == (
            citation.quote
        )
        assert citation.prefix == passage.text[max(0, citation.start - 32) : citation.start]


def test_load_resolves_actors_by_alias_and_case_to_their_canonical_name():
    load(small_data())
    visit = Event.objects.get(title="Min Aung Hlaing visits Moscow")
    assert {(p.actor.name, p.role) for p in visit.participations.all()} == {
        ("Min Aung Hlaing", "visitor"),
        ("Russia", "host"),
    }
    meeting = Event.objects.get(type="meeting")
    assert meeting.participations.first().actor.name == "Sergei Shoigu"


def test_load_stores_dates_with_their_interval():
    load(small_data())
    visit = Event.objects.get(type="visit")
    assert (visit.date_start, visit.date_end, visit.date_precision) == (
        D(2021, 6, 22),
        D(2021, 6, 24),
        "day",
    )
    assert visit.date_display() == "22–24 June 2021"
    total = Event.objects.get(type="aggregate")
    assert (total.span_start, total.span_end) == (D(1999, 1, 1), D(2018, 12, 31))
    assert total.date_display() == "1999–2018"


def test_loading_twice_reports_unchanged_and_changes_nothing():
    load(small_data())
    before = dump()
    stamps = dict(Event.objects.values_list("pk", "updated"))
    citation_ids = set(Citation.objects.values_list("pk", flat=True))

    stats = load(small_data())

    assert stats == {"created": 0, "updated": 0, "unchanged": 3}
    assert dump() == before
    assert dict(Event.objects.values_list("pk", "updated")) == stamps
    assert set(Citation.objects.values_list("pk", flat=True)) == citation_ids
    assert set(Event.objects.values_list("version", flat=True)) == {1}


def test_a_changed_event_is_updated_in_place_and_its_version_counts_up():
    load(small_data())
    data = small_data()
    data["events"][1]["summary"] = "Shoigu called Myanmar a reliable ally."
    pk = Event.objects.get(type="meeting").pk

    assert load(data) == {"created": 0, "updated": 1, "unchanged": 2}
    meeting = Event.objects.get(type="meeting")
    assert (meeting.pk, meeting.version) == (pk, 2)
    assert meeting.summary == "Shoigu called Myanmar a reliable ally."
    assert meeting.citations.count() == 1
    assert meeting.participations.count() == 2


def test_dump_loaded_into_an_empty_database_dumps_identically():
    load(small_data())
    first = json.loads(json.dumps(dump()))

    empty_the_database()
    assert load(first) == {"created": 3, "updated": 0, "unchanged": 0}

    assert dump() == first
    assert load(first) == {"created": 0, "updated": 0, "unchanged": 3}


def test_export_timeline_prints_the_dump_as_json():
    load(small_data())
    assert json.loads(run("export_timeline")) == json.loads(json.dumps(dump()))


def test_export_timeline_streams_the_bytes_json_dumps_writes():
    assert run("export_timeline") == json.dumps(dump(), ensure_ascii=False, indent=2) + "\n"
    load(small_data())
    assert run("export_timeline") == json.dumps(dump(), ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("rows", [1, 7])
def test_export_timeline_reads_a_chunk_of_events_at_a_time(
    django_assert_num_queries, monkeypatch, rows
):
    """Sources, actors with aliases, then per chunk of events their participants and
    citations: the queries grow with the chunks, not with the events."""
    from events import interchange

    monkeypatch.setattr(interchange, "DUMP_CHUNK", 1000)
    source = SourceFactory()
    for _ in range(rows):
        event = EventFactory(status=Status.PUBLISHED)
        cite(event, locate(source, "He met"))
        Participation.objects.create(event=event, actor=ActorFactory(), role="host")
    # sources; actors and their aliases; events, their participants, their citations
    with django_assert_num_queries(6):
        run("export_timeline")


def test_dump_lists_events_in_chronological_order():
    load(small_data())
    assert [e["date"]["start"] for e in dump()["events"]] == [
        "1999-01-01",
        "2021-06-22",
        "2021-06-22",
    ]


# All or nothing, with the place of the problem named -----------------------------


def test_a_bad_citation_in_the_third_event_fails_the_whole_load():
    data = small_data()
    data["events"][2]["citations"][0]["quote"] = "between 1999 and 2019"

    with pytest.raises(LoadError, match=r"^events\[2\]\.citations\[0\]: Quote not found"):
        load(data)

    assert set(counts().values()) == {0}


def test_a_bad_citation_leaves_an_earlier_load_untouched():
    load(small_data())
    before = dump()
    data = small_data()
    data["events"][0]["summary"] = "Changed"
    data["events"][2]["citations"][0]["start"] = 3
    data["events"][2]["citations"][0]["passage"] = 4

    with pytest.raises(LoadError, match=r"events\[2\]\.citations\[0\]: .*the passage says"):
        load(data)
    assert dump() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["events"][1]["actors"].append({"name": "Vladimir Putin"}),
            r"events\[1\]\.actors\[2\]: no actor is named or aliased “Vladimir Putin”",
        ),
        (
            lambda d: d["events"][0].update(type="coup"),
            r"events\[0\]\.type: 'coup' is not one of visit, meeting",
        ),
        (
            lambda d: d["events"][0].update(status="secret"),
            r"events\[0\]\.status: 'secret' is not one of draft, published",
        ),
        (
            lambda d: d["events"][0]["date"].update(start="June 22, 2021"),
            r"events\[0\]\.date\.start: 'June 22, 2021' is not a date written YYYY-MM-DD",
        ),
        (
            lambda d: d["events"][0]["date"].update(end="2021-02-30"),
            r"events\[0\]\.date\.end: '2021-02-30' is not a date written YYYY-MM-DD",
        ),
        (
            lambda d: d["events"][0]["date"].update(end="2021-06-21"),
            r"events\[0\]\.date: the end is before the start",
        ),
        (
            lambda d: d["events"][0]["date"].update(precision="week"),
            r"events\[0\]\.date\.precision: 'week' is not one of day, month, year",
        ),
        (
            lambda d: d["events"][0]["actors"][0].update(role="guest"),
            r"events\[0\]\.actors\[0\]\.role: 'guest' is not one of",
        ),
        (
            lambda d: d["events"][0].update(title=""),
            r"events\[0\]: an event needs a title",
        ),
        (
            lambda d: d["events"][1]["citations"][0].update(source="nowhere"),
            r"events\[1\]\.citations\[0\]: no source has the key “nowhere”",
        ),
        (
            lambda d: d["events"][1]["citations"][0].update(quote="Moscow"),
            r"events\[1\]\.citations\[0\]: Quote occurs \d+ times",
        ),
        (
            lambda d: d["actors"][1].update(kind="nation"),
            r"actors\[1\]\.kind: 'nation' is not one of person, organization, country, place",
        ),
        (
            lambda d: d["actors"][2]["aliases"].append("Min Aung Hlaing"),
            r"actors\[2\]: alias “Min Aung Hlaing” already names Min Aung Hlaing",
        ),
        (
            lambda d: d["sources"][0].update(published={"date": "24/06/2021"}),
            r"sources\[0\]\.published: '24/06/2021' is not a date written YYYY-MM-DD",
        ),
        (
            lambda d: d["sources"][0].pop("text"),
            r"sources\[0\]: a source needs its text",
        ),
        (
            lambda d: d["sources"][0].update(text="   "),
            r"sources\[0\]: The text is empty",
        ),
    ],
    ids=[
        "unknown-actor",
        "bad-type",
        "bad-status",
        "date-as-prose",
        "impossible-date",
        "end-before-start",
        "bad-precision",
        "bad-role",
        "no-title",
        "unknown-source",
        "ambiguous-quote",
        "bad-actor-kind",
        "alias-of-another-actor",
        "bad-published-date",
        "no-text",
        "empty-text",
    ],
)
def test_bad_data_is_refused_naming_the_field_and_nothing_is_written(change, message):
    data = small_data()
    change(data)
    with pytest.raises(LoadError, match=message):
        load(data)
    assert set(counts().values()) == {0}


def test_a_source_key_cannot_be_reused_for_another_text():
    load(small_data())
    data = small_data()
    data["sources"][0]["text"] = corpus_files()[1].read_text(encoding="utf-8")
    with pytest.raises(LoadError, match=rf"sources\[0\]: source “{KEY}” exists with a different"):
        load(data)


def test_the_same_text_cannot_come_back_under_another_key():
    load(small_data())
    data = small_data()
    data["sources"][0]["key"] = "another-key"
    with pytest.raises(LoadError, match=rf"already imported as source “{KEY}”"):
        load(data)


def other_whitespace(text: str) -> str:
    """The same passages: a leading space, trailing spaces, blank lines doubled, a last newline."""
    return " " + text.replace("\n", "  \n\n") + "\n"


def test_the_same_passages_cannot_come_back_under_another_key():
    load(small_data())
    before = counts()
    data = small_data()
    data["sources"][0]["key"] = "another-key"
    data["sources"][0]["text"] = other_whitespace(data["sources"][0]["text"])
    with pytest.raises(LoadError, match=rf"sources\[0\]: .*already imported as source “{KEY}”"):
        load(data)
    assert counts() == before


def test_two_keys_with_the_same_passages_in_one_file_are_refused():
    data = small_data()
    copy_of = dict(
        data["sources"][0], key="a-copy", text=other_whitespace(ARTICLE.read_text(encoding="utf-8"))
    )
    data["sources"].append(copy_of)
    with pytest.raises(LoadError, match=rf"sources\[1\]: .*already imported as source “{KEY}”"):
        load(data)
    assert set(counts().values()) == {0}


def test_a_stored_source_reloaded_with_other_whitespace_keeps_its_text():
    load(small_data())
    before = counts()
    text = Source.objects.get().text
    data = small_data()
    data["sources"][0]["text"] = other_whitespace(text)
    data["sources"][0]["publisher"] = "Asia Times Online"

    assert load(data) == {"created": 0, "updated": 0, "unchanged": 3}

    source = Source.objects.get()
    assert (source.text, source.publisher) == (text, "Asia Times Online")
    assert counts() == before


def test_sources_stored_twice_before_the_identity_reload_but_get_no_third_copy():
    """Sources added with the same passages before whitespace was ignored stay, and a file
    naming both still loads; a new key with their text is refused."""
    text = ARTICLE.read_text(encoding="utf-8")
    Source.objects.create(key="report", title="Report", text=text)
    Source.objects.create(key="report-2", title="Report", text=text + "\n")
    data = {
        "sources": [
            {"key": "report", "title": "Report", "text": text},
            {"key": "report-2", "title": "Report", "text": text + "\n"},
        ],
        "actors": [],
        "events": [],
    }

    load(data)

    assert Source.objects.count() == 2
    data["sources"].append({"key": "report-3", "title": "Report", "text": " " + text})
    with pytest.raises(LoadError, match=r"sources\[2\]: .*already imported as source “report”"):
        load(data)
    assert Source.objects.count() == 2


def test_load_refuses_anything_but_an_object():
    with pytest.raises(LoadError, match="one JSON object"):
        load([small_data()])


def test_two_events_with_the_same_title_and_start_are_refused_and_nothing_written():
    data = small_data()
    twin = copy.deepcopy(data["events"][1])
    twin["summary"] = "A second meeting the same day."
    data["events"].append(twin)
    with pytest.raises(LoadError, match=r"events\[3\]: same title and start date as events\[1\]"):
        load(data)
    assert Event.objects.count() == 0


def test_an_actor_named_like_another_actors_alias_is_refused():
    data = small_data()
    alias = data["actors"][0]["aliases"][0]
    data["actors"].append(
        {"name": alias.upper(), "kind": "person", "description": "", "aliases": []}
    )
    with pytest.raises(LoadError, match="already an alias of"):
        load(data)


def test_a_source_without_reference_date_reads_bare_dates_against_its_publication():
    data = small_data()
    data["sources"][0]["reference_date"] = None
    load(data)
    source = Source.objects.get()
    assert source.reference_date == source.published_date


# The load_timeline command -------------------------------------------------------


def test_load_timeline_loads_a_file_with_text_files_beside_it(tmp_path):
    data = small_data()
    (tmp_path / "article.txt").write_bytes(ARTICLE.read_bytes())
    del data["sources"][0]["text"]
    data["sources"][0]["text_file"] = "article.txt"
    path = tmp_path / "timeline.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    output = run("load_timeline", str(path))
    assert output.strip() == "Loaded timeline.json: 3 events created, 0 updated, 0 unchanged."
    assert Source.objects.get().text == ARTICLE.read_text(encoding="utf-8")

    again = run("load_timeline", str(path))
    assert again.strip() == "Loaded timeline.json: 0 events created, 0 updated, 3 unchanged."


def test_load_timeline_is_quiet_at_verbosity_zero(tmp_path):
    path = tmp_path / "timeline.json"
    path.write_text(json.dumps(small_data()), encoding="utf-8")
    assert run("load_timeline", str(path), verbosity=0) == ""
    assert Event.objects.count() == 3


def test_load_timeline_refuses_a_file_with_bad_data_and_loads_nothing(tmp_path):
    data = small_data()
    data["events"][2]["citations"][0]["quote"] = "not in the article"
    path = tmp_path / "timeline.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError, match=r"Nothing loaded from .*events\[2\]\.citations\[0\]"):
        run("load_timeline", str(path))
    assert set(counts().values()) == {0}


def test_load_timeline_refuses_a_missing_text_file(tmp_path):
    data = small_data()
    del data["sources"][0]["text"]
    data["sources"][0]["text_file"] = "missing.txt"
    path = tmp_path / "timeline.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match=r"sources\[0\]: .*No such file"):
        run("load_timeline", str(path))


def test_load_timeline_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "timeline.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="is not UTF-8 JSON"):
        run("load_timeline", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        run("load_timeline", str(tmp_path / "missing.json"))


# Date overlap and order ----------------------------------------------------------


@pytest.fixture
def june_2021():
    return EventFactory(
        title="Something in June", date_start=D(2021, 6, 1), date_precision=Precision.MONTH
    )


@pytest.fixture
def arms_1999_2018():
    return EventFactory(
        title="Arms 1999–2018",
        date_start=D(1999, 1, 1),
        date_end=D(2018, 1, 1),
        date_precision=Precision.YEAR,
    )


@pytest.fixture
def visit():
    return EventFactory(title="Visit", date_start=D(2021, 6, 22), date_end=D(2021, 6, 24))


def overlapping(first, last) -> set[str]:
    return set(Event.objects.overlapping(first, last).values_list("title", flat=True))


def test_a_month_event_occupies_the_whole_month(june_2021):
    assert (june_2021.span_start, june_2021.span_end) == (D(2021, 6, 1), D(2021, 6, 30))
    assert Event.objects.in_year(2021).get() == june_2021
    assert not Event.objects.in_year(2020).exists()
    assert not Event.objects.in_year(2022).exists()
    assert overlapping(D(2021, 6, 30), D(2021, 6, 30)) == {"Something in June"}
    assert overlapping(D(2021, 7, 1), D(2021, 7, 1)) == set()
    assert overlapping(D(2021, 5, 31), D(2021, 5, 31)) == set()
    assert overlapping(D(2021, 5, 1), D(2021, 6, 1)) == {"Something in June"}


def test_a_year_range_event_occupies_every_day_of_its_years(arms_1999_2018):
    assert overlapping(D(2018, 12, 31), D(2018, 12, 31)) == {"Arms 1999–2018"}
    assert overlapping(D(1999, 1, 1), D(1999, 1, 1)) == {"Arms 1999–2018"}
    assert overlapping(D(2019, 1, 1), D(2019, 1, 1)) == set()
    assert overlapping(D(1998, 12, 31), D(1998, 12, 31)) == set()
    assert Event.objects.in_year(2005).exists()
    assert Event.objects.in_year(2018).exists()
    assert not Event.objects.in_year(2019).exists()


def test_a_day_range_event_occupies_its_days_only(visit):
    assert overlapping(D(2021, 6, 24), None) == {"Visit"}
    assert overlapping(D(2021, 6, 25), None) == set()
    assert overlapping(None, D(2021, 6, 22)) == {"Visit"}
    assert overlapping(None, D(2021, 6, 21)) == set()
    assert overlapping(D(2021, 6, 23), D(2021, 6, 23)) == {"Visit"}


def test_an_undated_event_overlaps_only_an_unbounded_range(visit):
    EventFactory(title="Undated", date_start=None)
    assert overlapping(None, None) == {"Visit", "Undated"}
    assert overlapping(D(1, 1, 1), None) == {"Visit"}
    assert overlapping(None, D(9999, 12, 31)) == {"Visit"}
    assert not Event.objects.in_year(2021).filter(title="Undated").exists()


def test_chronological_puts_day_before_month_before_year_at_the_same_start_and_undated_last():
    for title, start, precision in [
        ("A undated", None, Precision.DAY),
        ("B the year 2021", D(2021, 1, 1), Precision.YEAR),
        ("C January 2021", D(2021, 1, 1), Precision.MONTH),
        ("D 1 January 2021", D(2021, 1, 1), Precision.DAY),
        ("E 31 December 2020", D(2020, 12, 31), Precision.DAY),
        ("F 2 January 2021", D(2021, 1, 2), Precision.DAY),
    ]:
        EventFactory(title=title, date_start=start, date_precision=precision)

    assert [e.title[0] for e in Event.objects.chronological()] == list("EDCBFA")


def test_the_span_follows_a_date_change_on_save(visit):
    visit.date_start, visit.date_end = D(2021, 7, 1), None
    visit.date_precision = Precision.MONTH
    visit.save()
    visit.refresh_from_db()
    assert (visit.span_start, visit.span_end, visit.precision_rank) == (
        D(2021, 7, 1),
        D(2021, 7, 31),
        1,
    )


def test_an_end_before_the_start_is_refused_by_clean_and_by_the_database():
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    event = EventFactory.build(date_start=D(2021, 6, 24), date_end=D(2021, 6, 22))
    with pytest.raises(ValidationError, match="before the start"):
        event.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()
    no_start = EventFactory.build(date_start=None, date_end=D(2021, 6, 22))
    with pytest.raises(ValidationError, match="needs a start"):
        no_start.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        no_start.save()


def test_an_alias_that_names_a_stored_actor_is_refused_naming_it_as_written():
    load({"sources": [], "actors": [{"name": "Min Aung Hlaing", "kind": "person"}], "events": []})
    other = {"name": "Senior General", "kind": "person", "aliases": ["min aung hlaing"]}
    with pytest.raises(LoadError, match="alias “min aung hlaing” already names Min Aung Hlaing"):
        load({"sources": [], "actors": [other], "events": []})
