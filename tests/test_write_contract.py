"""One writer: the same change made through the event form, the API and the interchange gives
the same rows, the same version and the same history entry; and the bugs the write paths had
when each wrote on its own (issue 12) stay fixed.
"""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.history import history
from events.interchange import load
from events.models import EVENT_FIELDS, Citation, Event, Status
from events.services import ActorChoice, NewCitation, locate, save_event
from tests.event_form_data import form_data
from tests.factories import ActorFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

VISIT = "Min Aung Hlaing visited Moscow on June 22."
MEETING = "He met Sergei Shoigu in Moscow."
TITLE = "Min Aung Hlaing visits Moscow"
SUMMARY = "He met the defence minister."

# races need a database with row locks.
on_postgresql = pytest.mark.postgresql


@pytest.fixture
def report(db):
    return SourceFactory(
        key="moscow-report", published_date=dt.date(2021, 6, 24), reference_date=None
    )


@pytest.fixture
def visit(report) -> Event:
    """A published visit with one visitor and one citation, written by the writer."""
    return save_event(
        Event(
            title=TITLE,
            type="visit",
            status=Status.PUBLISHED,
            date_start=dt.date(2021, 6, 22),
            date_precision="day",
        ),
        actors=[ActorChoice(role="visitor", actor=ActorFactory.create(name="Min Aung Hlaing"))],
        citations=[NewCitation(locate(report, VISIT))],
    )


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


# The same change through each way in: a summary, a host and a second citation. ---------------

ACTORS = [
    {"name": "Min Aung Hlaing", "role": "visitor"},
    {"name": "Sergei Shoigu", "role": "host"},
]


def through_form(client, analyst, event: Event, report) -> None:
    client.force_login(analyst)
    passage = report.passages.get(index=1)
    start = passage.text.index(MEETING)
    data = form_data(
        title=TITLE,
        type="visit",
        status="published",
        summary=SUMMARY,
        date_start="2021-06-22",
        date_precision="day",
        version=event.version,
        actors=ACTORS,
        citations=[
            {
                "source": report.pk,
                "quote": MEETING,
                "passage": 1,
                "start": start,
                "end": start + len(MEETING),
            }
        ],
    )
    data["actors-INITIAL_FORMS"] = str(event.participations.count())  # as the page renders it
    response = client.post(reverse("event-edit", args=[event.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def through_api(client, analyst, event: Event, report) -> None:
    body = {
        "summary": SUMMARY,
        "actors": ACTORS,
        "citations": [
            {"source": "moscow-report", "quote": VISIT},
            {"source": "moscow-report", "quote": MEETING},
        ],
    }
    response = api_client(analyst).patch(
        f"/api/events/{event.pk}/", body, format="json", HTTP_IF_MATCH=f'"{event.version}"'
    )
    assert response.status_code == 200, response.content


def through_interchange(client, analyst, event: Event, report) -> None:
    load(
        {
            "sources": [],
            "actors": [],
            "events": [
                {
                    "title": TITLE,
                    "summary": SUMMARY,
                    "type": "visit",
                    "status": "published",
                    "date": {"start": "2021-06-22", "precision": "day"},
                    "actors": ACTORS,
                    "citations": [
                        {"source": "moscow-report", "quote": VISIT},
                        {"source": "moscow-report", "quote": MEETING},
                    ],
                }
            ],
        }
    )


WAYS = {"form": through_form, "api": through_api, "interchange": through_interchange}


def rows(event: Event) -> dict:
    event = Event.objects.get(pk=event.pk)
    return {
        "fields": {name: getattr(event, name) for name in EVENT_FIELDS},
        "version": event.version,
        "participants": sorted(event.participations.values_list("actor__name", "role")),
        "citations": sorted(
            event.citations.values_list(
                "passage_id", "start", "end", "quote", "prefix", "suffix", "date_text", "note"
            )
        ),
    }


def entry(event: Event) -> dict:
    latest = history(Event.objects.get(pk=event.pk))[0]
    return {
        "number": latest.number,
        "fields": [(c.label, c.before, c.after) for c in latest.fields],
        "participants": sorted((c.kind, c.label) for c in latest.participants),
        "evidence": sorted((c.kind, c.label) for c in latest.evidence),
    }


EXPECTED_ENTRY = {
    "number": 2,
    "fields": [("summary", "(empty)", SUMMARY)],
    "participants": [("added", "Sergei Shoigu (host)")],
    "evidence": [("added", f"“{MEETING}” (moscow-report ¶1)")],
}


@pytest.mark.parametrize("way", WAYS)
def test_the_same_change_gives_the_same_rows_and_version_whichever_way_it_comes(
    client, analyst, visit, report, way
):
    ActorFactory(name="Sergei Shoigu")
    WAYS[way](client, analyst, visit, report)

    after = rows(visit)
    assert after["version"] == 2
    assert after["fields"]["summary"] == SUMMARY
    assert after["participants"] == [("Min Aung Hlaing", "visitor"), ("Sergei Shoigu", "host")]
    assert [c[3] for c in after["citations"]] == [VISIT, MEETING]


@pytest.mark.parametrize("way", ["form", "api", "interchange"])
def test_the_same_change_gives_the_same_history_entry_whichever_way_it_comes(
    client, analyst, visit, report, way
):
    ActorFactory(name="Sergei Shoigu")
    WAYS[way](client, analyst, visit, report)

    assert entry(visit) == EXPECTED_ENTRY


def test_the_form_and_the_api_leave_identical_rows(client, analyst, report):
    visitor = ActorFactory(name="Min Aung Hlaing")
    ActorFactory(name="Sergei Shoigu")
    results = []
    for way in (through_form, through_api):
        Event.objects.all().delete()
        event = save_event(
            Event(
                title=TITLE,
                type="visit",
                status=Status.PUBLISHED,
                date_start=dt.date(2021, 6, 22),
                date_precision="day",
            ),
            actors=[ActorChoice(role="visitor", actor=visitor)],
            citations=[NewCitation(locate(report, VISIT))],
        )
        way(client, analyst, event, report)
        results.append((rows(event), entry(event)))
    assert results[0] == results[1]


# The bugs of issue 12 ------------------------------------------------------------------------


def test_the_api_refuses_a_published_event_without_a_citation_naming_the_field(analyst):
    response = api_client(analyst).post(
        "/api/events/", {"title": "x", "type": "other", "status": "published"}, format="json"
    )

    assert response.status_code == 400
    assert "citation" in response.json()["citations"][0]
    assert not Event.objects.exists()


def test_patching_a_published_event_to_no_citations_is_refused(analyst, visit):
    response = api_client(analyst).patch(
        f"/api/events/{visit.pk}/", {"citations": []}, format="json"
    )

    assert response.status_code == 400
    assert "at least one citation" in response.json()["citations"][0]
    assert visit.citations.count() == 1
    assert Event.objects.get(pk=visit.pk).version == 1


def test_deleting_the_last_citation_of_a_published_event_is_refused(analyst, visit):
    citation = visit.citations.get()

    response = api_client(analyst).delete(f"/api/citations/{citation.pk}/")

    assert response.status_code == 409
    assert "only citation" in response.json()["detail"]
    assert Citation.objects.filter(pk=citation.pk).exists()
    assert Event.objects.get(pk=visit.pk).version == 1


def test_a_patch_that_changes_nothing_keeps_the_etag_and_writes_no_history(analyst, visit):
    api = api_client(analyst)
    url = f"/api/events/{visit.pk}/"
    etag = api.get(url)["ETag"]
    records = visit.history.count()

    response = api.patch(
        url,
        {"title": TITLE, "citations": [{"source": "moscow-report", "quote": VISIT}]},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200
    assert response["ETag"] == etag == '"1"'
    assert visit.history.count() == records


def test_a_patch_repeating_the_same_actors_records_nothing_about_them(analyst, visit):
    api = api_client(analyst)
    response = api.patch(
        f"/api/events/{visit.pk}/",
        {"title": "Renamed", "actors": [{"name": "Min Aung Hlaing", "role": "visitor"}]},
        format="json",
    )

    assert response.status_code == 200
    latest = history(Event.objects.get(pk=visit.pk))[0]
    assert [(c.label, c.after) for c in latest.fields] == [("title", "Renamed")]
    assert latest.participants == []
    assert latest.evidence == []


def test_posting_the_same_citation_twice_stores_it_once(analyst, visit):
    api = api_client(analyst)
    body = {"event": visit.pk, "source": "moscow-report", "quote": MEETING}

    first = api.post("/api/citations/", body, format="json")
    second = api.post("/api/citations/", body, format="json")

    assert first.status_code == 201
    assert second.status_code == 400
    assert "already cites" in second.json()["quote"][0]
    assert visit.citations.filter(quote=MEETING).count() == 1
    assert Event.objects.get(pk=visit.pk).version == 2


def test_deleting_a_citation_twice_is_a_404_the_second_time_and_bumps_once(analyst, visit, report):
    api = api_client(analyst)
    extra = api.post(
        "/api/citations/",
        {"event": visit.pk, "source": "moscow-report", "quote": MEETING},
        format="json",
    ).json()["id"]

    assert api.delete(f"/api/citations/{extra}/").status_code == 204
    assert api.delete(f"/api/citations/{extra}/").status_code == 404
    assert Event.objects.get(pk=visit.pk).version == 3


def test_removing_a_citation_someone_removed_meanwhile_says_so_on_the_form(client, analyst, report):
    event = save_event(
        Event(title=TITLE, type="visit", status=Status.DRAFT),
        citations=[NewCitation(locate(report, VISIT)), NewCitation(locate(report, MEETING))],
    )
    gone = event.citations.get(quote=MEETING)
    gone_pk = gone.pk
    gone.delete()
    client.force_login(analyst)

    response = client.post(
        reverse("event-edit", args=[event.pk]),
        form_data(title=TITLE, version=event.version, remove=[gone_pk]),
    )

    assert response.status_code == 400
    assert "no longer on this event" in response.content.decode()


def test_a_new_actor_gets_a_free_slug(analyst, report):
    ActorFactory(name="Min Aung Hlaing", slug="new-actor")
    event = save_event(
        Event(title=TITLE, status=Status.DRAFT),
        actors=[ActorChoice(role="host", name="New Actor", kind="person")],
    )
    assert event.participations.get().actor.slug == "new-actor-2"


def test_the_database_refuses_a_second_citation_of_the_same_span(visit):
    from django.db import IntegrityError, transaction

    citation = visit.citations.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(
            event=visit,
            passage=citation.passage,
            quote=citation.quote,
            start=citation.start,
            end=citation.end,
        )


# Races (PostgreSQL: SQLite runs one writer at a time anyway) ---------------------------------


def race(count: int, act) -> list:
    """Run ``act(i)`` in ``count`` threads released at once; their results in order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = act(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_posts_of_one_citation_store_one(analyst, visit):
    token = Token.objects.get_or_create(user=analyst)[0].key
    body = {"event": visit.pk, "source": "moscow-report", "quote": MEETING}

    def post(_i: int) -> int:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client.post("/api/citations/", body, format="json").status_code

    statuses = race(8, post)

    assert sorted(statuses) == [201] + [400] * 7
    assert visit.citations.filter(quote=MEETING).count() == 1
    assert Event.objects.get(pk=visit.pk).version == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_analysts_citing_the_same_selection_at_once_store_it_once(
    analyst, django_user_model, visit, report
):
    from django.contrib.auth.models import Group
    from django.test import Client

    other = django_user_model.objects.create_user("analyst2", password="not-a-default-3")
    other.groups.add(Group.objects.get(name="analysts"))
    passage = report.passages.get(index=1)
    start = passage.text.index(MEETING)
    data = {"passage": passage.pk, "start": start, "end": start + len(MEETING)}

    for _round in range(5):
        Citation.objects.filter(quote=MEETING).delete()

        def cite(i: int) -> int:
            client = Client()
            client.force_login([analyst, other][i])
            return client.post(reverse("event-cite", args=[visit.pk]), data).status_code

        assert race(2, cite) == [302, 302]
        assert visit.citations.filter(quote=MEETING).count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_deletes_of_one_citation_remove_it_once(analyst, visit):
    extra = save_event(
        Event.objects.get(pk=visit.pk), add_citations=[NewCitation(locate(visit_source(), MEETING))]
    )
    citation = extra.citations.get(quote=MEETING)
    token = Token.objects.get_or_create(user=analyst)[0].key

    def delete(_i: int) -> int:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client.delete(f"/api/citations/{citation.pk}/").status_code

    assert sorted(race(2, delete)) == [204, 404]
    assert Event.objects.get(pk=visit.pk).version == 3


def visit_source():
    from sources.models import Source

    return Source.objects.get(key="moscow-report")


def test_factories_make_drafts_and_published_events_have_a_citation():
    assert EventFactory().status == Status.DRAFT
    published = EventFactory(published=True)
    assert published.status == Status.PUBLISHED
    assert published.citations.count() == 1


# The rules set-wise, for a bulk import -------------------------------------------------------


def test_new_actor_slugs_can_be_allocated_for_a_batch_without_queries(django_assert_num_queries):
    from events.services import new_actor_slug

    taken = {"tatmadaw", "tatmadaw-2"}
    with django_assert_num_queries(0):
        assert new_actor_slug("Tatmadaw", taken) == "tatmadaw-3"


# The admin writes through the writer too -----------------------------------------------------


def test_an_admin_save_that_changes_nothing_takes_no_version(admin_client, visit):
    from tests.test_history import admin_form_data

    url = reverse("admin:events_event_change", args=[visit.pk])
    response = admin_client.post(url, admin_form_data(admin_client.get(url)))

    assert response.status_code == 302
    assert Event.objects.get(pk=visit.pk).version == 1


def test_the_admin_cannot_remove_a_published_events_last_citation(admin_client, visit):
    from tests.test_history import admin_form_data

    url = reverse("admin:events_event_change", args=[visit.pk])
    data = admin_form_data(admin_client.get(url))
    data["citations-0-DELETE"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "at least one citation" in response.content.decode()
    assert visit.citations.count() == 1
    citation = visit.citations.get()
    delete_url = reverse("admin:events_citation_delete", args=[citation.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert visit.citations.count() == 1


def test_a_citation_added_in_the_admin_takes_one_version(admin_client, visit, report):
    passage = report.passages.get(index=1)
    start = passage.text.index(MEETING)
    response = admin_client.post(
        reverse("admin:events_citation_add"),
        {
            "event": visit.pk,
            "passage": passage.pk,
            "quote": MEETING,
            "start": start,
            "end": start + len(MEETING),
            "date_text": "",
            "note": "",
        },
    )

    assert response.status_code == 302
    assert visit.citations.count() == 2
    assert Event.objects.get(pk=visit.pk).version == 2
