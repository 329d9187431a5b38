"""Invisible direction controls (U+202A-U+202E, U+2066-U+2069) are refused in one-line fields.

An override in a title shows the rest of the line reversed wherever the title is shown
beside other words (a list, a message: "Saved “‮ awoksoM”."): every way in (the event form,
the source form, the actor rows, the positions form, the API, the bulk loader, the positions
loader) says which character to remove, and writes nothing. Long texts (a source's text, a
summary, a quote) keep them: they are the source's own characters.
"""

import io
import json
import re

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from bench.generate import write_archive
from events.interchange import LoadError, load_file
from events.models import Actor, Event, Post
from events.positions import PositionLoadError, load_positions
from lib.inputs import direction_control_message
from sources.models import Source
from tests.event_form_data import form_data
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"
MESSAGE = "Remove the invisible direction control U+202E (RIGHT-TO-LEFT OVERRIDE)"


@pytest.fixture
def analyst_client(analyst) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(analyst)
    return client


def test_every_embedding_override_and_isolate_is_named_and_marks_are_not():
    for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
        assert f"U+{code:04X}" in direction_control_message(f"a{chr(code)}b")
    # The marks a right-to-left name may need, and ordinary text, pass.
    for text in ("\u200fname\u200e", "Мин Аунг Хлайн", "مينغ", "", None, 7):
        assert direction_control_message(text) is None


@pytest.mark.parametrize("field", ["title", "location"])
def test_the_event_form_refuses_a_direction_control(analyst_client, field):
    response = analyst_client.post("/events/new/", form_data(**{field: f"Talks {RLO}wocsoM"}))

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not Event.objects.exists()


def test_a_new_actor_named_with_a_direction_control_is_refused(analyst_client):
    data = form_data(actors=[{"name": f"{RLO}Lavrov", "new_kind": "person"}])

    response = analyst_client.post("/events/new/", data)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not Actor.objects.exists()
    assert not Event.objects.exists()


def test_the_source_form_refuses_one_in_a_title_and_drops_one_from_a_title_read_off_the_text(
    analyst_client,
):
    refused = analyst_client.post("/sources/new/", {"text": "Text.", "title": f"A {RLO}B"})

    assert refused.status_code == 400
    assert MESSAGE in refused.content.decode()
    assert not Source.objects.exists()

    analyst_client.post("/sources/new/", {"text": f"{RLO}Moscow talks\nSecond line."})

    source = Source.objects.get()
    assert source.title == "Moscow talks"
    assert source.text.startswith(RLO)  # the text itself is the source's, as written


def test_the_positions_form_refuses_one_in_a_title(analyst_client):
    actor = ActorFactory()

    response = analyst_client.post(
        f"/actors/{actor.slug}/positions/", {"title": f"Defense {RLO}Minister"}
    )

    assert MESSAGE in response.content.decode()
    assert not Post.objects.exists()


def test_the_api_refuses_one_in_a_title_or_a_new_actor_with_a_400_naming_the_field(client, analyst):
    headers = {"Authorization": f"Token {Token.objects.create(user=analyst).key}"}
    bodies = [
        ({"title": f"T{RLO}", "type": "visit", "status": "draft"}, "title"),
        (
            {
                "title": "T",
                "status": "draft",
                "actors": [{"name": f"{RLO}X", "create": True, "kind": "person"}],
            },
            "actors",
        ),
    ]
    for body, field in bodies:
        response = client.post(
            "/api/events/", body, content_type="application/json", headers=headers
        )

        assert response.status_code == 400
        assert MESSAGE in json.dumps(response.json()[field], ensure_ascii=False)
    assert not Event.objects.exists()
    assert not Actor.objects.exists()


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda data: data["events"][3].update(title=f"Visit {RLO}A"), r"events\[3\]\.title"),
        (lambda data: data["actors"][2].update(name=f"{RLO}Name"), r"actors\[2\]\.name"),
        (lambda data: data["sources"][1].update(publisher=f"{RLO}P"), r"sources\[1\]\.publisher"),
    ],
)
def test_the_bulk_loader_names_the_item_and_field_and_writes_nothing(tmp_path, change, where):
    out = io.StringIO()
    write_archive(20, 5, out)
    data = json.loads(out.getvalue())
    change(data)
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(LoadError, match=rf"{where}: {re.escape(MESSAGE)}"):
        load_file(path)
    assert not Event.objects.exists()
    assert not Source.objects.exists()


def test_the_positions_loader_names_the_post_and_field():
    data = {"posts": [{"title": "Defense Minister", "aliases": ["ok", f"{RLO}x"]}]}

    with pytest.raises(PositionLoadError, match=r"posts\[0\]\.aliases\[1\]: Remove"):
        load_positions(data)
    assert not Post.objects.exists()
