"""Citations, dates as text and new actors written through the API, all or nothing."""

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import Actor, Citation, Event, Status
from events.services import cite, locate
from tests.factories import ActorFactory, AliasFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

URL = "/api/events/"
QUOTE = "He met Sergei Shoigu in Moscow."


@pytest.fixture
def api(analyst) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    return client


@pytest.fixture
def report(db):
    return SourceFactory(key="moscow-report", reference_date=dt.date(2021, 6, 24))


@pytest.fixture
def shoigu(db):
    actor = ActorFactory(name="Sergei Shoigu")
    AliasFactory(actor=actor, name="Shoigu")
    return actor


def test_a_quote_alone_is_located_in_its_source(api, report):
    response = api.post(
        URL,
        {
            "title": "Talks in Moscow",
            "citations": [{"source": "moscow-report", "quote": QUOTE, "date_text": "June 22"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    [citation] = response.json()["citations"]
    assert citation["source"]["key"] == "moscow-report"
    assert (citation["passage"], citation["quote"], citation["date_text"]) == (1, QUOTE, "June 22")
    stored = Citation.objects.get()
    assert stored.passage.text[stored.start : stored.end] == QUOTE


def test_a_source_may_be_named_by_its_id(api, report):
    response = api.post(
        URL, {"title": "Talks", "citations": [{"source": report.pk, "quote": QUOTE}]}, format="json"
    )

    assert response.status_code == 201, response.content


def test_explicit_offsets_are_checked_against_the_text(api, report):
    passage = report.passages.get(index=1)
    start = passage.text.index(QUOTE)
    good = {"source": "moscow-report", "passage": 1, "start": start, "end": start + len(QUOTE)}

    response = api.post(URL, {"title": "Talks", "citations": [good]}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["citations"][0]["quote"] == QUOTE

    shifted = {**good, "start": start + 1, "quote": QUOTE}
    response = api.post(URL, {"title": "Talks", "citations": [shifted]}, format="json")
    assert response.status_code == 400
    assert "does not match" in response.json()["citations"]["0"]["start"][0]


@pytest.mark.parametrize(
    ("citation", "field", "hint"),
    [
        ({"source": "moscow-report", "quote": "Putin visited Yangon"}, "quote", "not found"),
        (
            {"source": "moscow-report", "quote": "Moscow"},
            "quote",
            "occurs 2 times in source “moscow-report”; give passage and start",
        ),
        ({"source": "no-such-report", "quote": QUOTE}, "source", "/api/sources/"),
        ({"source": "moscow-report", "quote": QUOTE, "passage": 40}, "passage", "0 to 3"),
        ({"source": "moscow-report"}, "quote", "Give the quote"),
        ({"source": "moscow-report", "quote": QUOTE, "start": 3}, "passage", "give passage"),
    ],
)
def test_a_bad_citation_is_a_400_naming_its_index_and_field(api, report, citation, field, hint):
    good = {"source": "moscow-report", "quote": QUOTE}

    response = api.post(URL, {"title": "Talks", "citations": [good, citation]}, format="json")

    assert response.status_code == 400
    errors = response.json()["citations"]
    assert list(errors) == ["1"]
    assert hint in errors["1"][field][0]
    assert not Event.objects.exists()
    assert not Citation.objects.exists()


def test_a_bad_citation_leaves_the_event_unchanged(api, report):
    event = EventFactory(title="Old title")
    kept = cite(event, locate(report, QUOTE))

    response = api.patch(
        f"{URL}{event.pk}/",
        {"title": "New title", "citations": [{"source": "moscow-report", "quote": "nowhere"}]},
        format="json",
    )

    assert response.status_code == 400
    event.refresh_from_db()
    assert (event.title, event.version) == ("Old title", 1)
    assert list(event.citations.all()) == [kept]


def test_citations_in_a_write_replace_the_events_citations(api, report):
    event = EventFactory()
    kept = cite(event, locate(report, QUOTE))
    dropped = cite(event, locate(report, "Shoigu called Myanmar"))
    new_quote = "The talks covered arms deliveries"

    response = api.put(
        f"{URL}{event.pk}/",
        {
            "title": event.title,
            "citations": [
                {"source": "moscow-report", "quote": QUOTE, "note": "kept"},
                {"source": "moscow-report", "quote": new_quote},
            ],
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert [c["quote"] for c in response.json()["citations"]] == [QUOTE, new_quote]
    assert response.json()["citations"][0]["id"] == kept.pk
    assert not Citation.objects.filter(pk=dropped.pk).exists()
    event.refresh_from_db()
    assert event.version == 2


def test_a_patch_without_citations_keeps_them(api, report):
    event = EventFactory()
    kept = cite(event, locate(report, QUOTE))

    response = api.patch(f"{URL}{event.pk}/", {"summary": "More."}, format="json")

    assert response.status_code == 200
    assert [c["id"] for c in response.json()["citations"]] == [kept.pk]


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("June 22-24, 2021", "2021-06-22", "2021-06-24", "day"),
        ("May 2020", "2020-05-01", None, "month"),
        ("between 1999 and 2018", "1999-01-01", "2018-01-01", "year"),
        ("March 26", "2021-03-26", None, "day"),
    ],
)
def test_date_text_alone_is_parsed_against_the_cited_sources_reference_date(
    api, report, text, start, end, precision
):
    response = api.post(
        URL,
        {
            "title": "Talks",
            "date": {"text": text},
            "citations": [{"source": "moscow-report", "quote": QUOTE}],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    date = response.json()["date"]
    assert (date["start"], date["end"], date["precision"], date["text"]) == (
        start,
        end,
        precision,
        text,
    )


def test_date_text_without_a_citation_is_read_against_today(api):
    response = api.post(URL, {"title": "Talks", "date": {"text": "2019"}}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["date"]["precision"] == "year"
    assert response.json()["date"]["start"] == "2019-01-01"


@pytest.mark.parametrize("text", ["next Thursday", "yesterday", "last month", "on Monday"])
def test_a_date_counted_from_a_source_is_refused_when_nothing_is_cited(api, text):
    """Read against today it would be a day no source states, kept when a source is cited."""
    response = api.post(URL, {"title": "Talks", "date": {"text": text}}, format="json")

    assert response.status_code == 400, response.content
    message = response.json()["date"]["text"][0]
    assert "no source is cited yet" in message
    assert "Cite the source in the same request, or write the date itself" in message
    assert not Event.objects.exists()


def test_the_same_date_is_read_against_the_source_cited_with_it(api, report):
    response = api.post(
        URL,
        {
            "title": "Talks",
            "date": {"text": "next Thursday"},
            "citations": [{"source": "moscow-report", "quote": QUOTE}],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    # The report is dated Thursday 24 June 2021: the next Thursday is 1 July.
    assert response.json()["date"]["start"] == "2021-07-01"


def test_date_text_that_cannot_be_read_is_a_400_saying_so(api):
    response = api.post(URL, {"title": "Talks", "date": {"text": "the day after"}}, format="json")

    assert response.status_code == 400
    assert "Cannot read the date" in response.json()["date"]["text"][0]
    assert not Event.objects.exists()


def test_the_structured_date_keeps_working_with_its_text_as_written(api):
    date = {"start": "2021-03-01", "precision": "month", "text": "early March"}

    response = api.post(URL, {"title": "Talks", "date": date}, format="json")

    assert response.status_code == 201
    body = response.json()["date"]
    assert (body["start"], body["precision"], body["text"]) == (
        "2021-03-01",
        "month",
        "early March",
    )


def test_actors_are_found_by_name_slug_or_alias(api, shoigu):
    for name in ("Sergei Shoigu", "sergei-shoigu", "SHOIGU"):
        response = api.post(
            URL, {"title": "Talks", "actors": [{"name": name, "role": "host"}]}, format="json"
        )
        assert response.status_code == 201, response.content
        assert response.json()["actors"][0]["id"] == shoigu.pk


def test_an_unknown_actor_is_a_400_unless_the_request_creates_it(api):
    unknown = {"name": "Alexander Fomin", "role": "visitor"}

    response = api.post(URL, {"title": "Talks", "actors": [unknown]}, format="json")
    assert response.status_code == 400
    assert '"create": true' in response.json()["actors"]["0"]["name"][0]

    response = api.post(
        URL, {"title": "Talks", "actors": [{**unknown, "create": True}]}, format="json"
    )
    assert response.status_code == 400
    assert "person" in response.json()["actors"]["0"]["kind"][0]
    assert not Actor.objects.exists()

    response = api.post(
        URL,
        {"title": "Talks", "actors": [{**unknown, "create": True, "kind": "person"}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    actor = Actor.objects.get()
    assert (actor.name, actor.slug, actor.kind) == ("Alexander Fomin", "alexander-fomin", "person")
    assert response.json()["actors"][0]["slug"] == "alexander-fomin"


def test_a_new_actor_named_in_another_script_is_created(api):
    """Cyrillic names have no ASCII slug: they get "actor", "actor-2", as in the form."""
    actors = [
        {"name": name, "role": "visitor", "create": True, "kind": "person"}
        for name in ("Александр Фомин", "Сергей Шойгу")
    ]

    response = api.post(URL, {"title": "Talks", "actors": actors}, format="json")

    assert response.status_code == 201, response.content
    assert sorted(Actor.objects.values_list("name", "slug")) == [
        ("Александр Фомин", "actor"),
        ("Сергей Шойгу", "actor-2"),
    ]


def test_a_new_actor_name_without_letters_or_digits_is_refused(api):
    actor = {"name": "— · —", "role": "visitor", "create": True, "kind": "person"}

    response = api.post(URL, {"title": "Talks", "actors": [actor]}, format="json")

    assert response.status_code == 400
    assert "letters or digits" in response.json()["actors"]["0"]["name"][0]
    assert not Actor.objects.exists()


def test_create_reuses_an_existing_actor(api, shoigu):
    actor = {"name": "Shoigu", "role": "host", "create": True, "kind": "person"}

    response = api.post(URL, {"title": "Talks", "actors": [actor]}, format="json")

    assert response.status_code == 201
    assert Actor.objects.get() == shoigu


def test_a_new_actor_is_not_created_when_another_part_of_the_write_fails(api, report):
    actor = {"name": "Alexander Fomin", "role": "visitor", "create": True, "kind": "person"}
    bad = {"source": "moscow-report", "quote": "nowhere"}

    response = api.post(
        URL, {"title": "Talks", "actors": [actor], "citations": [bad]}, format="json"
    )

    assert response.status_code == 400
    assert not Actor.objects.exists()
    assert not Event.objects.exists()


def test_an_analyst_adds_and_removes_a_citation_and_each_bumps_the_version(api, report):
    event = EventFactory(status=Status.DRAFT)

    response = api.post(
        "/api/citations/",
        {"event": event.pk, "source": "moscow-report", "quote": QUOTE, "note": "first"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["event"], body["quote"], body["note"], body["passage"]) == (
        event.pk,
        QUOTE,
        "first",
        1,
    )
    assert response["Location"] == body["url"]
    event.refresh_from_db()
    assert event.version == 2

    assert api.delete(f"/api/citations/{body['id']}/").status_code == 204
    event.refresh_from_db()
    assert event.version == 3
    assert not Citation.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "hint"),
    [
        ({"event": 999999, "source": "moscow-report", "quote": QUOTE}, "event", "No event"),
        ({"source": "moscow-report", "quote": QUOTE}, "event", "required"),
        ({"event": None, "source": "moscow-report", "quote": "Moscow"}, "event", "null"),
    ],
)
def test_a_bad_new_citation_is_a_400_naming_the_field(api, report, payload, field, hint):
    response = api.post("/api/citations/", payload, format="json")

    assert response.status_code == 400
    assert hint in response.json()[field][0]
    assert not Citation.objects.exists()


def test_a_new_citation_that_is_not_found_says_so(api, report):
    event = EventFactory()

    response = api.post(
        "/api/citations/",
        {"event": event.pk, "source": "moscow-report", "quote": "Moscow"},
        format="json",
    )

    assert response.status_code == 400
    assert "occurs 2 times" in response.json()["quote"][0]
    event.refresh_from_db()
    assert event.version == 1


def test_citations_cannot_be_changed_in_place(api, report):
    citation = cite(EventFactory(), locate(report, QUOTE))

    response = api.patch(f"/api/citations/{citation.pk}/", {"note": "x"}, format="json")

    assert response.status_code == 405
