"""Two analysts editing one event: the second save is refused, shows what changed, loses nothing."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from events.forms import ActorChoice
from events.models import Actor, Citation, Event, Participation, Status
from events.services import EditConflict, NewCitation, locate, save_event
from tests.event_form_data import form_data
from tests.factories import ActorFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def first(analyst) -> Client:
    client = Client()
    client.force_login(analyst)
    return client


@pytest.fixture
def second(django_user_model) -> Client:
    user = django_user_model.objects.create_user("second", password="not-a-default-3")
    user.groups.add(Group.objects.get(name="analysts"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def event():
    return EventFactory(
        title="Shoigu in Naypyidaw", summary="", location="Naypyidaw", status=Status.DRAFT
    )


def edit(client, event, **data):
    return client.post(reverse("event-edit", args=[event.pk]), form_data(**data), **{})


def test_the_second_save_from_the_same_version_is_refused_and_keeps_its_input(first, second, event):
    assert edit(first, event, version=1, title="Shoigu visits Naypyidaw").status_code == 302

    response = edit(
        second,
        event,
        version=1,
        title="Shoigu meets Min Aung Hlaing",
        summary="Typed by the second analyst.",
        location="Naypyidaw",
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "Not saved: another analyst changed this event" in body
    assert "You started from version 1; it is now at version 2, saved by <strong>analyst" in body
    assert "Shoigu in Naypyidaw" in body  # when the second analyst loaded it
    assert '<td class="theirs">Shoigu visits Naypyidaw</td>' in body
    assert '<td class="yours">Shoigu meets Min Aung Hlaing</td>' in body
    # Nothing typed is lost; saving again is deliberate, from the current version.
    assert 'name="title" value="Shoigu meets Min Aung Hlaing"' in body
    assert "Typed by the second analyst.</textarea>" in body
    assert 'name="version" value="2"' in body
    event.refresh_from_db()
    assert (event.title, event.summary, event.version) == ("Shoigu visits Naypyidaw", "", 2)


def test_saving_again_after_seeing_the_conflict_replaces_their_version(first, second, event):
    edit(first, event, version=1, title="Theirs")
    edit(second, event, version=1, title="Mine")
    assert edit(second, event, version=2, title="Mine").status_code == 302
    event.refresh_from_db()
    assert (event.title, event.version) == ("Mine", 3)


def test_fields_the_other_analyst_did_not_change_are_not_listed(first, second, event):
    edit(first, event, version=1, title=event.title, location="Moscow")
    body = edit(second, event, version=1, title=event.title, location="Naypyidaw").content.decode()
    assert '<th scope="row">Location</th>' in body
    assert '<th scope="row">Title</th>' not in body


def test_a_conflict_shows_changed_actors(first, second, event):
    ActorFactory(name="Sergei Shoigu")
    ActorFactory(name="Min Aung Hlaing")
    edit(
        first,
        event,
        version=1,
        title=event.title,
        actors=[{"name": "Sergei Shoigu", "role": "visitor"}],
    )
    body = edit(
        second,
        event,
        version=1,
        title=event.title,
        actors=[{"name": "Min Aung Hlaing", "role": "host"}],
    ).content.decode()
    assert "Sergei Shoigu (visitor)" in body
    assert "Min Aung Hlaing (host)" in body
    assert 'name="actors-0-name" value="Min Aung Hlaing"' in body
    assert [p.actor.name for p in Participation.objects.filter(event=event)] == ["Sergei Shoigu"]


def test_a_quote_cited_from_the_reader_meanwhile_is_a_conflict_too(first, second, event):
    source = SourceFactory()
    passage = source.passages.get(index=1)
    quote = "He met Sergei Shoigu in Moscow."
    start = passage.text.index(quote)
    first.post(
        reverse("event-cite", args=[event.pk]),
        {"passage": passage.pk, "start": start, "end": start + len(quote)},
    )
    response = edit(second, event, version=1, title="Changed")
    body = response.content.decode()
    assert response.status_code == 409
    assert '<th scope="row">Citations</th>' in body
    assert quote in body
    assert Event.objects.get().title == event.title


def test_htmx_gets_the_conflict_as_a_fragment(first, second, event):
    edit(first, event, version=1, title="Theirs")
    response = second.post(
        reverse("event-edit", args=[event.pk]),
        form_data(version=1, title="Mine"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "<html" not in body
    assert "Not saved: another analyst changed this event" in body


def test_a_stale_save_writes_nothing_at_all(analyst, event):
    source = SourceFactory()
    Event.objects.filter(pk=event.pk).update(version=2)
    event.title = "Stale"
    with pytest.raises(EditConflict):
        save_event(
            event,
            actors=[ActorChoice(role="host", name="Brand New", kind="person")],
            add_citations=[NewCitation(locate(source, "He met Sergei Shoigu in Moscow."))],
            base_version=1,
            user=analyst,
        )
    stored = Event.objects.get()
    assert (stored.title, stored.version) == ("Shoigu in Naypyidaw", 2)
    assert not Actor.objects.exists()
    assert not Citation.objects.exists()


def test_a_save_from_the_current_version_bumps_it_by_exactly_one(analyst, event):
    event.title = "Fresh"
    save_event(event, actors=[], base_version=1, user=analyst)
    assert Event.objects.get().version == 2
    assert event.history.count() == 2


def test_readers_cannot_edit_even_with_the_right_version(client, reader, event):
    client.force_login(reader)
    assert edit(client, event, version=1, title="Reader").status_code == 403
    event.refresh_from_db()
    assert (event.title, event.version) == ("Shoigu in Naypyidaw", 1)


def test_anonymous_visitors_cannot_edit(client, event):
    response = edit(client, event, version=1, title="Anonymous")
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.version == 1


def test_saving_again_keeps_their_change_to_a_field_you_had_not_changed(first, second, event):
    # The first analyst corrects the title; the second, from the same version, the location.
    edit(first, event, version=1, title="Shoigu visits Naypyidaw", location="Naypyidaw")
    response = edit(second, event, version=1, title="Shoigu in Naypyidaw", location="Nay Pyi Taw")
    body = response.content.decode()
    assert response.status_code == 409
    assert "Not changed by you: theirs is kept below" in body
    assert 'name="title" value="Shoigu visits Naypyidaw"' in body  # theirs, not the loaded one
    assert 'name="location" value="Nay Pyi Taw"' in body  # yours, typed

    # Saving the form as shown keeps both changes.
    assert (
        edit(
            second, event, version=2, title="Shoigu visits Naypyidaw", location="Nay Pyi Taw"
        ).status_code
        == 302
    )
    event.refresh_from_db()
    assert (event.title, event.location, event.version) == (
        "Shoigu visits Naypyidaw",
        "Nay Pyi Taw",
        3,
    )


def test_a_field_both_analysts_changed_keeps_yours_in_the_form(first, second, event):
    edit(first, event, version=1, title="Theirs")
    body = edit(second, event, version=1, title="Mine").content.decode()
    assert 'name="title" value="Mine"' in body
    assert '<td class="yours">Mine</td>' in body


def test_their_date_is_kept_when_you_had_not_changed_it(first, second, event):
    edit(first, event, version=1, title=event.title, date_text="c. 26 March 2021")
    event.refresh_from_db()
    assert event.date_approximate
    body = edit(
        second,
        event,
        version=1,
        title=event.title,
        date_text="",
        date_start="2021-06-22",  # as loaded
        date_precision="day",
        location="Moscow",
    ).content.decode()
    assert 'name="date_text" id="id_date_text" value="c. 26 March 2021"' in body
    assert 'name="date_start" value="2021-03-26"' in body
    assert 'name="date_approximate" id="id_date_approximate" checked>' in body


def test_their_actors_are_kept_when_you_had_not_changed_them(first, second, event):
    ActorFactory(name="Sergei Shoigu")
    edit(
        first,
        event,
        version=1,
        title=event.title,
        actors=[{"name": "Sergei Shoigu", "role": "visitor"}],
    )
    body = edit(second, event, version=1, title=event.title, location="Moscow").content.decode()
    assert 'name="actors-0-name" value="Sergei Shoigu"' in body
    assert "Not changed by you: theirs is kept below" in body
