import datetime as dt

import pytest
from django.urls import reverse

from events.models import Event, Status
from events.services import cite, locate
from sources.services import import_source

pytestmark = pytest.mark.django_db

TEXT = "First paragraph about the visit.\n\nSecond paragraph: talks were held in Moscow.\n"


def make_events(n: int) -> None:
    source, _ = import_source(TEXT, title="A source", key="a-source")
    for i in range(n):
        event = Event.objects.create(
            title=f"Event {i}",
            type="visit",
            status=Status.PUBLISHED,
            date_start=dt.date(2021, 1 + i % 12, 1),
        )
        cite(event, locate(source, "talks were held in Moscow"))


@pytest.mark.parametrize("rows", [1, 5, 20])
def test_timeline_runs_the_same_queries_however_many_events(
    client, django_assert_num_queries, rows
):
    make_events(rows)
    # events, participations, citations, type facets, year facets, the filter's source list
    with django_assert_num_queries(6):
        response = client.get(reverse("timeline"))
    assert response.status_code == 200
    assert response.content.decode().count('class="badge"') == rows


@pytest.mark.parametrize("rows", [1, 5, 20])
def test_source_reader_runs_the_same_queries_however_many_citations(
    client, django_assert_num_queries, rows
):
    make_events(rows)
    source_pk = Event.objects.first().citations.first().passage.source_id
    with django_assert_num_queries(3):
        response = client.get(reverse("source-detail", args=[source_pk]))
    assert response.content.decode().count("<mark") == 1


def test_drafts_are_hidden_from_anonymous_readers(client):
    Event.objects.create(title="Secret draft", status=Status.DRAFT)
    assert "Secret draft" not in client.get(reverse("timeline")).content.decode()
    assert client.get(reverse("event-detail", args=[Event.objects.get().pk])).status_code == 404


def test_source_text_is_escaped_in_the_reader(client):
    source, _ = import_source("<script>alert(1)</script> said the source.", title="x", key="x")
    body = client.get(reverse("source-detail", args=[source.pk])).content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_overlapping_citations_each_get_one_anchor_in_the_reader(client):
    source, _ = import_source("Talks were held in Moscow on June 22.", title="y", key="y")
    event = Event.objects.create(title="Talks", status=Status.PUBLISHED)
    wide = cite(event, locate(source, "Talks were held in Moscow"))
    narrow = cite(event, locate(source, "held in Moscow on June 22"))
    body = client.get(reverse("source-detail", args=[source.pk])).content.decode()
    assert body.count(f'id="c-{wide.pk}"') == 1
    assert body.count(f'id="c-{narrow.pk}"') == 1
