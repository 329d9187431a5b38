"""/sources/<pk>/edit/: analysts correct a source's details; its text never changes."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from lib.dates import Precision
from sources.models import Source
from sources.services import import_source
from suggestions.services import proposals_for_source, review_source
from tests.factories import ActorFactory, CitationFactory, EventFactory

pytestmark = pytest.mark.django_db

D = dt.date
ARTICLE = (
    "Defence ties deepen\n"
    "\n"
    "Sergei Shoigu met Min Aung Hlaing in Naypyitaw on Tuesday, the ministry said.\n"
)


@pytest.fixture
def undated(db):
    cache.clear()
    ActorFactory(name="Sergei Shoigu")
    ActorFactory(name="Min Aung Hlaing")
    source, _ = import_source(ARTICLE, title="Defence ties deepen", key="defence-ties")
    yield source
    cache.clear()


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def url(source: Source) -> str:
    return reverse("source-edit", args=[source.pk])


def details(**changes) -> dict:
    data = {
        "title": "Defence ties deepen",
        "publisher": "",
        "author": "",
        "url": "",
        "published": "",
        "reference_date": "",
        "version": "1",  # the version the form was opened at
    }
    data.update(changes)
    return data


def test_the_url_is_named_source_edit(undated):
    assert url(undated) == f"/sources/{undated.pk}/edit/"


def test_the_form_shows_the_details_and_says_the_text_does_not_change(analyst_client, undated):
    undated.publisher, undated.published_date = "TASS", D(2021, 6, 1)
    undated.published_precision = Precision.MONTH
    undated.save()
    body = analyst_client.get(url(undated)).content.decode()
    assert 'value="Defence ties deepen"' in body
    assert 'value="TASS"' in body
    assert 'value="June 2021"' in body
    assert 'name="text"' not in body
    assert 'name="file"' not in body
    assert "The text of a source cannot be edited: citations quote it word for word." in body


def test_the_source_page_links_the_edit_page_for_analysts_only(client, analyst, undated):
    link = f'href="{url(undated)}">Edit details</a>'
    assert link not in client.get(reverse("source-detail", args=[undated.pk])).content.decode()
    client.force_login(analyst)
    assert link in client.get(reverse("source-detail", args=[undated.pk])).content.decode()


def test_an_analyst_edits_the_title_and_date_and_sees_them(analyst_client, undated):
    response = analyst_client.post(
        url(undated),
        details(
            title="Shoigu in Naypyitaw",
            publisher="TASS",
            url="example.org/a",
            published="10 December 2025",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("source-detail", args=[undated.pk])
    source = Source.objects.get(pk=undated.pk)
    assert (source.title, source.publisher, source.url) == (
        "Shoigu in Naypyitaw",
        "TASS",
        "https://example.org/a",
    )
    assert (source.published_date, source.published_precision) == (D(2025, 12, 10), "day")
    assert source.reference_date == D(2025, 12, 10)  # it was the (missing) publication date
    assert source.text == ARTICLE
    assert source.key == "defence-ties"
    page = analyst_client.get(response["Location"]).content.decode()
    assert "Shoigu in Naypyitaw" in page
    assert "10 December 2025" in page
    assert "Saved the details of “Shoigu in Naypyitaw”." in page
    assert "cite this source" not in page  # no event cites it


def test_a_month_and_on_or_after_are_kept(analyst_client, undated):
    analyst_client.post(url(undated), details(published="June 2021", published_on_or_after="on"))
    source = Source.objects.get(pk=undated.pk)
    assert (source.published_date, source.published_precision) == (D(2021, 6, 1), "month")
    assert source.published_on_or_after


def test_a_reference_date_set_apart_for_reading_is_kept(analyst_client, undated):
    Source.objects.filter(pk=undated.pk).update(
        published_date=D(2021, 6, 1), published_precision="month", reference_date=D(2021, 6, 20)
    )
    page = analyst_client.get(url(undated)).content.decode()
    assert 'name="reference_date" value="2021-06-20"' in page  # shown, as set apart
    analyst_client.post(url(undated), details(published="July 2021", reference_date="2021-06-20"))
    assert Source.objects.get(pk=undated.pk).reference_date == D(2021, 6, 20)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("published", "31 February 2021", "Write one date such as"),
        ("published", "1–3 June 2021", "is a range"),
        ("published", "3 March 2999", "in the future"),
        ("url", "not a url at all", "Enter a valid URL."),
        ("title", "", "This field is required."),
        ("title", "a\u202eb", "direction"),
    ],
)
def test_a_bad_value_is_a_form_error_and_nothing_is_written(
    analyst_client, undated, field, value, error
):
    response = analyst_client.post(url(undated), details(publisher="TASS", **{field: value}))
    assert response.status_code == 400
    assert error in " ".join(response.context["form"].errors[field])
    source = Source.objects.get(pk=undated.pk)
    assert (source.publisher, source.published_date, source.title, source.url) == (
        "",
        None,
        "Defence ties deepen",
        "",
    )


def test_on_or_after_without_a_date_is_refused_as_when_adding(analyst_client, undated):
    response = analyst_client.post(url(undated), details(published_on_or_after="on"))
    assert response.status_code == 400
    assert "needs a publication date" in str(response.context["form"].errors)


def test_the_text_cannot_be_changed_by_a_tampered_post(analyst_client, undated):
    before = list(undated.passages.values_list("pk", "text"))
    analyst_client.post(
        url(undated),
        details(text="Something else entirely.\n", sha256="0" * 64, key="other", title="New"),
    )
    source = Source.objects.get(pk=undated.pk)
    assert source.title == "New"
    assert (source.text, source.key, source.sha256) == (ARTICLE, "defence-ties", undated.sha256)
    assert list(source.passages.values_list("pk", "text")) == before


def test_readers_cannot_edit(client, reader, undated):
    target = url(undated)
    response = client.post(target, details(title="Vandalised"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(reader)
    assert client.get(target).status_code == 403
    assert client.post(target, details(title="Vandalised")).status_code == 403
    assert Source.objects.get(pk=undated.pk).title == "Defence ties deepen"


def test_an_unknown_source_is_a_404(analyst_client):
    assert analyst_client.get("/sources/999999/edit/").status_code == 404


def test_after_a_date_change_the_queue_reads_on_tuesday_against_the_new_date(
    analyst_client, undated
):
    # Undated: "on Tuesday" is refused (and the refusal is cached).
    assert proposals_for_source(undated) == []
    [unread] = review_source(undated).unread
    assert "give the source its full date" in unread.refusals[0].message
    analyst_client.post(url(undated), details(published="10 December 2025"))  # a Wednesday
    source = Source.objects.get(pk=undated.pk)
    [proposal] = proposals_for_source(source)
    assert proposal.date.parsed.start == D(2025, 12, 9)
    assert review_source(source).unread == []
    body = analyst_client.get(reverse("source-suggestions", args=[source.pk])).content.decode()
    assert "9 December 2025" in body


def test_a_date_change_says_how_many_events_to_check(analyst_client, undated):
    passage = undated.passages.get(index=1)
    for _ in range(2):
        CitationFactory(
            event=EventFactory(date_start=D(2025, 12, 2)),
            passage=passage,
            quote="Sergei Shoigu met Min Aung Hlaing",
            suffix="",
        )
    response = analyst_client.post(url(undated), details(published="10 December 2025"), follow=True)
    body = response.content.decode()
    assert "2 events cite this source; their dates were read against the old date: " in body
    assert '<a href="/?source=defence-ties">check them</a>' in body
    # Their dates are not rewritten.
    assert (
        list(
            EventFactory._meta.model.objects.filter(citations__passage=passage).values_list(
                "date_start", flat=True
            )
        )
        == [D(2025, 12, 2)] * 2
    )
    # The same date again is no change: no notice.
    response = analyst_client.post(
        url(undated), details(published="10 December 2025", version="2"), follow=True
    )
    assert "cite this source" not in response.content.decode()


def test_the_edit_page_s_queries_are_pinned(analyst_client, undated, django_assert_num_queries):
    target = url(undated)
    analyst_client.get(target)
    # Session, user, groups (is_analyst), the source.
    with django_assert_num_queries(4):
        assert analyst_client.get(target).status_code == 200


# PATCH /api/sources/<pk>/ ---------------------------------------------------------------------


@pytest.fixture
def api(analyst):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(analyst)
    return client


def api_url(source: Source) -> str:
    return reverse("api-source-detail", args=[source.pk])


def test_an_analyst_patches_some_details_and_keeps_the_others(api, undated):
    Source.objects.filter(pk=undated.pk).update(publisher="TASS")
    response = api.patch(
        api_url(undated), {"title": "Shoigu in Naypyitaw", "published": "June 2021"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Shoigu in Naypyitaw"
    assert body["publisher"] == "TASS"
    assert body["published"]["date"] == "2021-06-01"
    source = Source.objects.get(pk=undated.pk)
    assert (source.published_date, source.published_precision) == (D(2021, 6, 1), "month")
    assert source.publisher == "TASS"


@pytest.mark.parametrize(
    ("sent", "field", "error"),
    [
        ({"published": "31 February 2021"}, "published", "Write one date such as"),
        ({"published": "yesterday"}, "published", "write the date the source gives"),
        ({"published": "last week"}, "published", "write the date the source gives"),
        ({"published": "Monday, 22 June 2021"}, "published", "was a Tuesday, not a Monday"),
        ({"url": "not a url at all"}, "url", "Enter a valid URL."),
        ({"title": ""}, "title", "This field is required."),
        ({"text": "Another text.\n"}, "text", "cannot change: citations quote it verbatim"),
        ({"sha256": "0" * 64}, "sha256", "Not a detail of a source that can be changed."),
    ],
)
def test_a_bad_patch_is_a_json_400_naming_the_field(api, undated, sent, field, error):
    response = api.patch(api_url(undated), sent, format="json")
    assert response.status_code == 400
    assert error in " ".join(response.json()[field])
    assert Source.objects.get(pk=undated.pk).text == ARTICLE
    assert Source.objects.get(pk=undated.pk).title == "Defence ties deepen"


def test_an_empty_patch_changes_nothing(api, undated):
    response = api.patch(api_url(undated))
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Defence ties deepen"


def test_readers_cannot_patch_a_source(client, reader, undated):
    from rest_framework.test import APIClient

    anonymous = APIClient()
    assert anonymous.patch(api_url(undated), {"title": "X"}, format="json").status_code in (
        401,
        403,
    )
    signed_in = APIClient()
    signed_in.force_authenticate(reader)
    assert signed_in.patch(api_url(undated), {"title": "X"}, format="json").status_code == 403
    assert Source.objects.get(pk=undated.pk).title == "Defence ties deepen"


def test_put_is_not_offered(api, undated):
    assert api.put(api_url(undated), {"title": "X"}, format="json").status_code == 405


def test_a_new_title_shows_on_the_cards_of_events_citing_it(analyst_client, undated):
    passage = undated.passages.get(index=1)
    CitationFactory(
        event=EventFactory(status="published"),
        passage=passage,
        quote="Sergei Shoigu met Min Aung Hlaing",
        suffix="",
    )
    assert "Defence ties deepen" in analyst_client.get("/").content.decode()  # cached card
    analyst_client.post(url(undated), details(title="Shoigu in Naypyitaw"))
    assert "Shoigu in Naypyitaw" in analyst_client.get("/").content.decode()


# The reference date -------------------------------------------------------------------------


def test_the_form_offers_the_reference_date_blank_while_it_follows_the_publication_date(
    analyst_client, undated
):
    Source.objects.filter(pk=undated.pk).update(
        published_date=D(2021, 6, 22), reference_date=D(2021, 6, 22)
    )
    body = analyst_client.get(url(undated)).content.decode()
    field = re.search(r'<input type="date" name="reference_date"[^>]*>', body)
    assert field is not None
    assert "value=" not in field.group(0)
    assert '<label for="id_reference_date">Reference date</label>' in body
    assert "The day the text&#x27;s own dates are read against in its suggestions" in body
    assert "Leave it blank (or give the publication date)" in body


def test_a_reference_date_set_on_the_form_re_reads_the_suggestions(analyst_client, undated):
    assert proposals_for_source(undated) == []  # undated: "on Tuesday" is refused
    passage = undated.passages.get(index=1)
    CitationFactory(
        event=EventFactory(date_start=D(2025, 12, 2)),
        passage=passage,
        quote="Sergei Shoigu met Min Aung Hlaing",
        suffix="",
    )
    response = analyst_client.post(
        url(undated), details(reference_date="2025-12-10"), follow=True
    )  # a Wednesday
    source = Source.objects.get(pk=undated.pk)
    assert (source.published_date, source.reference_date) == (None, D(2025, 12, 10))
    [proposal] = proposals_for_source(source)
    assert proposal.date.parsed.start == D(2025, 12, 9)
    body = response.content.decode()
    assert "bare dates read against 10 December 2025" in body
    assert "1 event cites this source; their dates were read against the old date" in body


def test_a_blank_reference_date_follows_the_publication_date_again(analyst_client, undated):
    Source.objects.filter(pk=undated.pk).update(
        published_date=D(2021, 6, 1), published_precision="month", reference_date=D(2021, 6, 20)
    )
    analyst_client.post(url(undated), details(published="June 2021"))
    assert Source.objects.get(pk=undated.pk).reference_date == D(2021, 6, 1)
    analyst_client.post(url(undated), details(published="July 2021", version="2"))
    assert Source.objects.get(pk=undated.pk).reference_date == D(2021, 7, 1)


def test_a_reference_date_equal_to_the_publication_date_follows_it(analyst_client, undated):
    analyst_client.post(
        url(undated), details(published="22 June 2021", reference_date="2021-06-22")
    )
    analyst_client.post(url(undated), details(published="23 June 2021", version="2"))
    assert Source.objects.get(pk=undated.pk).reference_date == D(2021, 6, 23)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("22/06/2021", "Enter the day as YYYY-MM-DD, such as 2021-06-22."),
        ("2021-02-30", "Enter the day as YYYY-MM-DD, such as 2021-06-22."),
        ("9999-06-22", "years run from"),
    ],
)
def test_a_bad_reference_date_is_a_form_error_and_nothing_is_written(
    analyst_client, undated, value, error
):
    response = analyst_client.post(url(undated), details(publisher="TASS", reference_date=value))
    assert response.status_code == 400
    assert error in " ".join(response.context["form"].errors["reference_date"])
    source = Source.objects.get(pk=undated.pk)
    assert (source.publisher, source.reference_date, source.version) == ("", None, 1)


def test_an_analyst_patches_the_reference_date_and_clears_it(api, undated):
    Source.objects.filter(pk=undated.pk).update(published_date=D(2021, 6, 1))
    response = api.patch(api_url(undated), {"reference_date": "2021-06-20"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["reference_date"] == "2021-06-20"
    response = api.patch(api_url(undated), {"reference_date": None}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["reference_date"] == "2021-06-01"  # the publication date


def test_a_patch_of_the_date_alone_keeps_a_reference_date_set_apart(api, undated):
    Source.objects.filter(pk=undated.pk).update(
        published_date=D(2021, 6, 1), published_precision="month", reference_date=D(2021, 6, 20)
    )
    response = api.patch(api_url(undated), {"published": "July 2021"}, format="json")
    assert response.json()["reference_date"] == "2021-06-20"


@pytest.mark.parametrize("value", ["June 2021", "2021-13-01", 20210620])
def test_a_bad_reference_date_in_a_patch_is_a_json_400_naming_it(api, undated, value):
    response = api.patch(api_url(undated), {"reference_date": value}, format="json")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in " ".join(response.json()["reference_date"])
    assert Source.objects.get(pk=undated.pk).version == 1


# The events a new date asks to check, in the API's answer ------------------------------------


def cite(source: Source, **event) -> None:
    CitationFactory(
        event=EventFactory(**event),
        passage=source.passages.get(index=1),
        quote="Sergei Shoigu met Min Aung Hlaing",
        suffix="",
    )


def test_a_patch_of_the_date_lists_the_events_to_check(api, undated):
    cite(
        undated, title="Shoigu meets Min Aung Hlaing", status="published", date_start=D(2025, 12, 2)
    )
    cite(undated, title="A draft of the visit", status="draft", date_start=D(2025, 12, 3))
    response = api.patch(api_url(undated), {"published": "10 December 2025"}, format="json")
    assert response.status_code == 200, response.content
    listed = response.json()["events_to_check"]
    assert [(e["title"], e["date"]) for e in listed] == [
        ("Shoigu meets Min Aung Hlaing", "2 December 2025"),
        ("A draft of the visit", "3 December 2025"),  # analysts check drafts too
    ]
    first = listed[0]
    assert set(first) == {"id", "title", "date", "url"}
    assert first["url"] == f"http://testserver/api/events/{first['id']}/"
    # The events keep their dates.
    assert api.get(first["url"]).json()["date"]["start"] == "2025-12-02"
    assert response.json()["events_to_check_count"] == 2
    assert response.json()["events_to_check_url"] == (
        f"http://testserver/api/events/?source={undated.key}"
    )


def test_a_heavily_cited_source_lists_the_first_events_to_check_and_counts_them(
    api, undated, monkeypatch
):
    from events.api import views

    monkeypatch.setattr(views, "EVENTS_TO_CHECK", 2)
    for day in (2, 3, 4):
        cite(undated, status="published", date_start=D(2025, 12, day))
    body = api.patch(api_url(undated), {"published": "10 December 2025"}, format="json").json()
    assert [e["date"] for e in body["events_to_check"]] == ["2 December 2025", "3 December 2025"]
    assert body["events_to_check_count"] == 3
    assert api.get(body["events_to_check_url"]).json()["count"] == 3


def test_a_patch_that_leaves_the_date_lists_no_event_to_check(api, undated):
    cite(undated, date_start=D(2025, 12, 2))
    response = api.patch(api_url(undated), {"title": "Shoigu in Naypyitaw"}, format="json")
    assert response.status_code == 200
    assert response.json()["events_to_check"] == []
    assert response.json()["events_to_check_count"] == 0
    assert response.json()["events_to_check_url"] is None


def test_a_patch_of_the_reference_date_lists_the_events_to_check(api, undated):
    cite(undated, date_start=D(2025, 12, 2))
    response = api.patch(api_url(undated), {"reference_date": "2025-12-10"}, format="json")
    assert len(response.json()["events_to_check"]) == 1
