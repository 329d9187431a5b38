"""Two analysts edit the same event in two browsers: the second save is refused, nothing lost."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import Browser, expect

from events.models import Event, Status
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_analysts(django_user_model):
    group, _ = Group.objects.get_or_create(name="analysts")
    users = []
    for name in ("first", "second"):
        user = django_user_model.objects.create_user(name, password=f"not-a-default-{name}")
        user.groups.add(group)
        users.append(user)
    return users


def test_the_second_editor_sees_what_changed_and_keeps_their_input(
    browser: Browser, live_server, two_analysts
):
    event = Event.objects.create(
        title="Shoigu in Naypyidaw", location="Naypyidaw", status=Status.DRAFT
    )
    url = f"{live_server.url}/events/{event.pk}/edit/"
    pages = []
    for user in two_analysts:
        page = browser.new_context().new_page()
        sign_in(page, live_server, user)
        page.goto(url)
        pages.append(page)
    first, second = pages

    first.locator("#id_title").fill("Shoigu visits Naypyidaw")
    first.get_by_role("button", name="Save changes").click()
    expect(first).to_have_url(re.compile(rf"/events/{event.pk}/$"))

    second.locator("#id_title").fill("Shoigu meets Min Aung Hlaing")
    second.locator("#id_summary").fill("Typed by the second analyst.")
    second.get_by_role("button", name="Save changes").click()

    conflict = second.locator("section.conflict")
    expect(conflict).to_contain_text("Not saved: another analyst changed this event")
    expect(conflict).to_contain_text("saved by first")
    expect(conflict.locator("td.theirs").first).to_have_text("Shoigu visits Naypyidaw")
    expect(second.locator("#id_title")).to_have_value("Shoigu meets Min Aung Hlaing")
    expect(second.locator("#id_summary")).to_have_value("Typed by the second analyst.")
    event.refresh_from_db()
    assert (event.title, event.summary, event.version) == ("Shoigu visits Naypyidaw", "", 2)

    # Having seen their change, the second analyst saves deliberately over it.
    second.get_by_role("button", name="Save changes").click()
    expect(second).to_have_url(re.compile(rf"/events/{event.pk}/$"))
    expect(second.get_by_role("heading", level=1)).to_have_text("Shoigu meets Min Aung Hlaing")
    event.refresh_from_db()
    assert (event.title, event.version) == ("Shoigu meets Min Aung Hlaing", 3)
    for page in pages:
        page.context.close()


def test_a_refused_save_replaces_the_form_of_a_cited_event(
    browser: Browser, live_server, two_analysts
):
    # Regression: an input named "remove" shadowed form.remove() and htmx left the stale form.
    call_command("load_timeline", verbosity=0)
    event = Event.objects.filter(citations__isnull=False).order_by("pk").first()
    assert event is not None
    url = f"{live_server.url}/events/{event.pk}/edit/"
    first, second = (browser.new_context().new_page() for _ in two_analysts)
    for page, user in zip((first, second), two_analysts, strict=True):
        sign_in(page, live_server, user)
        page.goto(url)
    errors = []
    second.on("pageerror", lambda error: errors.append(error))

    first.locator("#id_location").fill("Moscow")
    first.get_by_role("button", name="Save changes").click()
    expect(first).to_have_url(re.compile(rf"/events/{event.pk}/$"))
    second.locator("#id_location").fill("Naypyidaw")
    second.get_by_role("button", name="Save changes").click()

    expect(second.locator("section.conflict")).to_be_visible()
    expect(second.locator("form#event-form")).to_have_count(1)
    expect(second.locator("#id_location")).to_have_value("Naypyidaw")
    assert errors == []
    for page in (first, second):
        page.context.close()
