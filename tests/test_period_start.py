"""A month or a year is kept as its first day in every writer: "2021-06-15" at month precision
is June 2021 (a reviewer found it stored as 15 June through the API, sorting among the days)."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from events.interchange import load
from events.models import Event
from tests.event_form_data import form_data

pytestmark = pytest.mark.django_db

JUNE, SEPTEMBER = dt.date(2021, 6, 1), dt.date(2021, 9, 1)


def test_the_api_keeps_the_month_s_first_day(analyst):
    api = APIClient()
    api.force_authenticate(analyst)
    date = {"start": "2021-06-15", "end": "2021-09-20", "precision": "month"}
    response = api.post("/api/events/", {"title": "Talks", "date": date}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["date"]["start"], response.json()["date"]["end"]) == (
        "2021-06-01",
        "2021-09-01",
    )
    assert Event.objects.get().date_display() == "June–September 2021"


def test_the_form_and_the_loader_keep_it_too(client, analyst):
    client.force_login(analyst)
    response = client.post(
        reverse("event-new"),
        form_data(date_start="2021-06-15", date_end="2021-09-20", date_precision="month"),
    )
    assert response.status_code == 302
    load(
        {
            "sources": [],
            "actors": [],
            "events": [
                {
                    "title": "Loaded",
                    "status": "draft",
                    "date": {"start": "2021-06-15", "end": "2021-09-20", "precision": "month"},
                }
            ],
        }
    )
    assert set(Event.objects.values_list("date_start", "date_end")) == {(JUNE, SEPTEMBER)}
    year = Event.objects.create(
        title="A year", date_start=dt.date(2021, 6, 15), date_precision="year"
    )
    assert year.date_start == dt.date(2021, 1, 1)
