"""Adding a source: the size limit is said before sending and checked in the browser, so text
pasted over it is never sent (and never lost)."""

import re

import pytest
from playwright.sync_api import Page, expect

from sources.models import Source
from sources.services import MAX_SOURCE_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_limit_is_said_beside_the_text_box(analyst_page: Page, live_server):
    analyst_page.goto(live_server.url + "/sources/new/")
    text = analyst_page.get_by_label("Paste the text")
    expect(text).to_have_accessible_description(re.compile("at most 2 MB"))


def test_pasted_text_over_the_limit_is_blocked_with_a_message_and_kept(
    analyst_page: Page, live_server
):
    page = analyst_page
    page.goto(live_server.url + "/sources/new/")
    page.wait_for_load_state()
    # Over the limit by one multi-byte character: the browser counts UTF-8 bytes as the server.
    line = "Мьянма и Россия: переговоры в Нейпьидо.\n"
    pasted = line * (MAX_SOURCE_BYTES // len(line.encode()) + 1)
    assert len(pasted.encode()) > MAX_SOURCE_BYTES
    text = page.get_by_label("Paste the text")
    # As a paste does: the whole text at once, one input event (fill() types it line by line).
    text.evaluate(
        "(el, value) => { el.focus(); el.value = value; el.dispatchEvent("
        "new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'})); }",
        pasted,
    )
    page.get_by_label("Title").fill("Too long")
    requests = []
    page.on("request", lambda r: requests.append(r) if r.method == "POST" else None)

    page.get_by_role("button", name="Add the source").click()

    message = page.locator("#id_text_limit")
    expect(message).to_be_visible()
    expect(message).to_contain_text("over the limit of 2.0 MB")
    expect(text).to_be_focused()
    expect(text).to_have_attribute("aria-invalid", "true")
    assert page.url == live_server.url + "/sources/new/"
    assert requests == []  # nothing was sent
    assert text.input_value() == pasted, "the text is kept as pasted"
    assert not Source.objects.exists()

    # Trimmed under the limit, the same form sends it.
    text.fill(line * 3)
    expect(message).to_be_hidden()
    page.get_by_role("button", name="Add the source").click()
    expect(page).to_have_url(re.compile(r"/sources/\d+/$"))
    assert Source.objects.get().title == "Too long"
