"""Possible duplicates: shown on the prefilled event form, after creating, and by the API."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.duplicates import Candidate, possible_duplicates, title_words
from events.models import Citation, Event, Participation
from tests.factories import ActorFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

D = dt.date
QUOTE = "He met Sergei Shoigu in Moscow."


@pytest.fixture
def shoigu():
    return ActorFactory(name="Sergei Shoigu")


@pytest.fixture
def meeting(shoigu):
    event = EventFactory(title="Min Aung Hlaing meets Shoigu in Moscow", date_start=D(2021, 6, 22))
    Participation.objects.create(event=event, actor=shoigu)
    return event


@pytest.fixture
def passage():
    source = SourceFactory()
    source.reference_date = D(2021, 6, 24)
    source.save()
    return source.passages.get(index=1)


def prefill_url(passage, **extra) -> str:
    start = passage.text.index(QUOTE)
    query = {"passage": passage.pk, "start": start, "end": start + len(QUOTE), **extra}
    return f"{reverse('event-new')}?{urlencode(query, doseq=True)}"


# The domain function ---------------------------------------------------------------------------


def test_an_overlapping_event_with_a_shared_actor_is_a_possible_duplicate(meeting, shoigu):
    found = possible_duplicates(Candidate(D(2021, 6, 22), D(2021, 6, 24), (shoigu.pk,), "Talks"))
    assert found == [meeting]


def test_similar_title_words_count_without_a_shared_actor(meeting):
    found = possible_duplicates(
        Candidate(D(2021, 6, 1), D(2021, 6, 30), (), "Hlaing and Shoigu hold talks in Moscow")
    )
    assert found == [meeting]


def test_no_overlap_no_duplicate(meeting, shoigu):
    assert possible_duplicates(Candidate(D(2021, 6, 23), D(2021, 6, 30), (shoigu.pk,), "")) == []


def test_overlap_alone_is_no_duplicate(meeting):
    other = ActorFactory(name="Rustam Minnikhanov")
    found = possible_duplicates(Candidate(D(2021, 6, 22), D(2021, 6, 22), (other.pk,), "Kazan"))
    assert found == []


def test_a_shared_country_alone_is_no_duplicate_but_two_shared_actors_are(meeting):
    myanmar = ActorFactory(name="Myanmar", kind="country")
    russia = ActorFactory(name="Russia", kind="country")
    Participation.objects.create(event=meeting, actor=myanmar)
    one = Candidate(D(2021, 6, 22), D(2021, 6, 22), (myanmar.pk,), "Air force chief visits plant")
    assert possible_duplicates(one) == []
    Participation.objects.create(event=meeting, actor=russia)
    two = Candidate(D(2021, 6, 22), D(2021, 6, 22), (myanmar.pk, russia.pk), "Plant visit")
    assert possible_duplicates(two) == [meeting]


def test_more_alike_events_come_first(meeting, shoigu):
    general = ActorFactory(name="Min Aung Hlaing")
    Participation.objects.create(event=meeting, actor=general)
    loose = EventFactory(title="Conference", date_start=D(2021, 6, 1), date_precision="month")
    Participation.objects.create(event=loose, actor=general)
    found = possible_duplicates(
        Candidate(D(2021, 6, 22), D(2021, 6, 22), (shoigu.pk, general.pk), "Shoigu meets Hlaing")
    )
    assert found == [meeting, loose]


def test_title_words_leave_out_common_words():
    assert title_words("Min Aung Hlaing meets Russian Defense Minister Shoigu in Moscow") == [
        "aung",
        "hlaing",
        "defense",
        "minister",
        "shoigu",
        "moscow",
    ]


@pytest.mark.parametrize("rows", [1, 5, 20])
def test_finding_duplicates_is_one_query_however_many_events(
    django_assert_num_queries, shoigu, rows
):
    for i in range(rows):
        event = EventFactory(title=f"Talks {i} in Moscow", date_start=D(2021, 6, 22))
        Participation.objects.create(event=event, actor=shoigu)
    with django_assert_num_queries(1):
        found = possible_duplicates(
            Candidate(D(2021, 6, 22), D(2021, 6, 22), (shoigu.pk,), "Talks in Moscow")
        )
    assert len(found) == min(rows, 5)


# Accepting a proposal: the prefilled form -------------------------------------------------------


def test_the_prefilled_form_shows_the_possible_duplicate_with_one_click_to_cite_it(
    client, analyst, meeting, passage
):
    client.force_login(analyst)
    url = prefill_url(passage, date_text="June 22", actor="Sergei Shoigu", type="meeting")

    body = client.get(url).content.decode()

    assert "Possible duplicate: already recorded?" in body
    assert f'<a href="/events/{meeting.pk}/">Min Aung Hlaing meets Shoigu in Moscow</a>' in body
    assert f'action="/events/{meeting.pk}/cite/"' in body
    assert "Add this citation to it instead" in body
    start = passage.text.index(QUOTE)
    assert f'name="passage" value="{passage.pk}"' in body
    assert f'name="start" value="{start}"' in body
    assert f'name="end" value="{start + len(QUOTE)}"' in body


def test_adding_the_citation_instead_cites_the_existing_event_and_creates_nothing(
    client, analyst, meeting, passage
):
    client.force_login(analyst)
    start = passage.text.index(QUOTE)

    response = client.post(
        reverse("event-cite", args=[meeting.pk]),
        {"passage": passage.pk, "start": start, "end": start + len(QUOTE)},
    )

    citation = Citation.objects.get(event=meeting)
    assert response.status_code == 302
    assert response["Location"] == f"/events/{meeting.pk}/#c-{citation.pk}"
    assert citation.quote == QUOTE
    assert Event.objects.count() == 1


def test_explicit_date_fields_of_a_failed_save_find_the_duplicate(client, analyst, meeting):
    client.force_login(analyst)
    response = client.post(
        reverse("event-new"),
        {
            "title": "",  # refused: the form is shown again, with the possible duplicate
            "type": "meeting",
            "status": "draft",
            "date_start": "2021-06-22",
            "date_precision": "day",
            "actors-TOTAL_FORMS": "1",
            "actors-INITIAL_FORMS": "0",
            "actors-0-name": "Sergei Shoigu",
            "actors-0-role": "participant",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Possible duplicate: already recorded?" in body
    assert "Min Aung Hlaing meets Shoigu in Moscow" in body
    assert "Add this citation to it instead" not in body  # no selection to add


def test_no_notice_when_nothing_alike_is_recorded(client, analyst, passage, shoigu):
    client.force_login(analyst)
    body = client.get(prefill_url(passage, date_text="June 22", actor="Sergei Shoigu")).content
    assert b"Possible duplicate" not in body


def test_analysts_see_a_draft_as_a_possible_duplicate(client, analyst, shoigu, passage):
    draft = EventFactory(title="Secret talks", date_start=D(2021, 6, 22), status="draft")
    Participation.objects.create(event=draft, actor=shoigu)
    client.force_login(analyst)
    url = prefill_url(passage, date_text="June 22", actor="Sergei Shoigu")
    body = client.get(url).content.decode()
    assert "Secret talks" in body


def test_the_form_is_for_analysts_only(client, reader, meeting, passage):
    client.force_login(reader)
    assert client.get(prefill_url(passage, date_text="June 22")).status_code == 403


def test_creating_in_the_form_says_which_events_may_be_the_same(client, analyst, meeting, shoigu):
    client.force_login(analyst)
    data = {
        "title": "Shoigu talks in Moscow",
        "type": "meeting",
        "status": "draft",
        "date_text": "22 June 2021",
        "actors-TOTAL_FORMS": "1",
        "actors-INITIAL_FORMS": "0",
        "actors-0-name": "Sergei Shoigu",
        "actors-0-role": "participant",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("event-new"), data, follow=True)

    assert Event.objects.count() == 2
    body = response.content.decode()
    assert "Created. Possibly the same event as: “Min Aung Hlaing meets Shoigu in Moscow”" in body


# The API ---------------------------------------------------------------------------------------


@pytest.fixture
def api(analyst) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    return client


NEW = {
    "title": "Shoigu receives Min Aung Hlaing",
    "type": "meeting",
    "status": "draft",
    "date": {"start": "2021-06-22", "precision": "day"},
    "actors": [{"name": "Sergei Shoigu", "role": "host"}],
}


def test_the_api_creates_and_answers_with_possible_duplicates(api, meeting):
    response = api.post("/api/events/", NEW, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert Event.objects.filter(pk=body["id"]).exists()  # created anyway
    assert body["possible_duplicates"] == [
        {
            "id": meeting.pk,
            "title": "Min Aung Hlaing meets Shoigu in Moscow",
            "date": "22 June 2021",
            "url": f"http://testserver/api/events/{meeting.pk}/",
        }
    ]


def test_the_api_answers_an_empty_list_when_nothing_is_alike(api, shoigu):
    response = api.post("/api/events/", NEW, format="json")
    assert response.status_code == 201
    assert response.json()["possible_duplicates"] == []


def test_reading_an_event_has_no_possible_duplicates_key(api, meeting):
    body = api.get(f"/api/events/{meeting.pk}/").json()
    assert "possible_duplicates" not in body
