"""Bounded work per request: repeated parameters, long values and large bodies are refused
before any query runs; a statement over PostgreSQL's timeout is a 503, not a stalled worker."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sources.models import Source

pytestmark = pytest.mark.django_db

# statement_timeout is PostgreSQL's.
on_postgresql = pytest.mark.postgresql


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def api(analyst) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    return client


def test_a_parameter_repeated_past_the_limit_is_a_400_naming_it(client, django_assert_num_queries):
    url = "/?" + "&".join(["actor=myanmar"] * 200)

    with django_assert_num_queries(0):
        response = client.get(url)

    assert response.status_code == 400
    body = response.content.decode()
    assert "actor: given 200 times; give it at most 20 times." in body
    assert "<header" in body  # the site's page, not a bare error


def test_the_limit_itself_is_allowed(client, timeline):
    response = client.get("/?" + "&".join(["actor=myanmar"] * settings.MAX_PARAMETER_REPEATS))

    assert response.status_code == 200


def test_the_api_answers_the_same_limit_as_json(client):
    response = client.get("/api/events/?" + "&".join(["type=visit"] * 21))

    assert response.status_code == 400
    assert response.json() == {"type": ["type: given 21 times; give it at most 20 times."]}


@pytest.mark.parametrize(
    "url",
    ["/?q={}", "/api/events/?q={}", "/api/actors/?q={}", "/actors/suggest/?q={}"],
)
def test_a_search_longer_than_the_limit_is_a_400(client, url):
    response = client.get(url.format("x" * (settings.MAX_Q_LENGTH + 1)))

    assert response.status_code == 400
    assert b"q: longer than 200 characters; shorten it." in response.content


def test_a_search_at_the_limit_is_served(client):
    assert client.get("/?q=" + "x" * settings.MAX_Q_LENGTH).status_code == 200


def test_any_other_value_has_a_length_limit(client):
    response = client.get("/?actor=" + "x" * (settings.MAX_PARAMETER_LENGTH + 1))

    assert response.status_code == 400
    assert b"actor: longer than 1000 characters" in response.content


def test_an_api_body_over_the_limit_is_a_json_413(api):
    body = b'{"title": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'

    response = api.post("/api/events/", body, content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "over the limit of 2.5 MB" in response.json()["detail"]


def test_a_form_body_over_the_limit_is_a_page_not_a_technical_error(analyst_client):
    body = "title=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = analyst_client.post(
        "/events/new/", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert "over the limit of 2.5 MB" in response.content.decode()
    assert "<header" in response.content.decode()


def test_pasted_text_over_the_limit_gets_the_source_form_with_a_message(analyst_client):
    text = "A paragraph of the article.\n" * 100_000  # 2.8 MB

    response = analyst_client.post("/sources/new/", {"text": text, "title": "Long"})

    assert response.status_code == 413
    page = response.content.decode()
    assert "over the limit of 2.5 MB for one request; nothing was saved" in page
    assert 'action="/sources/new/"' in page  # the form, to send a shorter text
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/sources/new/", "application/x-www-form-urlencoded", "text=caf%E9+au+lait"),
        ("/accounts/login/", "application/x-www-form-urlencoded", "username=%FF%FE&password=x"),
    ],
)
def test_a_form_body_that_is_not_utf8_is_refused_not_guessed(
    analyst_client, path, content_type, body
):
    response = analyst_client.post(path, body, content_type=content_type)

    assert response.status_code == 400
    assert "not UTF-8 text" in response.content.decode()
    assert not Source.objects.exists()


def test_a_query_that_is_not_utf8_is_refused(client):
    response = client.get("/api/events/?q=%FF")

    assert response.status_code == 400
    assert "not UTF-8" in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "name"), [("year=2021&q=caf%E9", "q"), ("actor=shoigu&%FFx=1", "\ufffdx")]
)
def test_a_query_that_is_not_utf8_names_its_parameter_and_saves_nothing_said(client, query, name):
    # A reviewer's GET was told "nothing was saved. Reload the page", naming no parameter.
    detail = client.get(f"/api/events/?{query}").json()["detail"]
    assert detail.startswith(f"{name}: the address holds percent-encoded bytes that are not")
    assert "nothing was saved" not in detail
    page = client.get(f"/?{query}")
    assert page.status_code == 400
    assert "write the value as UTF-8 (for example “é” as %C3%A9)" in page.content.decode()


@on_postgresql
@pytest.mark.urls("tests.fault_urls")
def test_a_statement_over_the_timeout_is_a_503_page(client):
    response = client.get("/slow/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "was stopped" in response.content.decode()


@on_postgresql
@pytest.mark.urls("tests.fault_urls")
def test_a_statement_over_the_timeout_is_a_json_503_on_the_api(client):
    response = client.get("/api/slow/")

    assert response.status_code == 503
    assert "was stopped" in response.json()["detail"]


def _show_statement_timeout(code: str, *args: str) -> str:
    env = os.environ | {"STATEMENT_TIMEOUT_MS": "1234"}
    env.pop("TIMELINE_WEB_PROCESS", None)
    database = connection.settings_dict["NAME"]
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    result = subprocess.run(
        [sys.executable, *args, code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


SHOW = (
    "from django.db import connection\n"
    "with connection.cursor() as c:\n"
    "    c.execute('SHOW statement_timeout')\n"
    "    print(c.fetchone()[0])\n"
)


@on_postgresql
def test_web_processes_get_the_statement_timeout(db):
    web = _show_statement_timeout("import config.wsgi\n" + SHOW, "-c")

    assert web == "1234ms"


@on_postgresql
def test_management_commands_are_not_limited(db):
    command = _show_statement_timeout(SHOW, "manage.py", "shell", "-v0", "-c")

    assert command == "0"


@on_postgresql
def test_web_processes_start_parallel_workers_only_for_large_statements(db):
    show = SHOW.replace("statement_timeout", "parallel_setup_cost")
    web = _show_statement_timeout("import config.wsgi\n" + show, "-c")

    assert web == "10000"  # the server's own setting (1000 by default) for commands and loads


@on_postgresql
@pytest.mark.urls("tests.fault_urls")
@pytest.mark.django_db(transaction=True)
def test_a_read_that_loses_its_connection_runs_again_on_a_new_one(client):
    response = client.get("/lose-connection/")

    assert response.status_code == 200
    assert response.content == b"answered on attempt 2"


@on_postgresql
@pytest.mark.urls("tests.fault_urls")
@pytest.mark.django_db(transaction=True)
def test_a_write_that_loses_its_connection_is_not_repeated():
    client = Client(raise_request_exception=False)

    response = client.post("/lose-connection/")
    connection.close()  # the lost one; the test's teardown opens a new one

    assert response.status_code == 500


def test_an_sqlite_file_is_shared_by_workers_in_wal_mode(tmp_path):
    """`make run` serves an SQLite file from several processes: write-ahead log (readers never
    wait for a writer), writes locking when their transaction begins, a 20 s busy wait."""
    script = (
        "from django.db import connection, transaction\n"
        "with transaction.atomic():\n"
        "    mode = connection.cursor().execute('PRAGMA journal_mode').fetchone()[0]\n"
        "print(mode, connection.settings_dict['OPTIONS']['transaction_mode'],"
        " connection.settings_dict['OPTIONS']['timeout'])\n"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["wal", "IMMEDIATE", "20"]
