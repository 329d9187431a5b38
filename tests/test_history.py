"""Every change to an event, its participants and citations is recorded; /events/<id>/history/
lists the versions with readable diffs, and an analyst can restore one."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.history import RestoreError, history, restore
from events.models import Citation, Event, Participation, Role, Status
from events.services import cite, locate
from sources.models import Passage
from sources.services import import_source
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "Min Aung Hlaing visited Moscow on June 22.\n"
    "He met Sergei Shoigu, who called Myanmar a strategic partner.\n"
    "An uncited closing line.\n"
)


@pytest.fixture
def source():
    made, _ = import_source(TEXT, title="A report", key="report")
    return made


@pytest.fixture
def people():
    return ActorFactory(name="Min Aung Hlaing"), ActorFactory(name="Sergei Shoigu")


def new_event(source, people, user=None) -> Event:
    """Version 1: an event with one participant and one citation, as the form writes it."""
    event = Event(
        title="Visit to Moscow",
        type="visit",
        status=Status.PUBLISHED,
        date_start=dt.date(2021, 6, 22),
        date_text="June 22",
    )
    event._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    event.save()
    Participation.objects.create(event=event, actor=people[0], role=Role.VISITOR)
    cite(event, locate(source, "visited Moscow on June 22"))
    return event


def edit(event: Event, **fields) -> Event:
    """A new version: fields changed and the version bumped before the children change."""
    for name, value in fields.items():
        setattr(event, name, value)
    event.version += 1
    event.save()
    return event


def page(client, event):
    return client.get(reverse("event-history", args=[event.pk]))


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


# Records: who, when, before and after


def test_each_write_leaves_a_record_with_the_values_after_it(source, people, analyst):
    event = new_event(source, people, user=analyst)
    edit(event, title="Visit to Moscow and Kazan")
    records = list(event.history.order_by("history_date"))
    assert [r.title for r in records] == ["Visit to Moscow", "Visit to Moscow and Kazan"]
    assert [r.version for r in records] == [1, 2]
    assert [r.history_type for r in records] == ["+", "~"]
    assert records[0].history_user == analyst
    assert Participation.history.filter(event_id=event.pk).count() == 1
    assert Citation.history.filter(event_id=event.pk).count() == 1


def test_history_lists_versions_newest_first_with_a_readable_field_diff(source, people):
    event = new_event(source, people)
    edit(event, title="Visit to Russia", date_precision="month", date_text="June")
    versions = history(event)
    assert [v.number for v in versions] == [2, 1]
    assert versions[0].is_current
    assert not versions[1].is_current
    assert versions[1].created
    assert [(c.label, c.before, c.after) for c in versions[0].fields] == [
        ("title", "Visit to Moscow", "Visit to Russia"),
        ("start", "22 June 2021", "1 June 2021"),  # a month is kept as its first day
        ("precision", "day", "month"),
        ("date as written", "June 22", "June"),
    ]


def test_history_shows_participants_and_citations_added_removed_and_changed(source, people):
    event = new_event(source, people)
    edit(event)
    event.participations.get().delete()
    Participation.objects.create(event=event, actor=people[1], role=Role.HOST)
    cite(event, locate(source, "called Myanmar a strategic partner"), note="Shoigu's words")
    edit(event)
    citation = event.citations.get(quote__startswith="visited")
    citation.date_text = "June 22"
    citation.save()

    newest, middle, first = history(event)
    assert [(i.kind, i.label) for i in first.participants] == [
        ("added", "Min Aung Hlaing (visitor)")
    ]
    assert [(i.kind, i.label) for i in first.evidence] == [
        ("added", "“visited Moscow on June 22” (report ¶0)")
    ]
    assert [(i.kind, i.label) for i in middle.participants] == [
        ("removed", "Min Aung Hlaing (visitor)"),
        ("added", "Sergei Shoigu (host)"),
    ]
    assert [(i.kind, i.label) for i in middle.evidence] == [
        ("added", "“called Myanmar a strategic partner” (report ¶1)")
    ]
    assert middle.fields == []
    [changed] = newest.evidence
    assert changed.kind == "changed"
    assert [(c.label, c.before, c.after) for c in changed.changes] == [
        ("date text", "(empty)", "June 22")
    ]


def test_children_saved_before_the_version_bump_belong_to_the_new_version(source, people):
    event = new_event(source, people)
    with transaction.atomic():  # as POST /api/citations/ does: cite, then bump
        cite(event, locate(source, "called Myanmar a strategic partner"))
        edit(event)
    with transaction.atomic():  # and the usual order: bump, then change the children
        edit(event)
        event.participations.get().delete()
    newest, middle, first = history(event)
    assert [i.kind for i in first.evidence] == ["added"]
    assert [(i.kind, i.label) for i in middle.evidence] == [
        ("added", "“called Myanmar a strategic partner” (report ¶1)")
    ]
    assert middle.participants == []
    assert [(i.kind, i.label) for i in newest.participants] == [
        ("removed", "Min Aung Hlaing (visitor)")
    ]
    assert len(first.citations) == 1
    assert len(middle.citations) == 2


def test_the_history_page_shows_who_when_and_before_after(analyst_client, analyst, source, people):
    event = new_event(source, people, user=analyst)
    event._history_user = analyst
    edit(event, status=Status.DRAFT, title="<b>Visit</b> to Moscow")
    html = page(analyst_client, event).content.decode()
    assert "Version 2" in html
    assert "Version 1" in html
    assert html.index("Version 2") < html.index("Version 1")
    assert "by <strong>analyst</strong>" in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', html)
    assert "<del>published</del>" in html
    assert "<ins>draft</ins>" in html
    assert "<ins>&lt;b&gt;Visit&lt;/b&gt; to Moscow</ins>" in html
    assert "Added: Min Aung Hlaing (visitor)" in html
    assert "Restore version 1" in html
    assert "Restore version 2" not in html


def test_writes_through_the_site_record_the_signed_in_user(client, analyst, source, people):
    event = new_event(source, people)
    client.force_login(analyst)
    record = event.history.earliest()
    response = client.post(
        reverse("event-restore", args=[event.pk, record.history_id]), {"version": "1"}
    )
    assert response.status_code == 302
    # Nothing to restore: version 1 is current; the refusal is a message, no write.
    assert event.history.count() == 1
    edit(event, title="Changed in the shell")
    client.post(reverse("event-restore", args=[event.pk, record.history_id]), {"version": "2"})
    latest = event.history.latest()
    assert latest.history_user == analyst
    assert latest.history_change_reason == "Restored version 1"


def test_writes_through_the_api_record_the_token_user(source, people, analyst):
    event = new_event(source, people)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    response = api.patch(f"/api/events/{event.pk}/", {"title": "Patched by token"}, format="json")
    assert response.status_code == 200, response.content
    latest = event.history.latest()
    assert (latest.title, latest.history_user) == ("Patched by token", analyst)
    newest = history(event)[0]
    assert newest.user == analyst
    assert [(c.before, c.after) for c in newest.fields] == [("Visit to Moscow", "Patched by token")]


def test_a_citation_added_through_the_api_is_part_of_the_version_it_bumps(source, people, analyst):
    event = new_event(source, people)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    response = api.post(
        "/api/citations/",
        {"event": event.pk, "source": "report", "quote": "called Myanmar a strategic partner"},
        format="json",
    )
    assert response.status_code == 201, response.content
    newest, first = history(event)
    assert (newest.number, newest.user) == (2, analyst)
    assert [(i.kind, i.label) for i in newest.evidence] == [
        ("added", "“called Myanmar a strategic partner” (report ¶1)")
    ]
    assert len(first.citations) == 1
    assert Citation.history.filter(event_id=event.pk).latest().history_user == analyst


def test_participants_set_through_the_api_are_recorded(source, people, analyst):
    event = new_event(source, people)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    response = api.patch(
        f"/api/events/{event.pk}/",
        {"actors": [{"name": "Sergei Shoigu", "role": "host"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    newest = history(event)[0]
    assert [(i.kind, i.label) for i in newest.participants] == [
        ("removed", "Min Aung Hlaing (visitor)"),
        ("added", "Sergei Shoigu (host)"),
    ]


def admin_form_data(response) -> dict:
    """What the admin change form would post back unchanged."""
    data = {}

    def add(form):
        for field in form:
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            data[field.html_name] = "" if value is None else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def test_writes_through_the_admin_record_the_admin_user(admin_client, admin_user, source, people):
    event = new_event(source, people)
    url = reverse("admin:events_event_change", args=[event.pk])
    data = admin_form_data(admin_client.get(url))
    data["title"] = "Renamed in the admin"
    data["participations-0-role"] = Role.HOST
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = event.history.latest()
    assert (latest.title, latest.history_user) == ("Renamed in the admin", admin_user)
    changed = Participation.history.filter(event_id=event.pk).latest()
    assert (changed.role, changed.history_user) == (Role.HOST, admin_user)
    newest = history(event)[0]
    assert [(i.kind, i.label) for i in newest.participants] == [
        ("changed", "Min Aung Hlaing (host)")
    ]


# Restore


def test_restore_puts_back_fields_participants_and_citations_as_a_new_version(
    source, people, analyst
):
    event = new_event(source, people)
    first = event.history.earliest()
    first_citation = event.citations.get()
    first_citation_pk = first_citation.pk
    edit(event, title="Wrong title", location="Kazan", date_approximate=True)
    event.participations.all().delete()
    Participation.objects.create(event=event, actor=people[1], role=Role.HOST)
    first_citation.delete()
    cite(event, locate(source, "called Myanmar a strategic partner"))

    restored = restore(event, first.history_id, analyst, expected_version=2)

    restored.refresh_from_db()
    assert (restored.title, restored.location, restored.date_approximate) == (
        "Visit to Moscow",
        "",
        False,
    )
    assert restored.version == 3
    assert restored.span_start == dt.date(2021, 6, 22)
    assert [(p.actor, p.role) for p in restored.participations.all()] == [(people[0], Role.VISITOR)]
    [citation] = restored.citations.all()
    assert (citation.quote, citation.start, citation.end) == (
        first_citation.quote,
        first_citation.start,
        first_citation.end,
    )
    assert citation.pk == first_citation_pk  # the reader's anchor #c-<id> works again
    newest = history(restored)[0]
    assert (newest.number, newest.user, newest.reason) == (3, analyst, "Restored version 1")
    assert [(c.before, c.after) for c in newest.fields if c.label == "title"] == [
        ("Wrong title", "Visit to Moscow")
    ]
    assert {i.kind for i in newest.participants} == {"added", "removed"}


def test_restore_keeps_rows_written_without_history(source, people, analyst):
    event = new_event(source, people)
    first = event.history.earliest()
    edit(event, title="Second")
    # bulk_create sends no signals, so history never sees these rows: a restore keeps them.
    Participation.objects.bulk_create([Participation(event=event, actor=people[1], role="host")])
    located = locate(source, "called Myanmar a strategic partner")
    Citation.objects.bulk_create(
        [Citation(event=event, passage=located.passage, quote=located.quote,
                  start=located.start, end=located.end)]
    )  # fmt: skip

    restore(event, first.history_id, analyst)

    event.refresh_from_db()
    assert event.title == "Visit to Moscow"
    assert {(p.actor, p.role) for p in event.participations.all()} == {
        (people[0], Role.VISITOR),
        (people[1], Role.HOST),
    }
    assert event.citations.count() == 2


def test_restore_of_a_version_where_a_citation_changed_puts_the_old_values_back(
    source, people, analyst
):
    event = new_event(source, people)
    first = event.history.earliest()
    edit(event)
    citation = event.citations.get()
    citation.note = "added later"
    citation.save()
    restore(event, first.history_id, analyst)
    citation.refresh_from_db()
    assert citation.note == ""


def test_restore_refuses_a_citation_whose_passage_no_longer_exists_and_writes_nothing(
    analyst, people
):
    other, _ = import_source("A short note.\nShoigu spoke.\n", title="Note", key="note")
    event = Event.objects.create(title="Speech", status=Status.DRAFT)
    cite(event, locate(other, "Shoigu spoke."))
    first = event.history.earliest()
    edit(event, title="Speech (renamed)")
    event.citations.all().delete()
    Passage.objects.filter(source=other).delete()
    other.delete()
    records = event.history.count()

    with pytest.raises(RestoreError, match="passage that no longer exists"):
        restore(event, first.history_id, analyst)

    event.refresh_from_db()
    assert (event.title, event.version) == ("Speech (renamed)", 2)
    assert event.history.count() == records
    assert not event.citations.exists()


def test_restore_refuses_when_the_event_changed_since_the_page_was_opened(source, people, analyst):
    event = new_event(source, people)
    first = event.history.earliest()
    edit(event, title="Second")
    with pytest.raises(RestoreError, match="changed since you opened its history"):
        restore(event, first.history_id, analyst, expected_version=1)
    event.refresh_from_db()
    assert (event.title, event.version) == ("Second", 2)


def test_restore_refuses_a_version_of_another_event(source, people, analyst):
    event = new_event(source, people)
    other = Event.objects.create(title="Other")
    with pytest.raises(RestoreError, match="not in this event's history"):
        restore(event, other.history.earliest().history_id, analyst)


def test_restore_through_the_page_redirects_back_with_a_message(analyst_client, source, people):
    event = new_event(source, people)
    first = event.history.earliest()
    edit(event, title="Second")
    response = analyst_client.post(
        reverse("event-restore", args=[event.pk, first.history_id]), {"version": "2"}, follow=True
    )
    assert response.redirect_chain == [(reverse("event-history", args=[event.pk]), 302)]
    assert "Restored: the event is now version 3" in response.content.decode()
    event.refresh_from_db()
    assert (event.title, event.version) == ("Visit to Moscow", 3)


def test_a_refused_restore_through_the_page_says_why(analyst_client, source, people):
    event = new_event(source, people)
    first = event.history.earliest()
    edit(event, title="Second")
    response = analyst_client.post(
        reverse("event-restore", args=[event.pk, first.history_id]), {"version": "1"}, follow=True
    )
    assert "changed since you opened its history" in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Second"


# Who may see and restore


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("reader", 403), ("analyst", 200)])
def test_the_history_page_is_for_analysts_only(
    client, analyst, reader, source, people, who, status
):
    event = new_event(source, people)
    if who != "anonymous":
        client.force_login({"reader": reader, "analyst": analyst}[who])
    response = page(client, event)
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_only_analysts_can_restore(client, reader, source, people, who):
    event = new_event(source, people)
    first = event.history.earliest()
    edit(event, title="Second")
    if who == "reader":
        client.force_login(reader)
    response = client.post(reverse("event-restore", args=[event.pk, first.history_id]))
    assert response.status_code == {"anonymous": 302, "reader": 403}[who]
    event.refresh_from_db()
    assert (event.title, event.version) == ("Second", 2)


def test_restore_is_post_only(analyst_client, source, people):
    event = new_event(source, people)
    first = event.history.earliest()
    response = analyst_client.get(reverse("event-restore", args=[event.pk, first.history_id]))
    assert response.status_code == 405


def test_history_of_a_missing_event_is_404(analyst_client):
    assert analyst_client.get(reverse("event-history", args=[999])).status_code == 404


@pytest.mark.parametrize("versions", [1, 4, 12])
def test_the_history_page_runs_the_same_queries_however_many_versions(
    analyst_client, django_assert_num_queries, source, people, versions
):
    event = new_event(source, people)
    for i in range(versions - 1):
        edit(event, title=f"Title {i}")
        Participation.objects.create(event=event, actor=ActorFactory(), role=Role.HOST)
        # A span is cited once per event: a shorter quote of the same line each time.
        cite(event, locate(source, "An uncited closing line."[: 24 - i]), note=str(i))
    # session, user, groups (is_analyst), event, 3 history tables, actors, passages
    with django_assert_num_queries(9):
        response = page(analyst_client, event)
    assert response.content.decode().count('class="version"') == versions


def test_a_deleted_user_leaves_the_record_without_a_name(analyst_client, source, people):
    user = get_user_model().objects.create_user("gone", password="x-not-default-3")
    event = new_event(source, people, user=user)
    user.delete()
    html = page(analyst_client, event).content.decode()
    assert "an unrecorded user" in html
