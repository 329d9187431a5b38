"""Two analysts correcting the same source: a stale save is refused, on the page (409, the
form kept as typed, what the other changed above it) and through the API (If-Match: 412)."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sources.models import Source
from sources.services import correct_source, import_source

pytestmark = pytest.mark.django_db

TEXT = "Defence ties deepen\n\nSergei Shoigu met Min Aung Hlaing in Naypyitaw on Tuesday.\n"


@pytest.fixture
def source(db) -> Source:
    made, _ = import_source(TEXT, title="Defence ties deepen", key="defence-ties")
    return made


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def other_analyst(django_user_model, group_of_analysts):
    user = django_user_model.objects.create_user("colleague", password="not-a-default-9")
    user.groups.add(group_of_analysts)
    return user


def words(html: str) -> str:
    return " ".join(html.split())


def url(source: Source) -> str:
    return reverse("source-edit", args=[source.pk])


def details(**changes) -> dict:
    return {
        "title": "Defence ties deepen",
        "publisher": "",
        "author": "",
        "url": "",
        "published": "",
        "reference_date": "",
        "version": "1",
        **changes,
    }


def test_the_form_carries_the_version_it_was_opened_at(analyst_client, source):
    correct_source(source, {"title": "Changed once"})
    body = analyst_client.get(url(source)).content.decode()
    assert '<input type="hidden" name="version" value="2"' in body


def test_a_stale_save_is_refused_keeping_what_was_typed(analyst_client, other_analyst, source):
    # The colleague saves first, from the same version.
    correct_source(source, {"publisher": "TASS"}, base_version=1, user=other_analyst)

    response = analyst_client.post(
        url(source), details(title="Shoigu in Naypyitaw", author="A. Writer")
    )

    assert response.status_code == 409
    stored = Source.objects.get(pk=source.pk)
    assert (stored.title, stored.publisher, stored.author, stored.version) == (
        "Defence ties deepen",
        "TASS",
        "",
        2,
    )
    body = words(response.content.decode())
    assert "Not saved: another analyst changed this source" in body
    assert (
        "You started from version 1; it is now at version 2, saved by <strong>colleague</strong>"
        in body
    )
    # What they changed: when loaded, theirs, yours.
    assert (
        '<th scope="row">Publisher</th><td>—</td><td class="theirs">TASS</td>'
        '<td class="yours">—</td>' in body
    )
    # What was typed is kept, and the form now carries the current version.
    assert 'value="Shoigu in Naypyitaw"' in body
    assert 'value="A. Writer"' in body
    assert '<input type="hidden" name="version" value="2"' in body
    assert f'<a href="{url(source)}">start again from theirs</a>' in body


def test_saving_again_after_a_conflict_replaces_their_version(analyst_client, source):
    correct_source(source, {"publisher": "TASS"})
    analyst_client.post(url(source), details(title="Mine"))  # refused: version 1
    response = analyst_client.post(url(source), details(title="Mine", version="2"))
    assert response.status_code == 302
    stored = Source.objects.get(pk=source.pk)
    assert (stored.title, stored.publisher, stored.version) == ("Mine", "", 3)


def test_a_form_without_its_version_writes_nothing(analyst_client, source):
    data = details(title="Mine")
    del data["version"]
    response = analyst_client.post(url(source), data)
    assert response.status_code == 400
    assert "This form lost its version number: reload the page." in response.content.decode()
    assert Source.objects.get(pk=source.pk).title == "Defence ties deepen"


def test_a_tampered_version_is_a_form_error(analyst_client, source):
    response = analyst_client.post(url(source), details(title="Mine", version="abc"))
    assert response.status_code == 400
    assert "Version: Enter a whole number. Reload the page." in response.content.decode()
    assert Source.objects.get(pk=source.pk).title == "Defence ties deepen"


# The API: ETag and If-Match, as for events ---------------------------------------------------


@pytest.fixture
def api(analyst) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    return client


def api_url(source: Source) -> str:
    return reverse("api-source-detail", args=[source.pk])


def test_a_source_carries_its_version_as_etag(client, source):
    assert client.get(api_url(source))["ETag"] == '"1"'


def test_a_patch_answers_with_the_new_etag(api, source):
    response = api.patch(api_url(source), {"title": "Mine"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert api.get(api_url(source))["ETag"] == '"2"'


def test_a_stale_if_match_is_a_412_as_for_events_and_changes_nothing(api, source):
    correct_source(source, {"publisher": "TASS"})  # someone else saved in between

    response = api.patch(api_url(source), {"title": "Mine"}, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 412
    body = response.json()
    assert list(body) == ["detail"]  # the shape of an event's 412
    assert body["detail"] == (
        'The source changed since you read it: it is now version 2 (ETag "2"), not "1". GET it '
        "again, redo your change and send the new ETag in If-Match."
    )
    stored = Source.objects.get(pk=source.pk)
    assert (stored.title, stored.version) == ("Defence ties deepen", 2)


@pytest.mark.parametrize("if_match", [None, "*", '"7", "1"'])
def test_a_patch_without_if_match_or_with_a_matching_one_writes(api, source, if_match):
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}
    response = api.patch(api_url(source), {"title": "Mine"}, format="json", **headers)
    assert response.status_code == 200, response.content
    assert Source.objects.get(pk=source.pk).title == "Mine"


def test_an_if_match_without_an_entity_tag_is_a_400_naming_it(api, source):
    response = api.patch(api_url(source), {"title": "Mine"}, format="json", HTTP_IF_MATCH="1")
    assert response.status_code == 400
    assert "send the ETag a GET of the source answered" in response.json()["If-Match"][0]
    assert Source.objects.get(pk=source.pk).title == "Defence ties deepen"


def test_a_version_in_the_body_is_refused_saying_to_send_if_match(api, source):
    response = api.patch(api_url(source), {"title": "Mine", "version": 1}, format="json")
    assert response.status_code == 400
    assert "If-Match" in response.json()["version"][0]


def test_a_patch_that_changes_nothing_keeps_the_version(api, source):
    response = api.patch(api_url(source), {"title": "Defence ties deepen"}, format="json")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert source.history.count() == 1
