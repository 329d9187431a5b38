"""/sources/new/: analysts add a source by pasting text or uploading a .txt or .html file."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from lib.dates import Precision
from sources.forms import SourceForm
from sources.html import html_to_text
from sources.models import Passage, Source
from sources.services import MAX_SOURCE_BYTES

pytestmark = pytest.mark.django_db

URL = "/sources/new/"
ARTICLE = (
    "Myanmar junta chief visits Moscow\n"
    "\n"
    "Min Aung Hlaing arrived in Moscow on June 20 for a security conference.\n"
    "He met Sergei Shoigu on June 22.\n"
)


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def post(client, **data):
    fields = {"title": "", "publisher": "", "author": "", "url": "", "published": "", "text": ""}
    fields.update(data)
    return client.post(URL, fields)


def upload(name: str, content: bytes, content_type: str = "text/plain") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for field_errors in form.errors.values() for e in field_errors)


def test_the_url_is_named_source_new():
    assert reverse("source-new") == URL


def test_the_form_page_offers_paste_and_upload(analyst_client):
    response = analyst_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert 'name="text"' in html
    assert 'name="file"' in html
    assert 'name="published"' in html


# Adding


def test_pasted_text_becomes_a_source_with_passages_and_opens_the_reader(analyst_client):
    response = post(
        analyst_client,
        text=ARTICLE,
        title="Junta chief in Moscow",
        publisher="The Irrawaddy",
        author="A. Reporter",
        url="https://example.org/a",
        published="22 June 2021",
    )
    source = Source.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("source-detail", args=[source.pk])
    assert source.text == ARTICLE
    assert (source.title, source.publisher, source.author) == (
        "Junta chief in Moscow",
        "The Irrawaddy",
        "A. Reporter",
    )
    assert source.url == "https://example.org/a"
    assert source.published_date == dt.date(2021, 6, 22)
    assert source.published_precision == Precision.DAY
    assert source.reference_date == dt.date(2021, 6, 22)
    assert [p.text for p in source.passages.all()] == [
        "Myanmar junta chief visits Moscow",
        "Min Aung Hlaing arrived in Moscow on June 20 for a security conference.",
        "He met Sergei Shoigu on June 22.",
    ]
    page = analyst_client.get(response["Location"]).content.decode()
    assert "Added “Junta chief in Moscow” with 3 passages." in page


def test_a_byte_order_mark_pasted_with_the_text_is_dropped(analyst_client):
    """A second reviewer's pasted BOM stayed in the title and the first passage, and the same
    text without it became a second source."""
    post(analyst_client, text="\ufeff" + ARTICLE, title="")
    source = Source.objects.get()
    assert source.text == ARTICLE
    assert source.passages.get(index=0).text == "Myanmar junta chief visits Moscow"
    page = post(analyst_client, text=ARTICLE, title="").content.decode()
    assert "This text is already a source" in page
    assert Source.objects.count() == 1


def test_a_one_line_source_is_added_with_one_passage(analyst_client):
    response = post(analyst_client, text="One line only.", title="Short")

    page = analyst_client.get(response["Location"]).content.decode()
    assert "Added “Short” with 1 passage." in page


def test_a_month_alone_is_stored_at_month_precision(analyst_client):
    post(analyst_client, text=ARTICLE, published="June 2021")
    source = Source.objects.get()
    assert (source.published_date, source.published_precision) == (
        dt.date(2021, 6, 1),
        Precision.MONTH,
    )


def test_written_on_or_after_is_kept(analyst_client):
    post(analyst_client, text=ARTICLE, published="2021", published_on_or_after="on")
    source = Source.objects.get()
    assert source.published_on_or_after
    assert source.published_display() == "written on or after 2021"


def test_without_a_title_the_first_line_is_the_title(analyst_client):
    post(analyst_client, text=ARTICLE)
    assert Source.objects.get().title == "Myanmar junta chief visits Moscow"


def test_browser_line_breaks_are_stored_as_newlines(analyst_client):
    post(analyst_client, text=ARTICLE.replace("\n", "\r\n"))
    assert Source.objects.get().text == ARTICLE


def test_an_uploaded_txt_file_becomes_a_source(analyst_client):
    response = analyst_client.post(
        URL, {"file": upload("article.txt", ARTICLE.encode()), "title": "From a file"}
    )
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.text == ARTICLE
    assert source.title == "From a file"


def test_an_uploaded_html_file_is_reduced_to_its_text(analyst_client):
    html = (
        "<!doctype html><html><head><title>Shoigu &amp; Min Aung Hlaing</title>"
        "<style>p { color: red }</style><script>alert('x')</script></head>"
        "<body><h1>Junta chief visits Moscow</h1>"
        "<p>He met <b>Sergei Shoigu</b> on June&nbsp;22 &mdash; talks on arms.</p>"
        "<noscript>Enable JavaScript</noscript><template><p>hidden</p></template>"
        "<p>&lt;script&gt; is text here.</p></body></html>"
    )
    response = analyst_client.post(URL, {"file": upload("a.html", html.encode(), "text/html")})
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.title == "Shoigu & Min Aung Hlaing"
    assert source.text == (
        "Junta chief visits Moscow\n\n"
        "He met Sergei Shoigu on June 22 — talks on arms.\n\n"
        "<script> is text here.\n"
    )
    assert "alert" not in source.text
    assert "color" not in source.text
    assert "JavaScript" not in source.text
    assert "hidden" not in source.text
    reader = analyst_client.get(response["Location"]).content.decode()
    assert "&lt;script&gt; is text here." in reader
    assert "<script> is text" not in reader


# html_to_text on its own


def test_html_blocks_become_paragraphs_and_inline_spaces_collapse():
    reduced = html_to_text(
        "<div>One\n   two</div><ul><li>a</li><li>b<br>c</li></ul><pre>line 1\n  line 2</pre>tail"
    )
    assert reduced.text == "One two\n\na\n\nb\n\nc\n\nline 1\n\nline 2\n\ntail\n"


def test_html_body_closes_a_head_left_open():
    assert html_to_text("<html><head><title>T</title><body><p>Text</p>").text == "Text\n"


def test_html_nested_and_unclosed_script_content_never_leaks():
    reduced = html_to_text(
        "<p>before</p><script>document.write('<p>evil</p>')</script>"
        "<style>@import 'x';</style><svg><title>icon</title><text>svg text</text></svg><p>after</p>"
    )
    assert reduced.text == "before\n\nafter\n"


# Refusals: each one writes nothing.


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Paste the article's text or upload a .txt or .html file."),
        ({"text": "   \n\n  "}, "The text is empty: there is nothing to import."),
        (
            {"text": ARTICLE, "published": "sometime"},
            'Could not read a date in "sometime". Write one date such as',
        ),
        ({"text": ARTICLE, "published": "22-24 June 2021"}, "is a range (22–24 June 2021)"),
        ({"text": ARTICLE, "published": "22 June 2999"}, "reads as 22 June 2999, which is in"),
        ({"text": ARTICLE, "url": "not a url"}, "Enter a valid URL."),
        ({"text": ARTICLE, "title": "x" * 501}, "at most 500 characters"),
        # Counted from the day it is typed: the reviewer's "yesterday" saved the server's.
        ({"text": ARTICLE, "published": "yesterday"}, "“yesterday” is counted from the day"),
        ({"text": ARTICLE, "published": "last Monday"}, "“last Monday” is counted from the day"),
        ({"text": ARTICLE, "published": "this month"}, "“this month” is counted from the day"),
        ({"text": ARTICLE, "published": "last week"}, "“last week” is counted from the day"),
        ({"text": ARTICLE, "published": "on Monday"}, "“on Monday” is counted from the day"),
        (
            {"text": ARTICLE, "published": "three days ago"},
            "“three days ago” is counted from the day",
        ),
        (
            {"text": ARTICLE, "published": "Monday, 22 June 2021"},
            "22 June 2021 was a Tuesday, not a Monday",
        ),
    ],
    ids=[
        "nothing",
        "blank-text",
        "bad-date",
        "date-range",
        "future-date",
        "bad-url",
        "long",
        "yesterday",
        "last-monday",
        "this-month",
        "last-week",
        "on-monday",
        "days-ago",
        "wrong-weekday",
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(analyst_client, data, message):
    response = post(analyst_client, **data)
    assert response.status_code == 400
    assert message in errors(response)
    assert escape(message.split("“")[0]) in response.content.decode()
    assert not Source.objects.exists()
    assert not Passage.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "The submitted file is empty."),
        ("blank.txt", b"  \n\n ", "is empty: there is nothing to import."),
        ("latin1.txt", "Caf\u00e9 in Yangon".encode("latin-1"), "is not UTF-8 text"),
        ("big.txt", b"a" * (MAX_SOURCE_BYTES + 1), "is larger than 2 MB"),
        ("article.pdf", b"%PDF-1.4", "is not a .txt or .html file"),
        ("empty.html", b"<html><script>x()</script><p> </p></html>", "has no readable text"),
    ],
    ids=["empty", "blank", "not-utf8", "oversize", "wrong-type", "html-without-text"],
)
def test_bad_files_are_refused_with_a_message_and_nothing_written(
    analyst_client, name, content, message
):
    response = analyst_client.post(URL, {"file": upload(name, content)})
    assert response.status_code == 400
    assert message in errors(response)
    assert not Source.objects.exists()
    assert not Passage.objects.exists()


def test_oversize_pasted_text_is_refused_with_a_message(analyst_client):
    response = post(analyst_client, text="é" * (MAX_SOURCE_BYTES // 2 + 1))
    assert response.status_code == 400
    assert "larger than 2 MB" in response.content.decode()
    assert not Source.objects.exists()


def test_pasting_and_uploading_at_once_is_refused(analyst_client):
    response = analyst_client.post(
        URL, {"text": ARTICLE, "file": upload("other.txt", b"Other text\n")}
    )
    assert response.status_code == 400
    assert "not both" in errors(response)
    assert not Source.objects.exists()


def test_the_same_text_twice_links_to_the_existing_source_and_writes_nothing(analyst_client):
    post(analyst_client, text=ARTICLE, title="First")
    first = Source.objects.get()
    passages = Passage.objects.count()
    response = analyst_client.post(
        URL, {"file": upload("same.txt", ARTICLE.encode()), "title": "Second"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This text is already a source: “First”. Nothing was added." in html
    assert f'href="{reverse("source-detail", args=[first.pk])}"' in html
    assert Source.objects.get() == first
    assert Passage.objects.count() == passages


# The same text is the same passages: whitespace that no passage keeps does not make a new
# source (sources.models.canonical_text).
SAME_TEXT = {
    "trailing newline": ARTICLE + "\n",
    "no final newline": ARTICLE.rstrip("\n"),
    "leading space": " " + ARTICLE,
    "leading blank lines": "\n\n" + ARTICLE,
    "extra blank lines between paragraphs": ARTICLE.replace("\n\n", "\n\n\n\n"),
    "blank lines holding spaces": ARTICLE.replace("\n\n", "\n  \t\n \n"),
    "trailing spaces on lines": ARTICLE.replace("\n", "  \n"),
    "indented lines": ARTICLE.replace("\n", "\n\t"),
    "a blank line between every line": ARTICLE.replace("\n", "\n\n"),
}


@pytest.mark.parametrize("text", SAME_TEXT.values(), ids=SAME_TEXT.keys())
def test_the_same_text_with_other_whitespace_links_to_the_existing_source(analyst_client, text):
    post(analyst_client, text=ARTICLE, title="First")
    first = Source.objects.get()
    passages = Passage.objects.count()

    response = post(analyst_client, text=text, title="Second")

    assert response.status_code == 400
    html = response.content.decode()
    assert "This text is already a source: “First”. Nothing was added." in html
    assert f'href="{reverse("source-detail", args=[first.pk])}"' in html
    assert Source.objects.count() == 1
    assert Passage.objects.count() == passages
    first.refresh_from_db()
    assert (first.title, first.text) == ("First", ARTICLE)


@pytest.mark.parametrize("text", SAME_TEXT.values(), ids=SAME_TEXT.keys())
def test_an_uploaded_file_with_other_whitespace_links_to_the_existing_source(analyst_client, text):
    post(analyst_client, text=ARTICLE, title="First")
    first = Source.objects.get()

    response = analyst_client.post(
        URL, {"file": upload("again.txt", text.replace("\n", "\r\n").encode()), "title": ""}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "This text is already a source: “First”. Nothing was added." in html
    assert f'href="{reverse("source-detail", args=[first.pk])}"' in html
    assert Source.objects.count() == 1


@pytest.mark.parametrize(
    "text",
    [
        ARTICLE.replace("June 22", "June 23"),
        # Whitespace inside a line is part of its passage (quotes are read verbatim there).
        ARTICLE.replace("June 22", "June  22"),
        ARTICLE.replace("Sergei Shoigu", "Sergei\tShoigu"),
        # A line break inside a paragraph makes two passages of it.
        ARTICLE.replace(" on June 22", "\non June 22"),
        # The same passages in another order.
        ARTICLE.replace("He met Sergei Shoigu on June 22.\n", "").replace(
            "\n\n", "\n\nHe met Sergei Shoigu on June 22.\n"
        ),
    ],
    ids=["a word", "spaces inside a line", "a tab inside a line", "a line split", "order"],
)
def test_a_different_text_is_still_a_new_source(analyst_client, text):
    post(analyst_client, text=ARTICLE, title="First")
    first = Source.objects.get()

    response = post(analyst_client, text=text, title="Second")

    assert response.status_code == 302
    second = Source.objects.get(title="Second")
    assert second != first
    assert second.text == text
    assert [p.text for p in second.passages.all()] != [p.text for p in first.passages.all()]
    assert Source.objects.count() == 2


def test_source_text_is_escaped_on_the_reader_after_import(analyst_client):
    response = post(analyst_client, text="<img src=x onerror=alert(1)> said the minister\n")
    page = analyst_client.get(response["Location"]).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; said the minister" in page


def test_bare_dates_read_against_today():
    form = SourceForm({"text": ARTICLE, "published": "March 3"}, today=dt.date(2024, 5, 1))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["published"].start == dt.date(2024, 3, 3)


# Who may add


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_written(client):
    response = post(client, text=ARTICLE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Source.objects.exists()


def test_signed_in_non_analysts_are_refused_and_nothing_is_written(client, reader):
    client.force_login(reader)
    response = post(client, text=ARTICLE)
    assert response.status_code == 403
    assert not Source.objects.exists()


def test_htmx_requests_from_anonymous_visitors_get_hx_redirect(client):
    response = client.get(
        URL, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/sources/"}
    )
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/sources/"


def test_on_or_after_without_a_date_is_a_message_not_ignored(analyst_client):
    response = post(analyst_client, text="A line.", published_on_or_after="on")

    assert response.status_code == 400
    assert "“written on or after this date” needs a publication date" in response.content.decode()
    assert not Source.objects.exists()
