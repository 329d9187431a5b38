"""`make run` serves like production: gunicorn on config.wsgi, DEBUG off, static files (htmx
included) served by WhiteNoise from collectstatic's output."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

GUNICORN = Path(sys.executable).with_name("gunicorn")


def test_whitenoise_serves_the_collected_htmx_with_compression(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path  # (the setting_changed signal resets the storage)
    call_command("collectstatic", "--no-input", verbosity=0)
    client = Client()  # a new handler: WhiteNoise reads STATIC_ROOT when it starts

    page = client.get("/").content.decode()
    [src] = re.findall(r'<script[^>]+src="([^"]*django_htmx/htmx[^"]*\.js)"', page)
    script = client.get(src, headers={"Accept-Encoding": "gzip"})

    assert script.status_code == 200
    assert script["Content-Encoding"] == "gzip"
    assert list(tmp_path.rglob("htmx*.js.gz"))  # compressed by collectstatic


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_the_app_with_debug_off(tmp_path):
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY_FILE": str(tmp_path / "key"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    server = subprocess.Popen(
        # As `make run` starts it: gthread workers.
        [
            *(str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"),
            *("--worker-class", "gthread", "--threads", "4"),
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                    health = response.read()
                break
            except OSError:
                time.sleep(0.5)
        missing = urllib.request.Request(f"http://127.0.0.1:{port}/no-such-page/")
        try:
            urllib.request.urlopen(missing)
        except urllib.error.HTTPError as exc:
            not_found = exc.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert health == b'{"status": "ok", "database": "ok"}'
    assert "The requested resource was not found" in not_found  # DEBUG is off
    assert "URLconf" not in not_found  # not Django's technical page
    assert (tmp_path / "key").exists()
