"""Real headless Chromium (Debian's package) driven by Playwright against live_server."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"Browser tests need Chromium at {CHROMIUM}; CI must install it.")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def sign_in(page, live_server, user) -> None:
    """Give the browser context a session for ``user`` (as if they had signed in)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def analyst_page(page, live_server, analyst):
    """A browser page signed in as a member of the "analysts" group."""
    sign_in(page, live_server, analyst)
    return page


@pytest.fixture
def analysts_group(transactional_db):
    """For transactional browser tests: the flush between them removes the group the migration
    made (make it again), and proposals cached for a source id that is reused must go."""
    from django.contrib.auth.models import Group
    from django.core.cache import cache

    Group.objects.get_or_create(name="analysts")
    cache.clear()
