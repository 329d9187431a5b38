"""An analyst records an event while reading: sign in, add a source, select, cite, publish."""

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from events.models import Actor, ActorKind, Alias, Event, Status
from sources.services import import_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/timeline-screens")

ARTICLE = (
    "Russian Defence Minister in Myanmar\n"
    "\n"
    "The visit had been planned since the spring.\n"
    "Sergei Shoigu held talks with the Myanmar military leadership in Naypyidaw. "
    "The two sides discussed arms deliveries.\n"
    "Observers called the meeting a sign of close ties.\n"
)


SENTENCE = "Sergei Shoigu held talks with the Myanmar military leadership in Naypyidaw."


def select_in_passage(page: Page, index: int, text: str) -> None:
    """Select ``text`` inside passage ``index`` the way a mouse would: a DOM Range."""
    page.evaluate(
        """([index, text]) => {
            const ptext = document.querySelector(`#p-${index} .ptext`);
            const walker = document.createTreeWalker(ptext, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.data.indexOf(text);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + text.length);
                    const selection = document.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return;
                }
            }
            throw new Error("text not found in passage " + index);
        }""",
        [index, text],
    )


def sign_in_with_the_login_page(page: Page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill("not-a-default-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def test_an_analyst_records_an_event_from_a_selected_sentence(page: Page, live_server, analyst):
    shoigu = Actor.objects.create(name="Sergei Shoigu", kind=ActorKind.PERSON)
    Alias.objects.create(actor=shoigu, name="Shoigu")
    sign_in_with_the_login_page(page, live_server.url)

    # Add a source by pasting its text.
    page.goto(live_server.url + "/sources/new/")
    page.get_by_label("Paste the text").fill(ARTICLE)
    page.get_by_label("Title").fill("Shoigu in Naypyidaw")
    page.get_by_label("Publication date").fill("24 June 2021")
    page.get_by_role("button", name="Add the source").click()
    expect(page).to_have_url(re.compile(r"/sources/\d+/$"))
    page.wait_for_load_state()  # the reader's script listens for selections once loaded

    # Select a sentence in the reader: the popover offers a new event from it.
    select_in_passage(page, 2, SENTENCE)
    popover = page.locator("#cite-popover")
    expect(popover).to_be_visible()
    popover.get_by_role("link", name="New event from this").click()
    expect(page).to_have_url(re.compile(rf"/events/new/\?passage=\d+&start=0&end={len(SENTENCE)}$"))
    expect(page.locator("blockquote.prefilled")).to_have_text(SENTENCE)
    page.wait_for_load_state()  # htmx must be listening before we type

    # Fill in the form; the date is parsed while typing.
    page.locator("#id_title").fill("Shoigu holds talks in Naypyidaw")
    page.locator("#id_type").select_option("meeting")
    date = page.locator("#id_date_text")
    date.fill("")
    date.press_sequentially("May 20-22, 2021")
    expect(page.locator("#date-preview")).to_have_text("20–22 May 2021, day precision")
    name = page.locator("input[name='actors-0-name']")
    # The actor the selected sentence names is prefilled; chosen again through the combobox.
    expect(name).to_have_value("Sergei Shoigu")
    name.fill("")
    name.press_sequentially("shoi")
    page.locator(".suggest-box button[data-name='Sergei Shoigu']").click()
    expect(name).to_have_value("Sergei Shoigu")
    page.locator("select[name='actors-0-role']").select_option("visitor")
    page.locator("#id_status").select_option("published")
    page.get_by_role("button", name="Create event").click()

    expect(page).to_have_url(re.compile(r"/events/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Shoigu holds talks in Naypyidaw")
    event = Event.objects.get(title="Shoigu holds talks in Naypyidaw")
    assert event.status == Status.PUBLISHED
    assert event.citations.get().quote == SENTENCE
    assert str(event.date_start) == "2021-05-20"

    # Find it on the timeline filtered by its actor.
    page.goto(live_server.url + "/?actor=shoigu")
    expect(
        page.locator("ol.events > li", has_text="Shoigu holds talks in Naypyidaw")
    ).to_be_visible()


def test_a_selection_across_two_passages_is_refused_with_a_message(analyst_page: Page, live_server):
    from sources.services import import_source

    source, _ = import_source(ARTICLE, title="Two passages", key="two-passages")
    page = analyst_page
    page.goto(f"{live_server.url}/sources/{source.pk}/")
    page.evaluate(
        """() => {
            const first = document.querySelector('#p-1 .ptext').firstChild;
            const last = document.querySelector('#p-2 .ptext').firstChild;
            const range = document.createRange();
            range.setStart(first, 4);
            range.setEnd(last, 10);
            document.getSelection().removeAllRanges();
            document.getSelection().addRange(range);
        }"""
    )
    popover = page.locator("#cite-popover")
    expect(popover.locator(".cite-message")).to_have_text(re.compile("spans two"))
    expect(popover.get_by_role("link", name="New event from this")).to_be_hidden()


def test_a_selection_is_added_to_an_existing_event(analyst_page: Page, live_server):
    from sources.services import import_source

    source, _ = import_source(ARTICLE, title="Existing", key="existing")
    event = Event.objects.create(title="Shoigu visits Myanmar", status=Status.DRAFT)
    page = analyst_page
    page.goto(f"{live_server.url}/sources/{source.pk}/")
    select_in_passage(page, 3, "a sign of close ties")
    popover = page.locator("#cite-popover")
    popover.get_by_role("button", name="Add to event…").click()
    popover.get_by_label("Event title or date").press_sequentially("visits")
    popover.get_by_role("button", name="Add to “Shoigu visits Myanmar”").click()

    expect(page).to_have_url(re.compile(rf"/events/{event.pk}/#c-\d+$"))
    citation = event.citations.get()
    assert citation.quote == "a sign of close ties"
    assert citation.start == ARTICLE.splitlines()[4].index("a sign of close ties")
    event.refresh_from_db()
    assert event.version == 2


CLEARED = "The borrowed start, end and “approximate” were cleared: the date is read from the text."
BORROWED = (
    "Talks in Naypyidaw\n"
    "\n"
    "Sergei Shoigu arrived in Naypyidaw on March 12. He held talks with the military.\n"
)


def test_typing_the_date_as_written_replaces_a_date_the_form_borrowed(
    analyst_page: Page, live_server
):
    """A selection without a date of its own borrows the sentence before's, which fills
    start (and wins over the text): typing the date as the source writes it clears it, so
    what is saved is what the preview says (a reviewer saved 12 March under "March 2025")."""
    source, _ = import_source(
        BORROWED, title="Talks", key="talks", published_date=dt.date(2025, 3, 14)
    )
    passage = source.passages.get(index=1)
    start = passage.text.index("He held")
    page = analyst_page
    page.goto(
        f"{live_server.url}/events/new/?passage={passage.pk}&start={start}&end={len(passage.text)}"
    )
    page.wait_for_load_state()
    expect(page.locator(".date-origin")).to_contain_text("Check the date")
    expect(page.locator("#id_date_start")).to_have_value("2025-03-12")

    page.locator("#id_title").fill("Shoigu holds talks")
    page.locator("#id_date_text").press_sequentially("March 2025")
    expect(page.locator("#id_date_start")).to_have_value("")
    expect(page.locator("#date-cleared")).to_have_text(CLEARED)
    expect(page.locator("#date-preview")).to_have_text("March 2025, month precision")
    page.get_by_role("button", name="Create event").click()

    expect(page).to_have_url(re.compile(r"/events/\d+/$"))
    event = Event.objects.get(title="Shoigu holds talks")
    assert (str(event.date_start), event.date_precision) == ("2025-03-01", "month")
    assert event.date_text == "March 2025"


def test_a_borrowed_approximate_date_and_its_note_are_cleared_with_it(
    analyst_page: Page, live_server
):
    """A reviewer's save read "c. March 2021": the borrowed "late June" had ticked
    "approximate", which stayed ticked (and its "Check the date" note stayed) when the
    analyst typed the date as written and the preview said "March 2021"."""
    source, _ = import_source(
        "Talks\n\nShoigu arrived in Naypyidaw in late June. He held talks with the military.\n",
        title="Late",
        key="late",
        published_date=dt.date(2021, 7, 2),
    )
    passage = source.passages.get(index=1)
    start = passage.text.index("He held")
    page = analyst_page
    page.goto(
        f"{live_server.url}/events/new/?passage={passage.pk}&start={start}&end={len(passage.text)}"
    )
    expect(page.locator("#id_date_approximate")).to_be_checked()
    expect(page.locator("#id_citations-0-note")).to_have_value(re.compile("^Check the date"))

    page.locator("#id_title").fill("Shoigu holds talks")
    page.locator("#id_date_text").press_sequentially("June 2021")
    expect(page.locator("#date-cleared")).to_have_text(CLEARED)
    expect(page.locator("#id_date_approximate")).not_to_be_checked()
    expect(page.locator("#id_citations-0-note")).to_have_value("")
    expect(page.locator("#date-preview")).to_have_text("June 2021, month precision")
    page.get_by_role("button", name="Create event").click()

    expect(page).to_have_url(re.compile(r"/events/\d+/$"))
    expect(page.locator("main")).not_to_contain_text("c. June 2021")
    event = Event.objects.get(title="Shoigu holds talks")
    assert (str(event.date_start), event.date_precision) == ("2021-06-01", "month")
    assert event.date_approximate is False
    assert event.citations.get().note == ""


def test_the_date_preview_reads_again_when_the_cited_source_is_typed_after_it(
    analyst_page: Page, live_server
):
    """A second reviewer typed the date first: the preview kept today's year while the save
    read the source's (30 December 2021)."""
    import_source(
        "Pact\n\nOn December 30, Russia and Myanmar signed a defence pact.\n",
        title="Pact",
        key="pact",
        published_date=dt.date(2022, 1, 5),
    )
    page = analyst_page
    page.goto(f"{live_server.url}/events/new/")
    page.locator("#id_date_text").press_sequentially("December 30")
    # Nothing cited yet: a day without a year takes today's.
    this_year = dt.date.today().year
    expect(page.locator("#date-preview")).to_have_text(f"30 December {this_year}, day precision")
    page.locator("#id_citations-0-source").fill("pact")
    page.locator("#id_citations-0-quote").fill("Russia and Myanmar signed a defence pact")
    page.locator("#id_citations-0-quote").blur()
    expect(page.locator("#date-preview")).to_have_text("30 December 2021, day precision")


def test_on_a_phone_the_cite_popover_stays_inside_the_screen(analyst_page: Page, live_server):
    """At 390 px the popover opened under a selection near the right edge ran to (and past)
    the screen's edge: it keeps 8 px from both edges, also once the events found fill it."""
    source, _ = import_source(ARTICLE, title="Phone", key="phone")
    Event.objects.create(title="Shoigu visits Myanmar for talks on arms", status=Status.DRAFT)
    page = analyst_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/sources/{source.pk}/")
    page.wait_for_load_state()
    # Select the word ending furthest right on the passage's first line (near the edge).
    left = page.evaluate(
        """() => {
            const node = document.querySelector("#p-2 .ptext").firstChild;
            const top = node.parentElement.getBoundingClientRect().top;
            let best = null;
            for (const match of node.data.matchAll(/\\w+/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const rect = range.getBoundingClientRect();
                if (rect.top > top + 5) break;  // the second line
                if (!best || rect.right > best.getBoundingClientRect().right) best = range;
            }
            document.getSelection().removeAllRanges();
            document.getSelection().addRange(best);
            return best.getBoundingClientRect().left;
        }"""
    )
    assert left > 390 / 2  # opened there, the popover ran past the edge
    popover = page.locator("#cite-popover")
    expect(popover).to_be_visible()
    SHOTS.mkdir(exist_ok=True)

    def inside() -> None:
        box = popover.bounding_box()
        assert box is not None
        assert box["x"] >= 8, box
        assert box["x"] + box["width"] <= 390 - 8, box
        assert page.evaluate("document.documentElement.scrollWidth") == 390

    inside()
    page.screenshot(path=SHOTS / "cite-popover-390.png")
    popover.get_by_role("button", name="Add to event…").click()
    popover.get_by_label("Event title or date").press_sequentially("visits")
    expect(popover.get_by_role("button", name=re.compile("Add to “Shoigu visits"))).to_be_visible()
    inside()
    page.screenshot(path=SHOTS / "cite-popover-390-events.png")
