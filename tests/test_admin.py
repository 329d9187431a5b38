import pytest
from django.core.management import call_command
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
def test_every_model_has_a_searchable_admin_list(admin_client, model):
    call_command("load_timeline", verbosity=0)
    response = admin_client.get(reverse(f"admin:{model}_changelist"), {"q": "Moscow"})
    assert response.status_code == 200


def test_event_admin_shows_participants_and_citations_inline(admin_client):
    call_command("load_timeline", verbosity=0)
    event = Event.objects.filter(citations__isnull=False).first()
    body = admin_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert "participations-TOTAL_FORMS" in body
    assert "citations-TOTAL_FORMS" in body


def test_anonymous_visitors_cannot_open_the_admin(client):
    response = client.get(reverse("admin:events_event_changelist"))
    assert response.status_code == 302
