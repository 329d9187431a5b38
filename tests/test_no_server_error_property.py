"""Property: no input makes a server error.

Hypothesis drives every form and query parameter (the timeline's filters, the actor
suggestions, the date parser, the cite search, the prefill, the source and event forms, the
API's list filters and its writes) with arbitrary text, mixed with the values that once gave
500s ("0000", "²", NUL, "2021-13", huge numbers), and asserts the answer is never a 5xx.
The test client raises any uncaught exception, so a failure shows its traceback and the
smallest input that causes it. Derandomized: CI runs the same examples every time.
"""

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from events.models import Event, EventType
from sources.models import Passage

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ODD = [
    "",
    " ",
    "0",
    "0000",
    "9999",
    "10000",
    "2021-13",
    "2021-02-30",
    "²",
    "1²",
    "٣",
    "-1",
    "1.5",
    "1e400",
    "99999999999999999999",
    "\x00",
    "a\x00b",
    "%",
    "%(x)s",
    "{}",
    "June 2021",
    "between 1999 and 2018",
    "the 1950s",
    "late June",
    "Shoigu",
    "myanmar",
    "visit",
    "-date",
    "\ufffd",
    "\u202e",
    "<script>",
]
# Arbitrary text (Hypothesis's default alphabet has every code point except surrogates,
# which no UTF-8 request can carry), and the odd values above.
text = st.one_of(st.sampled_from(ODD), st.text(max_size=40))
texts = st.lists(text, max_size=3)


def no_server_error(response) -> None:
    assert response.status_code < 500, response.content[:500]


@pytest.fixture
def analyst_client(timeline, analyst) -> Client:
    client = Client()
    client.force_login(analyst)
    return client


@pytest.fixture
def token(analyst) -> str:
    return f"Token {Token.objects.create(user=analyst).key}"


TIMELINE = ["actor", "type", "year", "from", "to", "source", "q", "sort", "page"]


@PROPERTY
@given(params=st.dictionaries(st.sampled_from(TIMELINE), texts), htmx=st.booleans())
def test_timeline_filters(analyst_client, params, htmx):
    headers = {"HX-Request": "true"} if htmx else {}

    no_server_error(analyst_client.get("/", params, headers=headers))


@PROPERTY
@given(q=text, date_text=text, reference=text)
def test_actor_suggestions_and_the_date_parser(analyst_client, q, date_text, reference):
    no_server_error(analyst_client.get("/actors/suggest/", {"q": q}))
    no_server_error(
        analyst_client.get("/events/parse-date/", {"date_text": date_text, "reference": reference})
    )


@PROPERTY
@given(q=text, passage=text, start=text, end=text, quote=text, real=st.booleans())
def test_cite_search_and_cite(analyst_client, q, passage, start, end, quote, real):
    if real:
        passage = str(Passage.objects.order_by("pk").first().pk)
    event = Event.objects.order_by("pk").first()
    selection = {"passage": passage, "start": start, "end": end, "quote": quote}

    no_server_error(analyst_client.get("/events/cite-search/", {"q": q, **selection}))
    no_server_error(analyst_client.post(f"/events/{event.pk}/cite/", selection))


PREFILL = ["passage", "start", "end", "date_text", "title", "type", "actor"]


@PROPERTY
@given(params=st.dictionaries(st.sampled_from(PREFILL), texts))
def test_event_form_prefill(analyst_client, params):
    no_server_error(analyst_client.get("/events/new/", params))


@PROPERTY
@given(
    fields=st.fixed_dictionaries(
        {
            "text": text,
            "title": text,
            "publisher": text,
            "author": text,
            "url": text,
            "published": text,
            "published_on_or_after": st.sampled_from(["", "on", "x"]),
        }
    )
)
def test_source_form(analyst_client, fields):
    no_server_error(analyst_client.post("/sources/new/", fields))


EVENT_FIELDS = [
    "title",
    "type",
    "status",
    "summary",
    "location",
    "date_text",
    "date_start",
    "date_end",
    "date_precision",
    "date_approximate",
    "version",
    "reference",
    "shown",
    "remove_citation",
    "actors-TOTAL_FORMS",
    "actors-0-name",
    "actors-0-role",
    "actors-0-new_kind",
    "actors-0-new_aliases",
    "citations-TOTAL_FORMS",
    "citations-0-source",
    "citations-0-quote",
    "citations-0-passage",
    "citations-0-start",
    "citations-0-end",
    "citations-0-date_text",
]


@PROPERTY
@given(
    fields=st.dictionaries(st.sampled_from(EVENT_FIELDS), text),
    edit=st.booleans(),
)
def test_event_form(analyst_client, fields, edit):
    data = {
        "title": "An event",
        "type": EventType.MEETING,
        "status": "draft",
        "actors-TOTAL_FORMS": "1",
        "actors-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        **fields,
    }
    event = Event.objects.order_by("pk").first()
    url = f"/events/{event.pk}/edit/" if edit else "/events/new/"

    no_server_error(analyst_client.post(url, data))


API_LISTS = {
    "/api/events/": [*TIMELINE, "role", "precision", "page_size", "format"],
    "/api/actors/": ["q", "kind", "page", "page_size"],
    "/api/sources/": ["page", "page_size"],
    "/api/citations/": ["event", "source", "page", "page_size"],
}


@PROPERTY
@given(
    path=st.sampled_from(sorted(API_LISTS)),
    data=st.data(),
)
def test_api_list_filters(client, timeline, path, data):
    params = data.draw(st.dictionaries(st.sampled_from(API_LISTS[path]), texts))

    no_server_error(client.get(path, params))


json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["name", "text", "source", "quote", "x"]), children)
    ),
    max_leaves=8,
)
EVENT_BODY = ["title", "summary", "type", "status", "location", "date", "actors", "citations"]
CITATION_BODY = ["event", "source", "quote", "passage", "start", "end", "date_text", "note"]


@PROPERTY
@given(
    event=st.dictionaries(st.sampled_from(EVENT_BODY), json_value),
    citation=st.dictionaries(st.sampled_from(CITATION_BODY), json_value),
    date=st.dictionaries(
        st.sampled_from(["start", "end", "precision", "text", "approximate"]), json_value
    ),
)
def test_api_writes(client, timeline, token, event, citation, date):
    auth = {"Authorization": token}
    existing = Event.objects.order_by("pk").first()
    if date:
        event["date"] = date

    for method, url, body in [
        ("post", "/api/events/", event),
        ("patch", f"/api/events/{existing.pk}/", event),
        ("post", "/api/citations/", citation),
    ]:
        response = getattr(client, method)(
            url, json.dumps(body), content_type="application/json", headers=auth
        )
        no_server_error(response)
