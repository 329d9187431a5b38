"""Production settings: safe defaults, every deploy setting from the environment, and
``check --deploy`` clean with the README's production environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool, env_header_pair, env_int, env_list, secret_key

BASE_DIR = Path(settings.BASE_DIR)

# The production environment the README documents, as CI reads it.
PRODUCTION = dict(
    line.split("=", 1)
    for line in (BASE_DIR / "deploy.env.example").read_text().splitlines()
    if line.strip() and not line.startswith("#")
)
# Left out of the subprocesses: the deploy settings under test, and the browser tests' switch.
DEPLOY_NAMES = [*PRODUCTION, "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DJANGO_ALLOW_ASYNC_UNSAFE"]


def manage(*args: str, env: dict[str, str], cwd: Path = BASE_DIR) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in DEPLOY_NAMES}
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=clean | env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_the_documented_production_environment_gives_no_warning(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=PRODUCTION | {"SECRET_KEY_FILE": str(tmp_path / "key")},
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_the_https_settings(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={"ALLOWED_HOSTS": "timeline.example.org", "SECRET_KEY_FILE": str(tmp_path / "k")},
    )

    assert result.returncode != 0
    for warning in ("W004", "W008", "W012", "W016"):
        assert warning in result.stderr


def test_debug_is_off_unless_asked(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG)"
    key = {"SECRET_KEY_FILE": str(tmp_path / "key")}

    assert manage("shell", "-v0", "-c", code, env=key).stdout.strip() == "False"
    assert manage("shell", "-v0", "-c", code, env=key | {"DEBUG": "true"}).stdout.strip() == "True"


def test_a_secret_key_is_generated_once_and_kept_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    path = tmp_path / "secret"

    first = secret_key(path)

    assert len(first) >= 50
    assert path.read_text().strip() == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert secret_key(path) == first


def test_the_environment_key_wins_over_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")

    assert secret_key(tmp_path / "unused") == "from-the-environment"
    assert not (tmp_path / "unused").exists()


def test_the_key_file_is_not_tracked_by_git():
    ignored = (BASE_DIR / ".gitignore").read_text().split()

    assert ".secret_key" in ignored


@pytest.mark.parametrize(
    ("helper", "value"),
    [
        (lambda: env_bool("X_TEST", False), "maybe"),
        (lambda: env_int("X_TEST", 0), "1y"),
        (lambda: env_int("X_TEST", 0), "-5"),
        (lambda: env_int("X_TEST", 0), "²"),
        (lambda: env_header_pair("X_TEST"), "X-Forwarded-Proto"),
        (lambda: env_header_pair("X_TEST"), "HTTP_X_FORWARDED_PROTO,https,extra"),
    ],
)
def test_a_malformed_setting_fails_loudly(monkeypatch, helper, value):
    monkeypatch.setenv("X_TEST", value)

    with pytest.raises(ImproperlyConfigured, match="X_TEST"):
        helper()


def test_helpers_read_good_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "on")
    monkeypatch.setenv("X_INT", "31536000")
    monkeypatch.setenv("X_LIST", " a.example , b.example ,")
    monkeypatch.setenv("X_PAIR", "HTTP_X_FORWARDED_PROTO,https")

    assert env_bool("X_BOOL", False) is True
    assert env_int("X_INT", 0) == 31536000
    assert env_list("X_LIST") == ["a.example", "b.example"]
    assert env_header_pair("X_PAIR") == ("HTTP_X_FORWARDED_PROTO", "https")


def test_a_bad_value_stops_the_app_at_start(tmp_path):
    result = manage(
        "check", env={"SECURE_HSTS_SECONDS": "a year", "SECRET_KEY_FILE": str(tmp_path / "k")}
    )

    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS must be a whole number" in result.stderr


def test_database_connections_are_health_checked():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
