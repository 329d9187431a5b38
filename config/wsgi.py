"""The WSGI application, for gunicorn (``make run``) or any WSGI server.

Importing it marks this process as a web process: settings then give PostgreSQL connections
a ``statement_timeout`` (STATEMENT_TIMEOUT_MS), which management commands do not get.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["TIMELINE_WEB_PROCESS"] = "1"
application = get_wsgi_application()
