"""/sources/new/: pasted HTML is reduced to text like an uploaded .html file, unless kept."""

import pytest

from sources.html import looks_like_html
from sources.models import Source
from tests.test_source_new import analyst_client, post  # noqa: F401

pytestmark = pytest.mark.django_db

HTML = (
    "<html><head><title>Junta chief in Moscow</title><style>p{color:red}</style></head><body>"
    "<p>Min Aung Hlaing arrived in Moscow on June 20.</p><p>He met <b>Sergei Shoigu</b>.</p>"
    "<script>alert(1)</script></body></html>"
)


def test_pasted_html_is_reduced_to_its_text_and_titled_from_it(analyst_client):  # noqa: F811
    response = post(analyst_client, text=HTML)
    assert response.status_code == 302
    source = Source.objects.get()
    assert "<p>" not in source.text
    assert "alert(1)" not in source.text
    assert "Min Aung Hlaing arrived in Moscow on June 20." in source.text
    assert source.title == "Junta chief in Moscow"


def test_the_new_source_says_its_text_was_read_as_html(analyst_client):  # noqa: F811
    response = post(analyst_client, text=HTML)

    page = analyst_client.get(response["Location"]).content.decode()
    assert "with 2 passages. The pasted text was read as HTML" in page


def test_plain_text_with_inline_tags_keeps_its_lines_and_words(analyst_client):  # noqa: F811
    text = "First line.\nHe wrote <b>bold</b> here.\nThen <script>alert(1)</script> ran.\n"

    response = post(analyst_client, text=text, title="Mentions markup")

    assert response.status_code == 302
    source = Source.objects.get()
    assert source.text == text
    assert source.passages.count() == 3
    page = analyst_client.get(response["Location"]).content.decode()
    assert "with 3 passages." in page
    assert "read as HTML" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_pasted_html_is_kept_as_typed_when_asked(analyst_client):  # noqa: F811
    response = post(analyst_client, text=HTML, keep_as_typed="on", title="Markup")
    assert response.status_code == 302
    assert Source.objects.get().text == HTML


def test_pasted_html_without_text_is_a_clear_error(analyst_client):  # noqa: F811
    response = post(analyst_client, text="<div><script>x()</script></div><br>")
    assert response.status_code == 400
    assert "has no readable text" in response.content.decode()
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (HTML, True),
        ("He said 3 < 4 and 5 > 2 in <Moscow>.", False),
        ("Plain text.\nAnother line.", False),
        ("<p>One</p>", True),
        ("A line with one <br> tag.", False),  # a single tag is not markup
        # Inline tags alone: text that mentions markup, its lines kept.
        ("He wrote <b>bold</b>.\nThen <script>alert(1)</script>.", False),
        ("Line one<br>\n<i>Line two</i>", True),
    ],
)
def test_what_counts_as_html(text, html):
    assert looks_like_html(text) is html
