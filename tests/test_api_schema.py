"""The OpenAPI schema: committed, current, and documenting every status code the API answers."""

import io
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(settings.BASE_DIR) / "events" / "api" / "schema.yml"
REGENERATE = ".venv/bin/python manage.py spectacular --validate --file events/api/schema.yml"


def generated() -> str:
    out = io.StringIO()
    call_command("spectacular", "--validate", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def schema() -> dict:
    return yaml.safe_load(SCHEMA_FILE.read_text())


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_the_committed_schema_is_current():
    assert SCHEMA_FILE.read_text() == generated(), f"The schema is stale: run {REGENERATE}"


def test_the_live_schema_is_the_committed_one(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert yaml.safe_load(response.content) == yaml.safe_load(SCHEMA_FILE.read_text())


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/api/events/", "get", {"200", "400", "401", "404"}),
        ("/api/events/", "post", {"201", "400", "401", "403", "404"}),
        ("/api/events/{id}/", "get", {"200", "401", "404"}),
        ("/api/events/{id}/", "put", {"200", "400", "401", "403", "404", "412"}),
        ("/api/events/{id}/", "patch", {"200", "400", "401", "403", "404", "412"}),
        ("/api/events/{id}/", "delete", {"204", "401", "403", "404", "412"}),
        ("/api/actors/", "get", {"200", "400", "401", "404"}),
        ("/api/actors/{slug}/", "get", {"200", "401", "404"}),
        ("/api/sources/", "get", {"200", "400", "401", "404"}),
        ("/api/sources/{id}/", "get", {"200", "401", "404"}),
        ("/api/citations/", "get", {"200", "400", "401", "404"}),
        ("/api/citations/", "post", {"201", "400", "401", "403", "404"}),
        ("/api/citations/{id}/", "get", {"200", "401", "404"}),
        ("/api/citations/{id}/", "delete", {"204", "401", "403", "404"}),
    ],
)
def test_each_operation_documents_the_status_codes_it_answers(schema, path, method, codes):
    operation = schema["paths"][path][method]

    assert codes <= set(operation["responses"])
    assert operation["summary"]


def test_reads_are_open_to_anonymous_users_and_writes_need_credentials(schema):
    for path, method, operation in operations(schema):
        if not path.startswith(("/api/events", "/api/actors", "/api/citations")):
            continue
        anonymous = {} in operation["security"]
        assert anonymous == (method == "get"), (path, method)


def test_event_writes_document_if_match_and_etag(schema):
    for method in ("put", "patch", "delete"):
        names = {p["name"] for p in schema["paths"]["/api/events/{id}/"][method]["parameters"]}
        assert "If-Match" in names
    read = schema["paths"]["/api/events/{id}/"]["get"]["responses"]["200"]
    assert "ETag" in read["headers"]
