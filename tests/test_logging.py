"""Errors are logged to stderr with their traceback and the request's id (JSON lines in
production); every response carries its request id; /healthz checks the database."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def stderr_log():
    """What the configured stderr handler writes, while the test runs."""
    handler = logging.getLogger("django").handlers[0]
    out = io.StringIO()
    previous = handler.setStream(out)
    yield out
    handler.setStream(previous)


def lines(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_production_logs_are_json_lines():
    assert settings.LOG_FORMAT == "json"  # DEBUG is off
    assert logging.getLogger("django").handlers[0].formatter.__class__.__name__ == "JsonFormatter"


@pytest.mark.urls("tests.fault_urls")
def test_a_server_error_is_logged_with_its_traceback_and_request_id(stderr_log):
    client = Client(raise_request_exception=False)

    response = client.get("/boom/", headers={"X-Request-ID": "req-123"})

    assert response.status_code == 500
    [record] = [r for r in lines(stderr_log) if r["level"] == "ERROR"]
    assert record["logger"] == "django.request"
    assert record["request_id"] == "req-123"
    assert "Internal Server Error: /boom/" in record["message"]
    assert "RuntimeError: a bug, on purpose" in record["exc_info"]


def test_a_client_error_is_logged_as_a_warning_with_the_request_id(client, stderr_log):
    response = client.get("/api/events/?year=abc")

    assert response.status_code == 400
    [record] = lines(stderr_log)
    assert record["level"] == "WARNING"
    assert record["request_id"] == response["X-Request-ID"]


def test_each_response_carries_a_new_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert len(first) == 32
    assert first != second


@pytest.mark.parametrize(
    ("given", "kept"),
    [("abc-123.x", True), ("x" * 129, False), ("has space", False), ("<script>", False)],
)
def test_a_given_request_id_is_kept_when_it_is_a_short_token(client, given, kept):
    answered = client.get("/healthz", headers={"X-Request-ID": given})["X-Request-ID"]

    assert (answered == given) is kept


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz')\n"
        "print(r.status_code, r.content.decode())\n"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # Nothing listens on port 9: connecting is refused at once.
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/timeline",
        "LOG_LEVEL": "CRITICAL",
    }

    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.strip().splitlines()[-1] == (
        '503 {"status": "error", "database": "unreachable"}'
    )
