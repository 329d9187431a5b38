"""Request-wide middleware: a request id for the logs, and bounded work per request.

``RequestIdMiddleware`` takes ``X-Request-ID`` from the client or proxy (when it is a short
token) or makes one, puts it on every log line written while the request runs
(``RequestIdFilter``) and answers it as ``X-Request-ID``.

``LimitsMiddleware`` refuses, before any view or query runs:

- a query parameter repeated more than ``MAX_PARAMETER_REPEATS`` times (400),
- a ``q`` longer than ``MAX_Q_LENGTH`` or another value longer than ``MAX_PARAMETER_LENGTH``
  characters (400),
- a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (form fields or JSON) or ``MAX_REQUEST_BODY``
  (anything, uploads included): 413,
- percent-encoded bytes that are not UTF-8, in the query or a form body (400),

as JSON under ``/api/`` and as a page elsewhere (a view may answer its own page: see
``too_large_page``). A SQL statement cancelled by PostgreSQL's ``statement_timeout`` (set for
web processes, see settings) becomes a 503 saying so, instead of a stalled worker.

``ReconnectMiddleware`` runs a GET or HEAD again, once, when its database connection was
dropped mid-request.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.signals import request_finished
from django.db import InterfaceError, OperationalError, connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

logger = logging.getLogger("timeline.requests")

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (``-`` outside a request) to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class TracedRequest(HttpRequest):
    """A request as these middlewares leave it (type annotations only)."""

    request_id: str  # set by RequestIdMiddleware, read by the error pages
    _reconnect_view: tuple | None  # set by ReconnectMiddleware.process_view


class RequestIdMiddleware:
    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: TracedRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        value = given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = value
        # Kept until the response is closed (Django logs 4xx/5xx after the middleware ran).
        request_id.set(value)
        response = self.get_response(request)
        response["X-Request-ID"] = value
        return response


@receiver(request_finished)
def _forget_request_id(sender, **kwargs) -> None:
    request_id.set("-")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def error_page(
    request: HttpRequest, status: int, title: str, message: str, field: str = ""
) -> HttpResponse:
    """An error as JSON under /api/ (``{field: [message]}`` or ``{"detail": message}``), else
    a page with the site's header saying what happened and what to do."""
    if is_api(request):
        body = {field: [message]} if field else {"detail": message}
        return JsonResponse(body, status=status)
    context = {"title": title, "message": message, "status": status}
    return render(request, "error.html", context, status=status)


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def too_large_page(render_page: Callable[[HttpRequest, str], HttpResponse]):
    """Mark a view whose form answers a body over the limit with its own page.

    ``render_page(request, message)`` renders the form with ``message`` as its error (413).
    """

    def decorate(view):
        view.too_large_page = render_page
        return view

    return decorate


def is_statement_timeout(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL cancelling a statement (statement_timeout)."""
    cause = exc.__cause__ if isinstance(exc, OperationalError) else None
    return getattr(cause, "pgcode", None) == "57014"  # query_canceled


class LimitsMiddleware:
    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = (
            self.check_query(request) or self.check_body(request) or self.check_encoding(request)
        )
        if refused is not None:
            return refused
        return self.get_response(request)

    def check_query(self, request: HttpRequest) -> HttpResponse | None:
        repeats, longest = settings.MAX_PARAMETER_REPEATS, settings.MAX_PARAMETER_LENGTH
        for name, values in request.GET.lists():
            if len(values) > repeats:
                return error_page(
                    request,
                    400,
                    "Too many values",
                    f"{name}: given {len(values)} times; give it at most {repeats} times.",
                    field=name,
                )
            limit = settings.MAX_Q_LENGTH if name == "q" else longest
            if any(len(value) > limit for value in values):
                return error_page(
                    request,
                    400,
                    "Value too long",
                    f"{name}: longer than {limit} characters; shorten it.",
                    field=name,
                )
        return None

    def check_body(self, request: HttpRequest) -> HttpResponse | None:
        length = request.META.get("CONTENT_LENGTH") or "0"
        size = int(length) if length.isascii() and length.isdigit() else 0
        # Form fields and JSON: Django's own limit; multipart forms also carry files.
        multipart = request.content_type == "multipart/form-data" and not is_api(request)
        limit = settings.MAX_REQUEST_BODY if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        too_large = size > limit
        if not too_large and multipart and request.method == "POST":
            try:
                request.POST  # noqa: B018 - parse now: the fields may be over the limit
            except RequestDataTooBig:
                too_large, limit = True, settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if not too_large:
            return None
        message = (
            f"What you sent ({megabytes(size)}) is over the limit of {megabytes(limit)} for one "
            "request; nothing was saved. Send less: split a long text into several sources."
        )
        if not is_api(request):
            try:
                view = resolve(request.path_info).func
            except Resolver404:
                view = None
            if render_page := getattr(view, "too_large_page", None):
                return render_page(request, message)
        return error_page(request, 413, "Too large", message)

    def check_encoding(self, request: HttpRequest) -> HttpResponse | None:
        """Percent-encoded bytes that are not UTF-8 are refused, not read as "\ufffd"."""
        # PEP 3333: the query string arrives as bytes decoded as latin-1.
        query = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        for pair in query.split(b"&"):
            name, _, value = pair.partition(b"=")
            for part in (name, value):
                try:
                    unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
                except UnicodeDecodeError:
                    shown_name = unquote_to_bytes(name).decode("utf-8", "replace")[:40]
                    return error_page(
                        request,
                        400,
                        "Not UTF-8",
                        f"{shown_name}: the address holds percent-encoded bytes that are not "
                        "UTF-8 text, so they cannot be read; write the value as UTF-8 "
                        "(for example “é” as %C3%A9).",
                    )
        if request.content_type == "application/x-www-form-urlencoded" and not is_api(request):
            try:
                unquote_to_bytes(request.body.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return error_page(
                    request,
                    400,
                    "Not UTF-8",
                    "What you sent is not UTF-8 text, so it cannot be read; nothing was saved. "
                    "Reload the page and send it again.",
                )
        return None

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not is_statement_timeout(exc):
            return None
        logger.error("Statement timeout on %s", request.path, exc_info=exc)
        response = error_page(
            request,
            503,
            "Taking too long",
            f"This request took longer than {settings.STATEMENT_TIMEOUT_MS / 1000:g} s and "
            "was stopped. Narrow it (fewer filters, shorter words) or try again later.",
        )
        response["Retry-After"] = "30"
        return response


class ReconnectMiddleware:
    """A read whose database connection was dropped mid-request is run once more.

    ``CONN_HEALTH_CHECKS`` replaces a connection that died between requests; this covers one
    that dies during a request (a database restart, ``pg_terminate_backend``): for GET and
    HEAD, outside any transaction, the view runs again on a new connection instead of
    answering 500. Writes are never repeated. Last in MIDDLEWARE, so it sees the view first.
    """

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: TracedRequest, view, args, kwargs) -> None:
        request._reconnect_view = (view, args, kwargs)

    def process_exception(self, request: TracedRequest, exc: Exception) -> HttpResponse | None:
        view = getattr(request, "_reconnect_view", None)
        if (
            view is None
            or request.method not in ("GET", "HEAD")
            or not isinstance(exc, OperationalError | InterfaceError)
            or connection.in_atomic_block
            or connection.is_usable()
        ):
            return None
        logger.warning("Database connection lost during %s; running it again", request.path)
        request._reconnect_view = None  # once
        connection.close()
        function, args, kwargs = view
        return function(request, *args, **kwargs)


class MethodNotAllowedMiddleware:
    """A page's 405 (``require_POST`` and friends answer with an empty body) becomes the site's
    page saying which methods the address takes; the API's 405s are DRF's JSON already."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or is_api(request) or response.streaming:
            return response
        if response.content:  # a 405 that says something already
            return response
        allowed = response.get("Allow", "")
        page = error_page(
            request,
            405,
            "Not available this way",
            f"This address takes only {allowed or 'other methods'}: it is the target of a form's "
            "button, not a page to open. Go back and use the form.",
        )
        page["Allow"] = allowed
        return page
