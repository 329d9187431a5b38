"""The filter bar in a real browser: actor suggestions, the density strip, Back."""

import itertools
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.http import QueryDict
from playwright.sync_api import Page, Request, expect

from events.filters import EventFilter
from events.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded(live_server):
    call_command("load_timeline", verbosity=0)
    return live_server


def expected(query: str) -> tuple[int, list[str]]:
    """How many published events the filter selects, and the titles of the first page."""
    filterset = EventFilter(QueryDict(query), queryset=Event.objects.published().chronological())
    assert filterset.is_valid(), filterset.errors
    titles = list(filterset.qs.values_list("title", flat=True))
    return len(titles), titles[:50]


def expect_results(page: Page, query: str) -> None:
    count, titles = expected(query)
    expect(page.locator("#results .count")).to_have_text(f"{count} event{'s' * (count != 1)}")
    assert page.locator("#results article.event h3.title").all_inner_texts() == titles


def test_filter_by_actor_then_year_and_back(page: Page, loaded):
    page.goto(loaded.url + "/")
    expect_results(page, "")

    page.locator("#f-actor").press_sequentially("Tatmado", delay=30)
    option = page.locator("#actor-suggestions li[role=option]:has(button[data-name='Tatmadaw'])")
    expect(option).to_be_visible()
    page.keyboard.press("ArrowDown")
    # The combobox keeps the focus and points at the active option.
    expect(page.locator("#f-actor")).to_be_focused()
    expect(option).to_have_attribute("aria-selected", "true")
    expect(page.locator("#f-actor")).to_have_attribute(
        "aria-activedescendant", option.get_attribute("id")
    )
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/\?actor=Tatmadaw$"))
    expect_results(page, "actor=Tatmadaw")
    expect(page.locator("#chosen-actors .chip")).to_have_text(re.compile("Tatmadaw"))
    expect(page.locator("#f-actor")).to_have_value("")

    bar = page.locator('nav.density a[aria-label^="2021:"]')
    count, _ = expected("actor=Tatmadaw&year=2021")
    expect(bar).to_have_attribute("aria-label", f"2021: {count} events")
    bar.click()

    expect(page).to_have_url(re.compile(r"/\?actor=Tatmadaw&year=2021$"))
    expect_results(page, "actor=Tatmadaw&year=2021")
    expect(page.locator("#f-year")).to_have_value("2021")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/\?actor=Tatmadaw$"))
    expect_results(page, "actor=Tatmadaw")
    expect(page.locator("#f-year")).to_have_value("")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/$"))
    expect_results(page, "")


def test_alias_suggestion_finds_tatmadaw_tab_takes_it_and_escape_closes(page: Page, loaded):
    page.goto(loaded.url + "/")
    actor = page.locator("#f-actor")
    actor.press_sequentially("Tatmado", delay=30)
    option = page.locator("#actor-suggestions li[role=option] button").first
    expect(option).to_have_attribute("data-name", "Tatmadaw")
    expect(option).to_contain_text("also:")
    expect(actor).to_have_attribute("role", "combobox")
    expect(actor).to_have_attribute("aria-expanded", "true")
    # Escape closes the list and keeps the text and the focus.
    page.keyboard.press("Escape")
    expect(page.locator("#actor-suggestions button")).to_have_count(0)
    expect(actor).to_have_attribute("aria-expanded", "false")
    expect(actor).to_be_focused()
    expect(actor).to_have_value("Tatmado")
    page.wait_for_timeout(500)  # Escape closes the suggestions for good: nothing reopens them
    expect(page.locator("#actor-suggestions button")).to_have_count(0)
    # Typing again reopens it; Up goes to the last option, Tab takes it and moves on.
    page.keyboard.press("Backspace")  # "Tatmad"
    expect(option).to_have_attribute("data-name", "Tatmadaw")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Tab")
    expect(actor).to_have_value("Tatmadaw")
    expect(actor).not_to_be_focused()
    expect(actor).to_have_attribute("aria-expanded", "false")
    # Typing alone filters nothing: the list is unchanged until a suggestion is chosen.
    expect(page).to_have_url(re.compile(r"/$"))


def results_requests(page: Page) -> list[str]:
    """The URLs of the requests for the timeline's results sent from now on (htmx's)."""
    sent: list[str] = []

    def seen(request: Request) -> None:
        if urlsplit(request.url).path == "/" and request.headers.get("hx-request") == "true":
            sent.append(request.url)

    page.on("request", seen)
    return sent


@pytest.mark.parametrize(
    ("box", "key"), [("#f-q", "Enter"), ("#f-from", "Enter"), ("#f-from", "Tab")]
)
def test_enter_or_leaving_a_text_box_sends_one_request(page: Page, loaded, box, key):
    """Enter fires the box's change and submits the form: both asked for the results, the
    first aborted but sent (wasted, and the list could flash). Leaving the box still filters."""
    value, query = ("Shoigu", "q=Shoigu") if box == "#f-q" else ("2021-06", "from=2021-06")
    page.goto(loaded.url + "/")
    expect_results(page, "")
    if box == "#f-q":
        # Typing refreshes the list 0.4 s after the last key: let it, then press Enter.
        page.locator(box).press_sequentially(value, delay=20)
        expect(page).to_have_url(re.compile(rf"/\?{query}$"))
        expect(page.locator("#results .order")).to_have_text(
            "ranked by relevance, best match first"
        )
    else:
        page.locator(box).fill(value)
    sent = results_requests(page)
    page.locator(box).press(key)
    expect(page).to_have_url(re.compile(rf"/\?{query}$"))
    if box != "#f-q":
        expect_results(page, query)
    page.wait_for_timeout(1_000)  # past the text box's 0.4 s: nothing more is sent
    assert len(sent) == 1, sent
    assert query in sent[0]


def test_load_more_appends_the_next_page_keeping_the_filters(page: Page, loaded):
    from tests.test_pages import make_dated_events

    make_dated_events(70, year=2030)
    page.goto(loaded.url + "/?year=2030")
    expect(page.locator("#results article.event")).to_have_count(50)
    page.locator("#load-more").click()
    expect(page.locator("#results article.event")).to_have_count(70)
    expect(page).to_have_url(re.compile(r"/\?year=2030$"))
    assert page.locator("#results article.event h3.title").all_inner_texts() == expected(
        "year=2030"
    )[1] + [f"Day {i:03}" for i in range(50, 70)]


def test_remove_a_chosen_actor_and_add_a_top_actor_through_htmx(page: Page, loaded):
    page.goto(loaded.url + "/?actor=Tatmadaw")
    expect_results(page, "actor=Tatmadaw")
    page.locator("details.facets summary").click()
    page.locator(".facet-actors a", has_text="Min Aung Hlaing").click()
    expect(page).to_have_url(re.compile(r"/\?actor=Tatmadaw&actor=min-aung-hlaing$"))
    expect_results(page, "actor=Tatmadaw&actor=min-aung-hlaing")
    expect(page.locator("#chosen-actors .chip")).to_have_count(2)

    page.get_by_label("Remove actor Tatmadaw").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/\?actor=min-aung-hlaing$"))
    expect_results(page, "actor=min-aung-hlaing")
    expect(page.locator("#chosen-actors .chip")).to_have_count(1)


@pytest.mark.parametrize("path", ["/", "/?q=Shoigu", "/actors/", "/actors/min-aung-hlaing/"])
def test_pages_fit_a_phone_screen(page: Page, loaded, path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(loaded.url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize(("sort", "at_start"), [("", True), ("&sort=-date", False)])
def test_a_phones_time_axis_opens_where_the_list_starts(page: Page, loaded, sort, at_start):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(loaded.url + "/?actor=min-aung-hlaing&year=2021" + sort)
    box = page.locator(".axis-scroll").first
    expect(box).to_be_visible()
    wide = box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert wide  # the axis is wider than a phone
    left = box.evaluate("b => b.scrollLeft")
    if at_start:
        assert left == 0  # the oldest end and the lane labels, as the list starts
        expect(page.locator(".lane-label").first).to_be_in_viewport()
    else:
        assert left > 0  # newest first: the latest end


def test_an_actor_chosen_already_is_not_suggested_again(page: Page, loaded):
    """The chips' actors go along with what is typed (``chosen``): typing an alias of the
    chosen Tatmadaw offers the other matches only (a review chose one actor three times)."""
    page.goto(loaded.url + "/?actor=tatmadaw")
    expect(page.locator("#chosen-actors .chip")).to_have_count(1)
    page.locator("#f-actor").press_sequentially("Myanmar", delay=30)
    options = page.locator("#actor-suggestions li[role=option] button[data-name]")
    expect(options.first).to_be_visible()
    names = options.evaluate_all("(buttons) => buttons.map((b) => b.dataset.name)")
    assert names
    assert "Tatmadaw" not in names
    # Without a chosen actor the same text offers it.
    page.goto(loaded.url + "/")
    page.locator("#f-actor").press_sequentially("Myanmar", delay=30)
    expect(page.locator("#actor-suggestions button[data-name='Tatmadaw']")).to_be_visible()


@pytest.mark.parametrize("width", [390, 660, 800, 1024, 1280])
def test_the_type_menu_opens_inside_the_window(page: Page, live_server, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + "/")
    if width <= 640:  # on a phone the filters fold behind one button
        page.locator("summary.filters-toggle").click()
    page.locator("details.types-menu > summary").click()

    menu = page.locator("details.types-menu fieldset.types")
    expect(menu.get_by_label("visit", exact=True)).to_be_visible()
    box = menu.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") == width  # no sideways scroll


@pytest.mark.parametrize("width", [390, 660, 800, 1024, 1280])
def test_the_density_strips_year_labels_never_run_into_each_other(page: Page, loaded, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(loaded.url + "/")  # the curated timeline: 1947 to 2021, one bar a year

    labels = page.evaluate(
        """[...document.querySelectorAll('nav.density .yr')]
          .filter(e => e.textContent.trim() && getComputedStyle(e).visibility !== 'hidden')
          .map(e => { const r = document.createRange(); r.selectNodeContents(e);
                      const b = r.getBoundingClientRect();
                      return [e.textContent, b.left, b.right]; })"""
    )
    assert len(labels) >= 8  # the ends and the round decades at least
    for (text, _left, right), (after, left, _right) in itertools.pairwise(labels):
        assert left >= right + 2, f"{text} runs into {after}"


@pytest.mark.parametrize("width", [390, 660, 768, 1024, 1280])
def test_the_time_axis_labels_are_readable_at_every_width(page: Page, loaded, width):
    # The review measured the lane labels at about 7 px at a tablet's width: the picture
    # (1000 units wide, labels 11 units) was shrunk to fit instead of scrolling sideways.
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(loaded.url + "/")
    label = page.locator(".lane-label").first
    expect(label).to_be_visible()
    height = label.evaluate("t => t.getBoundingClientRect().height")
    scale = page.locator("svg.axis-svg").first.evaluate(
        "s => s.getBoundingClientRect().width / s.viewBox.baseVal.width"
    )
    assert 11 * scale >= 10, (width, scale, height)
    assert page.evaluate("document.documentElement.scrollWidth") == width  # the page itself


@pytest.mark.parametrize("query", ["", "?actor=min-aung-hlaing&type=visit&year=2021"])
@pytest.mark.parametrize("width", [390, 768, 1024, 1280])
def test_the_filter_boxes_show_their_placeholders_whole(page: Page, loaded, width, query):
    # The review saw "words in titles, s", "name, slug or alia" and "YYYY-MM-DI" at 768 px;
    # the next, "words in titles, summaries, quote" at 1280 px beside an actor's chip, a
    # chosen type and "More filters" open.
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(loaded.url + "/" + query)
    if width <= 640:
        page.locator("summary.filters-toggle").click()
    for box in ["#f-q", "#f-actor", "#f-from", "#f-to"]:
        room, needed = page.locator(box).evaluate(
            """input => {
              const style = getComputedStyle(input);
              const probe = document.createElement("span");
              probe.style.font = style.font;
              probe.style.whiteSpace = "pre";
              probe.textContent = input.placeholder;
              document.body.append(probe);
              const needed = probe.getBoundingClientRect().width;
              probe.remove();
              const room = input.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
              return [room, needed];
            }"""
        )
        assert room >= needed - 1, (box, width, room, needed)
    assert page.evaluate("document.documentElement.scrollWidth") == width
