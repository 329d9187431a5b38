import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from pytest_django.plugin import blocking_manager_key

from tests.factories import ActorFactory, EventFactory, SourceFactory

CORPUS_DIR: Path = settings.FIXTURES_DIR / "corpus"
TIMELINE_FILE: Path = settings.FIXTURES_DIR / "timeline.json"


def corpus_files() -> list[Path]:
    """The five sample articles, in file-name order."""
    return sorted(CORPUS_DIR.glob("*.txt"))


def run(*args, **options) -> str:
    """Run a management command; return what it printed."""
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def source(db):
    return SourceFactory()


@pytest.fixture
def event(db):
    return EventFactory()


@pytest.fixture
def actor(db):
    return ActorFactory()


@pytest.fixture
def timeline(db) -> str:
    """The curated timeline loaded afresh by ``load_timeline`` (for tests of loading itself);
    returns what it printed. Tests that only read it use ``published_timeline``."""
    return run("load_timeline")


# The curated timeline, loaded once per session for the tests that read it -------------------
#
# Those tests run first (``pytest_collection_modifyitems``); the timeline is loaded before the
# first of them and removed after the last, so every other test starts from an empty database.
# Each test still runs in its own transaction: whatever it writes is rolled back.

CURATED = "published_timeline"
_readers_left = {"n": 0}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    deselect_other_databases(config, items)
    reading = [item for item in items if CURATED in getattr(item, "fixturenames", ())]
    items[:] = reading + [
        item for item in items if CURATED not in getattr(item, "fixturenames", ())
    ]
    _readers_left["n"] = len(reading)


@pytest.fixture(scope="session")
def _curated_timeline(django_db_setup, django_db_blocker) -> str:
    with django_db_blocker.unblock():
        output = run("load_timeline")
    _readers_left["loaded"] = True  # in the test database: only then is there a timeline to drop
    return output


def _remove_curated_timeline() -> None:
    from events.models import Actor, Citation, Event, Participation, Post
    from sources.models import Source

    Event.objects.all().delete()  # with its participants and citations
    Post.objects.all().delete()  # titles, with their aliases and positions (positions.json)
    Actor.objects.all().delete()  # with their aliases
    Source.objects.all().delete()  # with their passages
    for model in (Event, Participation, Citation):
        model.history.all().delete()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # After the test's fixtures, its transaction included, are torn down.
    yield
    if CURATED in getattr(item, "fixturenames", ()):
        _readers_left["n"] -= 1
        # After the session's last test the test database is already gone (with it).
        last = _readers_left["n"] <= 0 and _readers_left.pop("loaded", False)
        if last and nextitem is not None:
            with item.config.stash[blocking_manager_key].unblock():
                _remove_curated_timeline()


@pytest.fixture
def published_timeline(_curated_timeline, db) -> str:
    """The curated timeline, loaded once per session; returns what ``load_timeline`` printed."""
    return _curated_timeline


@pytest.fixture
def group_of_analysts(db):
    """The "analysts" group the migration makes, made again if a ``transaction=True`` test
    (a browser test, a background count) flushed it before this test ran."""
    from django.contrib.auth.models import Group

    return Group.objects.get_or_create(name="analysts")[0]


@pytest.fixture
def analyst(django_user_model):
    """A signed-in-able member of the "analysts" group (created by a migration)."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("analyst", password="not-a-default-1")
    # get_or_create: transaction=True tests flush the group made by the migration.
    user.groups.add(Group.objects.get_or_create(name="analysts")[0])
    return user


@pytest.fixture
def reader(django_user_model):
    """A signed-in user who is not an analyst: reads published events only."""
    return django_user_model.objects.create_user("reader", password="not-a-default-2")


def deselect_other_databases(config, items) -> None:
    """Tests marked ``postgresql`` run on PostgreSQL and are deselected (not skipped) elsewhere,
    so a run's summary counts no skipped test: every collected test ran."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept = [item for item in items if "postgresql" not in item.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if "postgresql" in i.keywords])
        items[:] = kept
