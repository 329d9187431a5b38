"""The time axis in a real browser: the first screen, zooming through it, Back, keyboard."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import FloatRect, Locator, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/timeline-screens")


@pytest.fixture
def loaded(live_server):
    call_command("load_timeline", verbosity=0)
    return live_server


def box_of(locator: Locator) -> FloatRect:
    """The element's box on the page (None only when it is not rendered)."""
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not rendered"
    return box


def in_first_screen(page: Page, selector: str) -> int:
    """How many elements matching ``selector`` lie wholly inside the viewport."""
    size = page.viewport_size
    assert size is not None
    height = size["height"]
    boxes = [el.bounding_box() for el in page.locator(selector).all()]
    return sum(1 for box in boxes if box and box["y"] >= 0 and box["y"] + box["height"] <= height)


def test_the_first_screen_shows_the_axis_and_five_events(page: Page, loaded):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(loaded.url + "/")
    axis = page.locator("figure.axis")
    expect(axis).to_be_visible()
    assert in_first_screen(page, "figure.axis") == 1
    assert in_first_screen(page, "#results article.event") >= 5
    # The filters and the axis take at most half of the first screen.
    filters = box_of(page.locator("#filters"))
    bottom = box_of(axis)["y"] + box_of(axis)["height"]
    assert bottom - filters["y"] <= 400
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "timeline-1280x800.png")


def test_on_a_phone_the_filters_fold_behind_one_button(page: Page, loaded):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(loaded.url + "/")
    expect(page.locator("#f-q")).to_be_hidden()
    page.locator("summary.filters-toggle").click()
    expect(page.locator("#f-q")).to_be_visible()
    page.locator("summary.filters-toggle").click()
    expect(page.locator("figure.axis")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "timeline-390x844.png")


def test_on_a_phone_a_signed_in_analysts_header_stays_short(analyst_page: Page, loaded):
    # A reviewer's was 185 px: "Add a source" wrapped and "Sign out" took a row of its own.
    page = analyst_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(loaded.url + "/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert box_of(page.locator("header.site"))["height"] <= 120
    assert page.evaluate("document.documentElement.scrollWidth") == 390


@pytest.mark.parametrize("sort", ["", "&sort=-date"])
def test_on_a_phone_the_axis_opens_where_an_event_is_drawn(page: Page, loaded, sort):
    """A reviewer's year axis opened at January on a phone, its June events out of sight."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{loaded.url}/?actor=min-aung-hlaing&year=2021&type=visit{sort}")
    scroller = box_of(page.locator(".axis-scroll"))
    marks = [box_of(mark) for mark in page.locator("figure.axis a.mark").all()]
    assert marks
    seen = [
        mark
        for mark in marks
        if mark["x"] >= scroller["x"]
        and mark["x"] + mark["width"] <= scroller["x"] + scroller["width"]
    ]
    assert seen
    page.screenshot(path=SHOTS / f"axis-phone{sort.replace('&sort=', '-')}.png")


def test_zoom_into_2021_then_june_through_the_axis_and_back(page: Page, loaded):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(loaded.url + "/?axis=all")  # every year: from the 1940s to the 2020s
    caption = page.locator("#axis-caption")
    page.locator('svg.axis-svg a.tick[aria-label="Zoom into 2020s"]').click()
    expect(page).to_have_url(re.compile(r"from=2020&to=2029$"))
    page.locator('svg.axis-svg a.tick[aria-label="Zoom into 2021"]').click()
    expect(page).to_have_url(re.compile(r"from=2021&to=2021$"))
    expect(caption).to_contain_text("1 January – 31 December 2021")
    expect(page.locator("#f-from")).to_have_value("2021")
    page.locator('svg.axis-svg a.tick[aria-label="Zoom into Jun"]').click()
    expect(page).to_have_url(re.compile(r"from=2021-06&to=2021-06$"))
    expect(caption).to_contain_text("1–30 June 2021")
    # Every event listed in June 2021 is on the axis: its own mark, or in a count.
    listed = page.locator("#results article.event h3.title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    drawn = page.locator("svg.axis-svg a.mark").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    counted = sum(int(n) for n in page.locator("svg.axis-svg a.cluster text").all_text_contents())
    assert listed
    assert set(drawn) <= set(listed)
    assert len(drawn) + counted == len(listed)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "timeline-june-2021-1280x800.png")
    page.go_back()
    expect(page).to_have_url(re.compile(r"from=2021&to=2021$"))
    expect(caption).to_contain_text("1 January – 31 December 2021")
    page.go_back()
    page.go_back()
    expect(page).to_have_url(loaded.url + "/?axis=all")
    expect(caption).to_contain_text("1 January 1947")


def test_an_actors_axis_opens_on_its_dense_years_and_the_earlier_event_is_reached(
    page: Page, loaded
):
    """The Tatmadaw: one event "since the 1950s", the rest in 2019–2021. The axis draws
    2019–2021, not 1950–2021 with the recent years a sliver, and says what begins earlier."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(loaded.url + "/actors/tatmadaw/")
    axis = page.locator("figure.axis")
    labels = axis.locator("svg.axis-svg a.tick text").all_text_contents()
    assert "Jan 2021" in labels
    assert not any(label.startswith("19") for label in labels), labels
    # The recent years take the axis's width: Jan 2019 and Jan 2021 far apart.
    first = box_of(axis.locator('a.tick[aria-label="Zoom into Jan 2019"]'))
    last = box_of(axis.locator('a.tick[aria-label="Zoom into Jan 2021"]'))
    assert last["x"] - first["x"] > 400
    SHOTS.mkdir(exist_ok=True)
    axis.screenshot(path=SHOTS / "actor-dense-years.png")
    earlier = axis.get_by_role("link", name="← 1 event begins earlier (1950): show all years")
    expect(earlier).to_be_visible()
    # By keyboard: a real link, focused, Enter follows it.
    earlier.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"axis=all"))
    expect(page.locator("#axis-caption")).to_contain_text("1 January 1950")
    widened = page.locator("figure.axis")
    expect(widened.locator('a.tick[aria-label="Zoom into 1950s"]')).to_be_visible()
    mark = widened.locator("svg.axis-svg a.mark", has_text="holds Myanmar's main power")
    expect(mark.first).to_be_attached()
    widened.screenshot(path=SHOTS / "actor-all-years.png")
    widened.get_by_role("link", name="Show only the years where most events are").click()
    expect(page.locator("#axis-caption")).to_contain_text("1 January 2019")


def test_a_month_precision_mark_is_wider_than_a_day_precision_one(page: Page, loaded):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(loaded.url + "/?from=2021&to=2021")
    day = box_of(page.locator("svg.axis-svg a.mark.p-day rect").first)
    month = box_of(page.locator("svg.axis-svg a.mark.p-month rect").first)
    assert month["width"] > 3 * day["width"]


def test_dragging_across_the_axis_sets_from_and_to(page: Page, loaded):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(loaded.url + "/?from=2021&to=2021")
    svg = box_of(page.locator("svg.axis-svg"))
    y = svg["y"] + 19 * svg["width"] / 1000  # below the date labels: grid lines, no links
    page.mouse.move(svg["x"] + svg["width"] * 0.55, y)
    page.mouse.down()
    page.mouse.move(svg["x"] + svg["width"] * 0.7, y, steps=5)
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"from=2021-0\d-\d\d&to=2021-\d\d-\d\d$"))
    expect(page.locator("#f-from")).to_have_value(re.compile(r"^2021-0\d-\d\d$"))


def test_the_keyboard_reaches_every_mark(page: Page, loaded):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(loaded.url + "/?from=2021-06&to=2021-06")
    marks = page.locator("svg.axis-svg a.mark")
    wanted = set(marks.evaluate_all("links => links.map(a => a.getAttribute('data-event'))"))
    assert len(wanted) >= 5
    reached = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        event = page.evaluate("document.activeElement.getAttribute('data-event')")
        if event:
            reached.add(event)
        if reached == wanted:
            break
    assert reached == wanted


def test_lanes_by_actor_survive_a_change_of_filter(page: Page, loaded):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(loaded.url + "/?from=2021&to=2021")
    page.locator(".axis-lanes a", has_text="actor").click()
    expect(page).to_have_url(re.compile(r"lanes=actor"))
    expect(page.locator("svg.axis-svg .lane-label", has_text="Min Aung Hlaing")).to_be_visible()
    page.locator("details.types-menu > summary").click()
    page.locator("details.types-menu input[value=visit]").check()
    expect(page.locator("details.types-menu > summary")).to_have_text("Type: 1 chosen")
    expect(page).to_have_url(re.compile(r"type=visit.*lanes=actor|lanes=actor.*type=visit"))
    page.mouse.click(5, 700)
    expect(page.locator("details.types-menu fieldset.types")).to_be_hidden()


# The background's own connection beside the live server's: SQLite's shared in-memory test
# database locks a table per reader (as in tests/test_counts_budget.py).
@pytest.mark.postgresql
def test_counts_computed_in_the_background_fill_in_without_a_reload(
    page: Page, loaded, monkeypatch
):
    """At a million events a filter's counts can outrun their time budget: the page comes
    with its events and a note, and fills in the axis and counts by itself once the
    background has counted them (the analyst need not reload)."""
    from django.core.cache import cache

    from events import counts
    from events.models import Actor

    def out_of_budget(compute, db):
        raise counts.OutOfBudget

    monkeypatch.setattr(counts, "within_budget", out_of_budget)
    try:
        cache.clear()
        page.goto(loaded.url + "/?from=2000")
        note = page.locator("#results .counts-pending")
        expect(note).to_be_visible()
        assert page.locator("#results strong.count").count() == 0
        page.evaluate("window.notReloaded = true")
        expect(note).to_have_count(0, timeout=20_000)
        expect(page.locator("#results strong.count")).to_have_text(re.compile(r"^\d+ events$"))
        expect(page.locator("figure.axis")).to_be_visible()
        assert page.evaluate("window.notReloaded") is True

        actor = Actor.objects.get(slug="russia")
        page.goto(f"{loaded.url}/actors/{actor.slug}/")
        note = page.locator(".counts-pending")
        expect(note).to_be_visible()
        page.evaluate("window.notReloaded = true")
        expect(note).to_have_count(0, timeout=20_000)
        expect(page.locator("#partners")).to_be_visible()
        expect(page.locator(".partners ol li").first).to_be_visible()
        assert page.evaluate("window.notReloaded") is True
    finally:
        # No page may go on asking (and counting) while the test's rows are flushed.
        page.goto("about:blank")
        counts.join_background()


@pytest.mark.postgresql  # the background's own connection, as above
def test_an_embed_still_counting_fills_in_without_a_reload(page: Page, loaded, monkeypatch):
    """Framed on another site, nobody reloads the embed: it asks again by itself and shows
    its count and axis once the background has counted them."""
    from django.core.cache import cache

    from events import counts

    def out_of_budget(compute, db):
        raise counts.OutOfBudget

    monkeypatch.setattr(counts, "within_budget", out_of_budget)
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    try:
        cache.clear()
        page.goto(loaded.url + "/embed/?from=2000")
        note = page.locator("#results .counts-pending")
        expect(note).to_have_text("Counting the events; reload in a moment.")
        assert page.locator("#results strong.count").count() == 0
        page.evaluate("window.notReloaded = true")
        expect(note).to_have_count(0, timeout=20_000)
        expect(page.locator("#results strong.count")).to_have_text(re.compile(r"^\d+ events$"))
        expect(page.locator("#results figure.axis")).to_be_visible()
        expect(page.locator("#results article.event").first).to_be_visible()
        assert page.evaluate("window.notReloaded") is True
        assert violations == []
    finally:
        page.goto("about:blank")
        counts.join_background()


def lane_labels_in_view(page: Page) -> list[bool]:
    """For each lane label of the axis: whether it lies wholly inside the scrolled box."""
    scroller = box_of(page.locator(".axis-scroll"))
    right = scroller["x"] + scroller["width"]
    return [
        box["x"] >= scroller["x"] and box["x"] + box["width"] <= right
        for box in (box_of(label) for label in page.locator("svg.axis-svg .lane-label").all())
    ]


@pytest.mark.parametrize("lanes", ["type", "actor"])
def test_on_a_phone_the_lane_labels_stay_in_view_when_the_axis_scrolls(page: Page, loaded, lanes):
    """Scrolled sideways on a phone, the axis's lanes were unnamed (their labels scrolled
    away with the picture's left edge): they stay at the edge of what is shown."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{loaded.url}/?lanes={lanes}")
    page.wait_for_load_state()
    labels = page.locator("svg.axis-svg .lane-label")
    assert labels.count() >= 2
    names = labels.all_inner_texts()
    assert all(lane_labels_in_view(page))
    SHOTS.mkdir(exist_ok=True)
    for at in ("middle", "end"):
        page.evaluate(
            """(at) => {
                const box = document.querySelector(".axis-scroll");
                box.scrollLeft = at === "end" ? box.scrollWidth : box.scrollWidth / 2 - 200;
            }""",
            at,
        )
        expect(page.locator("svg.axis-svg")).to_have_class(re.compile(r"\blabels-stuck\b"))
        assert page.evaluate("document.querySelector('.axis-scroll').scrollLeft") > 200
        assert all(lane_labels_in_view(page)), at
        # Painted over the lane's counts and marks (last in its group): at a million events
        # every cell holds a dark count, which hid a label drawn before it.
        last = "[...document.querySelectorAll('.lane-label')].every(l => !l.nextElementSibling)"
        assert page.evaluate(last)
        assert labels.all_inner_texts() == names
        page.locator("figure.axis").screenshot(path=SHOTS / f"axis-phone-{lanes}-{at}.png")
    # Back at the start, they are drawn where they were (right-aligned in the gutter).
    page.evaluate("document.querySelector('.axis-scroll').scrollLeft = 0")
    expect(page.locator("svg.axis-svg")).not_to_have_class(re.compile(r"\blabels-stuck\b"))
    assert labels.first.get_attribute("text-anchor") == "end"
    assert all(lane_labels_in_view(page))
