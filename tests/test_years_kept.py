"""Every writer keeps the same years, 1 to 9998 (the API refused 9999; the event form and the
loader stored it, a reviewer found)."""

import datetime as dt

import pytest
from django.urls import reverse

from events.bulk import LoadError
from events.interchange import load
from events.models import Event
from tests.event_form_data import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["date_start", "date_end"])
def test_the_event_form_refuses_a_year_past_9998(client, analyst, field):
    client.force_login(analyst)
    dates = {"date_start": "2021-06-22", field: "9999-12-31", "date_precision": "day"}
    response = client.post(reverse("event-new"), form_data(**dates))
    assert response.status_code == 400
    assert "9999-12-31: years run from 1 to 9998; 9999 is not one." in response.content.decode()
    assert not Event.objects.exists()


def test_the_loader_refuses_it_naming_the_item(db):
    archive = {
        "sources": [],
        "actors": [],
        "events": [{"title": "Far off", "date": {"start": "9999-01-01", "precision": "year"}}],
    }
    with pytest.raises(LoadError) as exc:
        load(archive)
    assert str(exc.value) == (
        "events[0].date.start: 9999-01-01: years run from 1 to 9998; 9999 is not one."
    )
    assert not Event.objects.exists()


def test_the_first_and_last_years_kept_are_stored(client, analyst):
    client.force_login(analyst)
    for start in ("0001-01-01", "9998-12-31"):
        response = client.post(reverse("event-new"), form_data(date_start=start))
        assert response.status_code == 302, response.content.decode()
    assert sorted(Event.objects.values_list("date_start", flat=True)) == [
        dt.date(1, 1, 1),
        dt.date(9998, 12, 31),
    ]
