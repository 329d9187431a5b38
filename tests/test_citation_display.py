"""How a citation reads: context from whole words, the source's publisher and address."""

import pytest
from django.urls import reverse

from events.models import Citation, Status
from events.services import cite, locate
from sources.services import import_source
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "In the morning the delegation arrived and was greeted by officials who then escorted him "
    "and his aides to the ministry. Min Aung Hlaing met Sergei Shoigu in Moscow. Afterwards "
    "the two sides signed a roadmap on military cooperation for the coming years."
)


def cited(url: str = "https://example.org/report", publisher: str = "Example News"):
    source, _ = import_source(TEXT, title="A report", key="a-report", url=url, publisher=publisher)
    event = EventFactory.create(title="Talks in Moscow", status=Status.PUBLISHED)
    cite(event, locate(source, "Min Aung Hlaing met Sergei Shoigu in Moscow."))
    return source, event


def test_quote_context_is_trimmed_to_whole_words():
    _source, event = cited()
    citation = Citation.objects.get(event=event)
    assert citation.prefix_cut
    assert citation.suffix_cut
    assert citation.prefix.endswith(citation.context_before)
    assert citation.suffix.startswith(citation.context_after)
    words = TEXT.split()
    assert citation.context_before.split()[0] in words
    assert citation.context_after.split()[-1] in words


def test_event_page_shows_whole_word_context_publisher_and_original_link(client):
    _source, event = cited()
    body = client.get(reverse("event-detail", args=[event.pk])).content.decode()
    citation = Citation.objects.get(event=event)
    assert f"…{citation.context_before}</span>" in body
    assert "Example News," in body
    assert '<a class="original" href="https://example.org/report"' in body


def test_the_reader_shows_the_source_address_and_only_web_addresses_are_links(client):
    source, _event = cited()
    body = client.get(reverse("source-detail", args=[source.pk])).content.decode()
    assert 'Original: <a href="https://example.org/report"' in body
    source.url = "javascript:alert(1)"
    source.save()
    body = client.get(reverse("source-detail", args=[source.pk])).content.decode()
    assert "javascript:alert" not in body
