"""Claims with attribution: an event a source attributes to someone, not states as fact."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.interchange import dump, load
from events.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

WESTERN = "according to Western diplomats"


@pytest.fixture
def claim():
    return EventFactory(
        published=True,
        title="Tatmadaw informs Moscow of the coup",
        attribution=WESTERN,
        date_start=dt.date(2021, 1, 1),
        date_precision="month",
    )


def test_the_event_page_says_it_is_a_claim_and_whose(client, claim):
    body = client.get(reverse("event-detail", args=[claim.pk])).content.decode()
    claim_line = '<strong class="claim">Claim</strong>, not stated as fact: according to Western'
    assert claim_line in body


def test_the_timeline_entry_says_it_is_a_claim(client, claim):
    EventFactory(title="Stated as fact", date_start=dt.date(2021, 1, 5), published=True)
    body = client.get(reverse("timeline")).content.decode()
    assert body.count('class="claim"') == 1
    assert f"not stated as fact: {WESTERN}" in body


def test_attribution_is_escaped(client):
    event = EventFactory(attribution="according to <b>them</b>", published=True)
    body = client.get(reverse("event-detail", args=[event.pk])).content.decode()
    assert "according to &lt;b&gt;them&lt;/b&gt;" in body


def test_the_api_reads_and_writes_the_attribution(client, claim, analyst):
    assert client.get(f"/api/events/{claim.pk}/").json()["attribution"] == WESTERN
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")

    created = api.post(
        "/api/events/",
        {
            "title": "Moscow tacitly supports the coup",
            "attribution": "according to Western diplomats",
            "date": {"start": "2021-01-01", "precision": "month"},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["attribution"] == WESTERN
    pk = created.json()["id"]
    changed = api.patch(f"/api/events/{pk}/", {"attribution": ""}, format="json")
    assert changed.status_code == 200, changed.content
    assert Event.objects.get(pk=pk).attribution == ""


def test_the_event_form_edits_the_attribution(client, analyst):
    client.force_login(analyst)
    page = client.get(reverse("event-new")).content.decode()
    assert 'name="attribution"' in page
    assert "e.g. “according to Western diplomats”; blank when the source states it" in page
    response = client.post(
        reverse("event-new"),
        {
            "title": "Russia sells weapons",
            "type": "arms_deal",
            "status": "draft",
            "attribution": "according to Russian news agencies",
            "date_text": "August 2021",
            "actors-TOTAL_FORMS": "0",
            "actors-INITIAL_FORMS": "0",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Event.objects.get().attribution == "according to Russian news agencies"


def test_the_interchange_format_round_trips_the_attribution(claim):
    data = dump()
    assert data["events"][0]["attribution"] == WESTERN
    Event.objects.all().delete()
    load(data)
    assert Event.objects.get().attribution == WESTERN
    assert dump() == data


def test_an_event_without_the_key_loads_as_stated_fact(db):
    # A draft: a published event needs a citation (events.bulk.staged_rule_violation).
    load(
        {
            "events": [
                {
                    "title": "Plain",
                    "status": "draft",
                    "date": {"start": "2021-02-01", "precision": "day"},
                }
            ]
        }
    )
    assert Event.objects.get().attribution == ""


def test_the_curated_claims_carry_their_attribution(timeline):
    claims = dict(Event.objects.exclude(attribution="").values_list("title", "attribution"))
    assert claims["Tatmadaw informs Moscow of the impending coup, Moscow tacitly supports it"] == (
        WESTERN
    )
    assert claims["Russia sells additional US$2.3 billion of weapons to Myanmar"] == (
        "according to Russian news agencies"
    )
    assert len(claims) == 9
