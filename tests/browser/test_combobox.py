"""The one actor combobox on the event form, by keyboard (the timeline filter's is driven in
test_filtering.py): ARIA combobox with a listbox popup, focus kept in the input."""

import re

import pytest
from playwright.sync_api import Page, expect

from events.models import Actor, ActorKind, Alias, Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def form(analyst_page: Page, live_server) -> Page:
    shoigu = Actor.objects.create(name="Sergei Shoigu", kind=ActorKind.PERSON)
    Alias.objects.create(actor=shoigu, name="Shoigu")
    Actor.objects.create(name="Tatmadaw", kind=ActorKind.ORGANIZATION)
    Actor.objects.create(name="Tatarstan", kind=ActorKind.PLACE)
    analyst_page.goto(live_server.url + "/events/new/")
    analyst_page.wait_for_load_state()
    return analyst_page


def active_option(page: Page, combobox):
    return page.locator(f"#{combobox.get_attribute('aria-activedescendant')}")


def test_arrow_keys_and_enter_choose_an_actor_without_submitting(form: Page, live_server):
    name = form.locator("input[name='actors-0-name']")
    expect(name).to_have_attribute("role", "combobox")
    expect(name).to_have_attribute("aria-expanded", "false")
    name.press_sequentially("shoi", delay=30)
    listbox = form.locator(f"#{name.get_attribute('aria-controls')} [role=listbox]")
    expect(listbox.locator("[role=option]")).to_have_count(1)
    expect(name).to_have_attribute("aria-expanded", "true")
    # aria-controls names the open listbox.
    controlled = form.locator(f"#{name.get_attribute('aria-controls')}")
    expect(controlled).to_have_attribute("role", "listbox")

    form.keyboard.press("ArrowDown")
    expect(name).to_be_focused()
    option = active_option(form, name)
    expect(option).to_have_attribute("aria-selected", "true")
    expect(option).to_contain_text("Sergei Shoigu")

    form.keyboard.press("Enter")
    expect(name).to_have_value("Sergei Shoigu")
    expect(name).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_have_count(0)
    expect(name).to_be_focused()
    # Enter chose the actor; it did not submit the event form.
    assert form.url == live_server.url + "/events/new/"
    assert not Event.objects.exists()


def test_up_down_wrap_escape_closes_and_tab_takes_the_active_option(form: Page):
    name = form.locator("input[name='actors-0-name']")
    name.press_sequentially("tat", delay=30)
    options = form.locator(f"#{name.get_attribute('aria-controls')} [role=option]")
    expect(options).to_have_count(2)  # Tatarstan, Tatmadaw (by name)

    form.keyboard.press("ArrowUp")  # from nowhere: the last option
    expect(active_option(form, name)).to_contain_text("Tatmadaw")
    form.keyboard.press("ArrowDown")  # wraps to the first
    expect(active_option(form, name)).to_contain_text("Tatarstan")

    form.keyboard.press("Escape")
    expect(options).to_have_count(0)
    expect(name).to_have_attribute("aria-expanded", "false")
    expect(name).to_have_value("tat")
    expect(name).to_be_focused()

    name.press_sequentially("m", delay=30)
    expect(options).to_have_count(1)
    form.keyboard.press("ArrowDown")
    form.keyboard.press("Tab")
    expect(name).to_have_value("Tatmadaw")
    expect(name).not_to_be_focused()
    expect(form.locator("select[name='actors-0-role']")).to_be_focused()


def test_an_added_actor_row_has_a_working_combobox(form: Page):
    form.get_by_role("button", name="Add another actor").click()
    rows = form.locator(".actor-rows input.actor-name")
    added = rows.last
    expect(added).to_be_focused()
    expect(added).to_have_attribute("role", "combobox")
    added.press_sequentially("Shoigu", delay=30)
    expect(form.locator(f"#{added.get_attribute('aria-controls')} [role=option]")).to_have_count(1)
    form.keyboard.press("ArrowDown")
    form.keyboard.press("Enter")
    expect(added).to_have_value("Sergei Shoigu")
    assert re.fullmatch(r"actors-\d+-name", added.get_attribute("name") or "")
