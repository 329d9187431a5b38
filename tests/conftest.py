import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

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
    """The curated timeline loaded by ``load_timeline``; returns what it printed."""
    return run("load_timeline")


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
