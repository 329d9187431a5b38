import pytest
from django.urls import reverse

from events.models import Event

pytestmark = pytest.mark.django_db

MODELS = [
    "sources_source",
    "sources_passage",
    "events_actor",
    "events_alias",
    "events_event",
    "events_participation",
    "events_citation",
]


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_a_searchable_admin_list(admin_client, published_timeline, model):
    response = admin_client.get(reverse(f"admin:{model}_changelist"), {"q": "Moscow"})
    assert response.status_code == 200


def test_event_admin_shows_participants_and_citations_inline(admin_client, published_timeline):
    event = Event.objects.filter(citations__isnull=False).first()
    body = admin_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert "participations-TOTAL_FORMS" in body
    assert "citations-TOTAL_FORMS" in body


def test_anonymous_visitors_cannot_open_the_admin(client):
    response = client.get(reverse("admin:events_event_changelist"))
    assert response.status_code == 302


def _change_form_data(response) -> dict:
    """The admin change form as the browser would post it back, unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        forms += formset.forms
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None or value is False:
                continue
            if hasattr(value, "pk"):
                value = value.pk
            data[form.add_prefix(name)] = value
    return data


def test_saving_an_event_in_the_admin_takes_a_new_version(admin_client, published_timeline):
    event = Event.objects.filter(citations__isnull=False).first()
    url = reverse("admin:events_event_change", args=[event.pk])
    data = _change_form_data(admin_client.get(url))
    data["title"] = event.title + " (edited)"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    event_after = Event.objects.get(pk=event.pk)
    assert event_after.title.endswith("(edited)")
    assert event_after.version == event.version + 1


def test_deleting_a_participant_in_the_admin_is_a_change_to_its_event(
    admin_client, published_timeline
):
    event = Event.objects.filter(participations__isnull=False).first()
    participation = event.participations.first()

    admin_client.post(
        reverse("admin:events_participation_delete", args=[participation.pk]), {"post": "yes"}
    )

    assert Event.objects.get(pk=event.pk).version == event.version + 1


def test_a_cited_sources_title_can_be_corrected_in_the_admin(admin_client, published_timeline):
    from sources.models import Source

    source = Source.objects.filter(passages__citations__isnull=False).distinct().first()
    url = reverse("admin:sources_source_change", args=[source.pk])
    page = admin_client.get(url)
    data = _change_form_data(page)
    data["title"] = "A corrected title"
    data["text"] = source.text.strip().replace("\n", "\r\n")  # as a browser would send it

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    after = Source.objects.get(pk=source.pk)
    assert after.title == "A corrected title"
    assert after.text == source.text
    assert source.text[:40] in page.content.decode()  # still shown
