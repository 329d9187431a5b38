"""The Content-Security-Policy in a real browser: no page of the site, the admin or the API
docs breaks a rule (Chromium reports every refused script, style or image as a
``securitypolicyviolation`` event), and the pages that need JavaScript still run it."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from events.models import Event
from sources.models import Source
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def admin_page(page: Page, live_server, django_user_model):
    call_command("load_timeline", verbosity=0)
    admin = django_user_model.objects.create_superuser("boss", password="not-a-default-3")
    sign_in(page, live_server, admin)
    page.add_init_script(WATCH)
    return page


def violations(page: Page) -> list[str]:
    page.wait_for_load_state("load")
    page.wait_for_timeout(150)  # violations are reported asynchronously
    return page.evaluate("window.__csp")


def test_no_page_breaks_the_policy(admin_page: Page, live_server):
    event = Event.objects.order_by("pk").first()
    source = Source.objects.order_by("pk").first()
    assert event is not None
    assert source is not None
    paths = [
        "/",
        "/?q=Shoigu",
        "/actors/",
        "/actors/min-aung-hlaing/",
        f"/events/{event.pk}/",
        f"/events/{event.pk}/edit/",
        f"/events/{event.pk}/history/",
        "/events/new/",
        "/sources/",
        f"/sources/{source.pk}/",
        f"/sources/{source.pk}/suggestions/",
        "/sources/new/",
        "/admin/",
        "/admin/events/event/",
        f"/admin/events/event/{event.pk}/change/",
        "/admin/sources/source/add/",
        "/api/events/",
    ]
    found = {}
    for path in paths:
        admin_page.goto(live_server.url + path)
        problems = violations(admin_page)
        if path.startswith("/api/"):
            # DRF's browsable API places two buttons with style="" (refused, harmless: drf.css
            # floats them as those attributes would have); anything else counts.
            problems = [p for p in problems if not p.startswith("style-src-attr ")]
        if problems:
            found[path] = problems
    assert found == {}


def test_api_docs_run_swagger_ui_under_the_policy(admin_page: Page, live_server):
    admin_page.goto(live_server.url + "/api/docs/")
    # Swagger UI ran: it fetched the schema and lists the operations.
    expect(admin_page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15000)
    assert violations(admin_page) == []


def test_the_admin_still_works_under_the_policy(admin_page: Page, live_server):
    admin_page.goto(live_server.url + "/admin/events/event/")
    # The admin's JavaScript runs: the action checkbox selects every row.
    admin_page.locator("#action-toggle").check()
    expect(admin_page.locator("input.action-select").first).to_be_checked()
    event = Event.objects.order_by("pk").first()
    assert event is not None
    admin_page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    # Inline formsets' "Add another" link is made by the admin's script.
    expect(admin_page.locator(".add-row a").first).to_be_visible()
    assert violations(admin_page) == []


def test_htmx_runs_without_eval_typing_refreshes_the_results(page: Page, live_server):
    call_command("load_timeline", verbosity=0)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.add_init_script(WATCH)
    page.goto(live_server.url + "/")
    page.wait_for_load_state()
    page.locator("#f-q").press_sequentially("Shoigu", delay=20)  # typing, no Enter
    expect(page.locator("#results .order")).to_have_text("ranked by relevance, best match first")
    expect(page).to_have_url(live_server.url + "/?q=Shoigu")
    assert violations(page) == []
    assert errors == []  # no htmx:evalDisallowedError, no refused script
