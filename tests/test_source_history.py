"""A source's history: every write of its details is recorded (who, when, from what to what),
shown to analysts at /sources/<pk>/history/; a bulk load records the sources it creates."""

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from rest_framework.test import APIClient

from events.interchange import load
from sources.models import Source
from sources.services import correct_source, import_source
from tests.test_source_identity_migration import triggers

pytestmark = pytest.mark.django_db

D = dt.date
TEXT = "Defence ties deepen\n\nSergei Shoigu met Min Aung Hlaing in Naypyitaw on Tuesday.\n"


@pytest.fixture
def source(db) -> Source:
    made, _ = import_source(TEXT, title="Defence ties deepen", key="defence-ties")
    return made


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def history_url(source: Source) -> str:
    return reverse("source-history", args=[source.pk])


def words(html: str) -> str:
    """The page with its runs of whitespace as single spaces."""
    return " ".join(html.split())


def edit(client, source: Source, **changes):
    data = {
        "title": source.title,
        "publisher": source.publisher,
        "author": source.author,
        "url": source.url,
        "published": "",
        "reference_date": "",
        "version": str(Source.objects.get(pk=source.pk).version),
        **changes,
    }
    return client.post(reverse("source-edit", args=[source.pk]), data)


def test_adding_a_source_records_its_creation(source):
    [record] = source.history.all()
    assert (record.history_type, record.version, record.title) == ("+", 1, "Defence ties deepen")


def test_an_edit_records_who_and_the_values_after_it(analyst_client, analyst, source):
    response = edit(analyst_client, source, publisher="TASS", published="10 December 2025")
    assert response.status_code == 302
    latest = source.history.first()  # newest first
    assert (latest.history_type, latest.history_user, latest.version) == ("~", analyst, 2)
    assert (latest.publisher, latest.published_date, latest.reference_date) == (
        "TASS",
        D(2025, 12, 10),
        D(2025, 12, 10),
    )
    assert Source.objects.get(pk=source.pk).version == 2


def test_saving_the_same_details_again_writes_nothing(analyst_client, source):
    edit(analyst_client, source, publisher="TASS")
    edit(analyst_client, source, publisher="TASS")
    assert source.history.count() == 2
    assert Source.objects.get(pk=source.pk).version == 2


def test_the_history_page_shows_who_when_and_each_detail_from_what_to_what(analyst_client, source):
    edit(analyst_client, source, title="Shoigu in Naypyitaw", published="June 2021")
    edit(analyst_client, source, title="Shoigu in Naypyitaw", published="June 2021", author="TASS")
    body = words(analyst_client.get(history_url(source)).content.decode())
    assert "Now version 3." in body
    assert body.count('class="version"') == 3
    assert body.index("Version 3") < body.index("Version 2") < body.index("Version 1")
    assert "Changed by <strong>analyst</strong>" in body
    version_2 = body[body.index("Version 2") : body.index("Version 1")]
    assert '<th scope="row">Title</th><td><del>Defence ties deepen</del></td>' in version_2
    assert "<td><ins>Shoigu in Naypyitaw</ins></td>" in version_2
    assert "<td><del>date unknown</del></td><td><ins>June 2021</ins></td>" in version_2
    # The reference date followed the new publication date: its first day.
    assert "<td><del>(empty)</del></td><td><ins>1 June 2021</ins></td>" in version_2
    version_3 = body[body.index("Version 3") : body.index("Version 2")]
    assert '<th scope="row">Author</th><td><del>(empty)</del></td><td><ins>TASS</ins></td>' in (
        version_3
    )
    assert "Title" not in version_3  # unchanged details are not listed
    version_1 = body[body.index("Version 1") :]
    assert "Created" in version_1
    assert "<td><ins>defence-ties</ins></td>" in version_1


def test_the_source_page_links_its_history_for_analysts_only(client, analyst, source):
    link = f'<a href="{history_url(source)}">History</a>'
    assert link not in client.get(reverse("source-detail", args=[source.pk])).content.decode()
    client.force_login(analyst)
    assert link in client.get(reverse("source-detail", args=[source.pk])).content.decode()


def test_readers_cannot_see_a_source_s_history(client, reader, source):
    response = client.get(history_url(source))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(reader)
    assert client.get(history_url(source)).status_code == 403


def test_an_unknown_source_has_no_history_page(analyst_client):
    assert analyst_client.get("/sources/999999/history/").status_code == 404


@pytest.mark.parametrize("versions", [1, 3, 9])
def test_the_history_page_runs_the_same_queries_however_many_versions(
    analyst_client, django_assert_num_queries, source, versions
):
    for i in range(versions - 1):
        correct_source(source, {"title": f"Title {i}"})
    analyst_client.get(history_url(source))
    # Session, user, groups (is_analyst), the source, its history with the users.
    with django_assert_num_queries(5):
        response = analyst_client.get(history_url(source))
    assert response.content.decode().count('class="version"') == versions


def test_a_patch_through_the_api_records_the_token_user(source, analyst):
    api = APIClient()
    api.force_authenticate(analyst)
    response = api.patch(
        reverse("api-source-detail", args=[source.pk]), {"author": "A. Writer"}, format="json"
    )
    assert response.status_code == 200, response.content
    latest = source.history.first()
    assert (latest.history_user, latest.author, latest.version) == (analyst, "A. Writer", 2)


def test_a_correction_in_the_admin_records_the_admin_user(admin_client, admin_user, source):
    url = reverse("admin:sources_source_change", args=[source.pk])
    data = {
        "key": source.key,
        "title": "Corrected in the admin",
        "publisher": "",
        "author": "",
        "url": "",
        "published_date": "2021-06-22",
        "published_precision": "day",
        "reference_date": "",
        "passages-TOTAL_FORMS": "0",
        "passages-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = Source.objects.get(pk=source.pk)
    assert (stored.title, stored.version, stored.reference_date) == (
        "Corrected in the admin",
        2,
        D(2021, 6, 22),  # blank: the publication date, as on the edit page
    )
    latest = stored.history.first()
    assert (latest.history_user, latest.title) == (admin_user, "Corrected in the admin")


# The bulk load -------------------------------------------------------------------------------

ARCHIVE_TEXT = "A report.\n\nMin Aung Hlaing visited Moscow on June 22.\n"


def archive(*keys: str, publisher: str = "") -> dict:
    return {
        "sources": [
            {
                "key": key,
                "title": f"Report {key}",
                "publisher": publisher,
                "text": ARCHIVE_TEXT.replace("A report", f"Report {key}"),
                "published": {"date": "2021-06-24", "precision": "day"},
            }
            for key in keys
        ],
        "actors": [],
        "events": [],
    }


def test_a_bulk_load_records_one_created_record_for_each_source_it_writes(source):
    keys = [f"loaded-{i}" for i in range(250)]  # more than one batch (SOURCE_BATCH)
    load(archive(*keys))
    loaded = Source.objects.filter(key__in=keys)
    records = Source.history.model.objects.filter(id__in=loaded.values("pk"))
    assert records.count() == 250
    assert set(records.values_list("history_type", "version", flat=False)) == {("+", 1)}
    record = records.get(key="loaded-7")
    stored = loaded.get(key="loaded-7")
    assert (record.id, record.title, record.published_date, record.reference_date) == (
        stored.pk,
        "Report loaded-7",
        D(2021, 6, 24),
        D(2021, 6, 24),
    )
    assert record.history_user is None
    # The source stored before the load keeps its one record.
    assert source.history.count() == 1


def test_a_reload_that_changes_a_source_s_details_is_a_correction_with_its_record(db):
    load(archive("loaded-1", "loaded-2"))
    load(archive("loaded-1", "loaded-2", publisher="TASS"))
    stored = Source.objects.get(key="loaded-1")
    assert (stored.publisher, stored.version) == ("TASS", 2)
    assert [r.history_type for r in stored.history.all()] == ["~", "+"]
    load(archive("loaded-1", "loaded-2", publisher="TASS"))  # unchanged: nothing written
    assert Source.objects.get(key="loaded-1").history.count() == 2


def test_the_history_page_of_a_loaded_source_says_a_command_created_it(analyst_client, db):
    load(archive("loaded-1"))
    stored = Source.objects.get(key="loaded-1")
    body = words(analyst_client.get(history_url(stored)).content.decode())
    assert "Created by an unrecorded user (a command, a bulk load or a migration)" in body
    assert "<td><ins>24 June 2021</ins></td>" in body


# The migration that began the history --------------------------------------------------------

BEFORE = [("sources", "0004_source_text_identity")]
AFTER = [("sources", "0005_source_history_and_version")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_records_every_stored_source_as_created_at_version_1():
    """And the table keeps its triggers (the column is added in place, not by rebuilding)."""
    migration = importlib.import_module("sources.migrations.0005_source_history_and_version")
    kept = triggers()
    assert "source_cited_text_frozen" in kept
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        Old = old.get_model("sources", "Source")
        for key in ("first", "second"):
            Old.objects.create(
                key=key,
                title=key.title(),
                text=f"The {key} text.",
                sha256=key,
                text_identity=key,
                published_date=D(2021, 6, 1),
            )
        MigrationExecutor(connection).migrate(AFTER)
        records = list(
            Source.history.model.objects.order_by("id").values_list(
                "key", "title", "version", "history_type", "history_change_reason"
            )
        )
        assert records == [
            ("first", "First", 1, "+", migration.BEGAN),
            ("second", "Second", 1, "+", migration.BEGAN),
        ]
        assert list(Source.objects.values_list("version", flat=True)) == [1, 1]
        assert triggers() == kept
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
