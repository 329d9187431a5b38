"""The Content-Security-Policy (django-csp): every response carries it, it allows no inline
script or style, and no page of ours has an inline <script>, <style> or style="" attribute
(nor htmx's eval-based hx-on / js: values), so the policy breaks nothing."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from events.models import Event
from sources.models import Source

pytestmark = pytest.mark.django_db


class Inline(HTMLParser):
    """Collects what a strict policy refuses: inline scripts and styles without a nonce,
    style attributes, inline event handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        data = attrs.get("type") in ("application/json", "text/template")
        if tag == "script" and "src" not in attrs and "nonce" not in attrs and not data:
            self.problems.append("<script> without src or nonce")
        if tag == "style" and "nonce" not in attrs:
            self.problems.append("<style> without nonce")
        if "style" in attrs:
            self.problems.append(f'<{tag} style="{attrs["style"]}">')
        for name in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}>")
        if (attrs.get("hx-vals") or "").startswith("js:"):
            self.problems.append(f"<{tag} hx-vals=js:>")


def inline_problems(html: str) -> list[str]:
    parser = Inline()
    parser.feed(html)
    return parser.problems


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split(None, 1)[1] if " " in part.strip() else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_every_response_has_a_policy_without_unsafe_inline_or_eval(client):
    response = client.get("/")
    rules = policy(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert rules["default-src"] == "'self'"
    assert rules["script-src"] == "'self'"  # no nonce: our pages use none
    assert rules["style-src"] == "'self'"
    assert rules["object-src"] == "'none'"
    assert rules["frame-ancestors"] == "'none'"
    # htmx fragments and JSON answers carry it too.
    assert "Content-Security-Policy" in client.get("/actors/suggest/?q=a")
    assert "Content-Security-Policy" in client.get("/api/events/?format=json")


def test_api_docs_inline_blocks_carry_the_responses_nonce(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", policy(response)["script-src"]).group(1)
    assert f'<script nonce="{nonce}">' in html
    assert f'<style nonce="{nonce}">' in html
    assert inline_problems(html) == []
    # A nonce is new on every response.
    assert nonce not in client.get("/api/docs/")["Content-Security-Policy"]


@pytest.fixture
def site(db):
    call_command("load_timeline", verbosity=0)
    return Event.objects.order_by("pk").first(), Source.objects.order_by("pk").first()


def pages(event, source) -> list[str]:
    return [
        "/",
        "/?q=Shoigu",
        "/?year=20x1",
        "/?page=2",
        "/actors/",
        "/actors/min-aung-hlaing/",
        f"/events/{event.pk}/",
        f"/events/{event.pk}/edit/",
        f"/events/{event.pk}/history/",
        "/events/new/",
        "/events/parse-date/?date_text=June+2021",
        f"/events/cite-search/?passage={source.passages.first().pk}&start=0&end=5",
        "/sources/",
        f"/sources/{source.pk}/",
        f"/sources/{source.pk}/suggestions/",
        "/sources/new/",
        "/accounts/login/",
        "/api/docs/",
    ]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_no_page_has_inline_script_or_style(client, analyst, site, htmx):
    client.force_login(analyst)
    headers = {"HX-Request": "true"} if htmx else {}
    found = {}
    for path in pages(*site):
        response = client.get(path, headers=headers)
        assert response.status_code in (200, 400), (path, response.status_code)
        assert "Content-Security-Policy" in response
        if problems := inline_problems(response.content.decode()):
            found[path] = problems
    assert found == {}


def test_anonymous_pages_and_the_403_page_have_no_inline_script_or_style(client, reader, site):
    event, source = site
    found = {}
    for path in ["/", "/actors/", f"/events/{event.pk}/", f"/sources/{source.pk}/"]:
        if problems := inline_problems(client.get(path).content.decode()):
            found[path] = problems
    client.force_login(reader)
    forbidden = client.get("/events/new/")
    assert forbidden.status_code == 403
    assert inline_problems(forbidden.content.decode()) == []
    assert found == {}


def test_no_template_of_ours_has_inline_script_or_style():
    """Also the templates no test above renders (every branch of every page)."""
    found = {}
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text()
        problems = [
            *re.findall(r"<script(?![^>]*\b(?:src|nonce)=)[^>]*>", text),
            *re.findall(r"<style(?![^>]*\bnonce=)[^>]*>", text),
            *re.findall(r"\sstyle=[\"']", text),
            *re.findall(r"\shx-on[:-]", text),
            *re.findall(r"js:\{", text),
        ]
        if problems:
            found[str(path.relative_to(settings.BASE_DIR))] = problems
    assert found == {}
