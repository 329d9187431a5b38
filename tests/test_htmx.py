"""htmx in one place (lib.htmx.for_htmx): every htmx-aware view answers its page without
htmx and its fragment with ``HX-Request: true``, and says ``Vary: HX-Request`` either way
(also on the sign-in redirect and the 403 of analyst pages)."""

import pytest
from django.core.management import call_command

from events.models import Event
from sources.models import Source

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
PAGE = '<header class="site">'


@pytest.fixture
def site(db):
    call_command("load_timeline", verbosity=0)
    event = Event.objects.order_by("pk").first()
    source = Source.objects.order_by("pk").first()
    return {"event": event.pk, "source": source.pk, "passage": source.passages.first().pk}


# (name, method, path, data, status of the htmx answer, what only the fragment's root has)
CASES = [
    ("timeline", "get", "/", {}, 200, '<div id="results">'),
    ("timeline error", "get", "/", {"year": "20x1"}, 400, '<div class="errors" role="alert">'),
    ("actor suggest", "get", "/actors/suggest/", {"q": "Tat"}, 200, '<ul class="suggestions"'),
    ("event form", "get", "/events/new/", {}, 200, '<form id="event-form"'),
    ("event form 400", "post", "/events/new/", {}, 400, '<form id="event-form"'),
    ("event edit", "get", "/events/{event}/edit/", {}, 200, '<form id="event-form"'),
    ("parse date", "get", "/events/parse-date/", {"date_text": "June 2021"}, 200, "<output"),
    (
        "cite search",
        "get",
        "/events/cite-search/",
        {"passage": "{passage}", "start": "0", "end": "5", "q": "2021"},
        200,
        '<div id="cite-results"',
    ),
    ("cite 400", "post", "/events/{event}/cite/", {"passage": "x"}, 400, '<div id="cite-results"'),
    ("suggestions queue", "get", "/sources/{source}/suggestions/", {}, 200, '<div id="queue">'),
    (
        "dismiss 400",
        "post",
        "/sources/{source}/suggestions/dismiss/",
        {"passage": "x"},
        400,
        '<div id="queue">',
    ),
    (
        "add to event 400",
        "post",
        "/sources/{source}/suggestions/add/",
        {"passage": "x"},
        400,
        '<div id="queue">',
    ),
]


def request(client, method, path, data, site, **headers):
    path = path.format(**site)
    data = {k: v.format(**site) for k, v in data.items()}
    return getattr(client, method)(path, data, headers=headers)


@pytest.mark.parametrize(
    ("method", "path", "data", "status", "root"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_htmx_gets_the_fragment_and_every_answer_varies_on_hx_request(
    client, analyst, site, method, path, data, status, root
):
    client.force_login(analyst)
    fragment = request(client, method, path, data, site, **HTMX)
    assert fragment.status_code == status
    html = fragment.content.decode()
    assert root in html
    assert PAGE not in html
    assert "<html" not in html
    assert "HX-Request" in fragment["Vary"]

    if method == "get" and "suggest" not in path and "parse-date" not in path:
        page = request(client, method, path, data, site)
        assert PAGE in page.content.decode()
        assert "HX-Request" in page["Vary"]


def test_load_more_gets_only_the_next_events(client, site):
    response = client.get(
        "/", {"sort": "date", "page": "1"}, headers={**HTMX, "HX-Trigger": "load-more"}
    )
    html = response.content.decode()
    assert '<ol class="events lines">' in html
    assert '<div id="results">' not in html
    assert "HX-Request" in response["Vary"]
    assert "HX-Push-Url" not in response


def test_a_history_restore_gets_the_whole_page(client, site):
    response = client.get("/", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert PAGE in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_analyst_pages_vary_also_when_they_refuse(client, reader, site):
    anonymous = client.get("/events/new/", headers=HTMX)
    assert anonymous.status_code == 200
    assert anonymous["HX-Redirect"].startswith("/accounts/")
    assert "HX-Request" in anonymous["Vary"]
    assert "HX-Request" in client.get("/events/new/")["Vary"]  # the 302 to sign in
    client.force_login(reader)
    forbidden = client.get(f"/sources/{site['source']}/suggestions/", headers=HTMX)
    assert forbidden.status_code == 403
    assert "not an analyst account" in forbidden.content.decode()
    assert "HX-Request" in forbidden["Vary"]


def test_a_saved_event_form_redirects_htmx_with_hx_redirect(client, analyst, db):
    from tests.event_form_data import form_data

    client.force_login(analyst)
    response = client.post("/events/new/", form_data(), headers=HTMX)
    event = Event.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/events/{event.pk}/"
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("path", ["/sources/new/", "/events/1/history/"])
def test_every_analyst_page_varies_on_hx_request_when_it_sends_to_sign_in(client, path):
    assert "HX-Redirect" in client.get(path, headers=HTMX)
    for headers in ({}, HTMX):
        assert "HX-Request" in client.get(path, headers=headers)["Vary"]
