"""Deleting an event in the browser (analysts), and its history after: the deletion is
recorded, readable and undone from there (a reviewer found no way to delete but the API, and
after it no trace: the history page was a 404)."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from events.models import Citation, Event, Participation
from tests.factories import ActorFactory, SourceFactory

pytestmark = pytest.mark.django_db

QUOTE = "He met Sergei Shoigu in Moscow."


@pytest.fixture
def event(analyst) -> Event:
    SourceFactory(key="moscow-report", reference_date=dt.date(2021, 6, 24))
    ActorFactory(name="Sergei Shoigu")
    api = APIClient()
    api.force_authenticate(analyst)
    response = api.post(
        "/api/events/",
        {
            "title": "Shoigu meets Min Aung Hlaing",
            "status": "published",
            "date": {"text": "June 22"},
            "actors": [{"name": "Sergei Shoigu", "role": "host"}],
            "citations": [{"source": "moscow-report", "quote": QUOTE}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return Event.objects.get()


@pytest.fixture
def signed_in(client, analyst):
    client.force_login(analyst)
    return client


def test_the_event_page_offers_analysts_a_delete_that_asks_first(event, signed_in, client):
    page = signed_in.get(reverse("event-detail", args=[event.pk])).content.decode()
    assert f'href="/events/{event.pk}/delete/"' in page
    ask = signed_in.get(reverse("event-delete", args=[event.pk])).content.decode()
    assert "Delete “Shoigu meets Min Aung Hlaing”?" in ask
    assert "with its\n1 participant and 1\ncitation" in ask
    assert Event.objects.exists()  # asking deletes nothing


def test_visitors_see_no_delete_and_cannot_delete(event, client):
    page = client.get(reverse("event-detail", args=[event.pk])).content.decode()
    assert "/delete/" not in page
    response = client.post(reverse("event-delete", args=[event.pk]), {"version": event.version})
    assert response.status_code in (302, 403)
    assert Event.objects.filter(pk=event.pk).exists()


def test_deleting_keeps_a_history_that_says_so_and_brings_it_back(event, signed_in):
    pk, version = event.pk, event.version
    response = signed_in.post(reverse("event-delete", args=[pk]), {"version": version})
    assert response.status_code == 302
    assert response["Location"] == reverse("event-history", args=[pk])
    assert not Event.objects.filter(pk=pk).exists()
    assert not Citation.objects.exists()
    assert not Participation.objects.exists()

    history = signed_in.get(reverse("event-history", args=[pk])).content.decode()
    assert "Deleted “Shoigu meets Min Aung Hlaing”. Its history stays below." in history
    assert '<span class="badge">deleted</span>' in history
    assert "Deleted\n      by <strong>analyst</strong>" in history
    assert f"Removed: “{QUOTE}” (moscow-report ¶1)" in history
    assert f"Bring the event back as version {version}" in history

    restore = Event.history.filter(id=pk, history_type__in="+~").latest("history_id")
    response = signed_in.post(
        reverse("event-restore", args=[pk, restore.history_id]), {"version": version}
    )
    assert response.status_code == 302
    back = Event.objects.get(pk=pk)
    assert (back.title, back.date_start, back.version) == (
        "Shoigu meets Min Aung Hlaing",
        dt.date(2021, 6, 22),
        version + 1,
    )
    assert [c.quote for c in back.citations.all()] == [QUOTE]
    assert [p.actor.name for p in back.participations.all()] == ["Sergei Shoigu"]
    page = signed_in.get(reverse("event-history", args=[pk])).content.decode()
    assert f"Restored version {version}" in page
    assert '<span class="badge">deleted</span>' not in page


def test_a_stale_page_deletes_nothing(event, signed_in):
    event.title = "Changed meanwhile"
    event.version += 1
    event.save()
    response = signed_in.post(
        reverse("event-delete", args=[event.pk]), {"version": event.version - 1}, follow=True
    )
    assert "The event changed since you opened this page" in response.content.decode()
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_history_of_an_id_never_used_is_a_404(signed_in):
    assert signed_in.get(reverse("event-history", args=[999_999])).status_code == 404


def test_a_second_tab_deleting_or_saving_a_deleted_event_is_shown_its_history(event, signed_in):
    """A reviewer's second tab got a bare "No event has the id …", with no way back."""
    pk, version = event.pk, event.version
    signed_in.post(reverse("event-delete", args=[pk]), {"version": version})
    for url in (reverse("event-delete", args=[pk]), reverse("event-edit", args=[pk])):
        response = signed_in.post(url, {"version": version}, follow=True)
        body = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("event-history", args=[pk])
        assert "“Shoigu meets Min Aung Hlaing” has been deleted: nothing was saved" in body
        assert f"Bring the event back as version {version}" in body
    htmx = signed_in.post(
        reverse("event-edit", args=[pk]), {"version": version}, headers={"HX-Request": "true"}
    )
    assert htmx["HX-Redirect"] == reverse("event-history", args=[pk])
    assert signed_in.post(reverse("event-delete", args=[999_999])).status_code == 404
