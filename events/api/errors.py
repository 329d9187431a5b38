"""Every API error is JSON: DRF's exception handler, widened; and a JSON parser with a depth limit.

DRF answers its own exceptions (400, 401, 403, 404, 405, 412, 415) as JSON. This handler
words a detail view's 404 plainly ("No event has the id 12.", where Django says "No Event
matches the given query.") and adds what DRF leaves to Django: a body over the limit (413),
a request Django could not read (400), a statement cancelled by the database's timeout
(503). Anything else propagates to Django, which logs it with its traceback and answers
through ``config.views.server_error`` (a JSON 500 under /api/).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions, parsers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import exception_handler as drf_exception_handler

from config.middleware import is_statement_timeout, megabytes
from lib.paging import missing

logger = logging.getLogger("timeline.api")


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "unavailable"


def exception_handler(exc: Exception, context: dict):
    if isinstance(exc, RequestDataTooBig):
        limit = megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        exc = PayloadTooLarge(f"The body is over the limit of {limit}; send less.")
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError(f"The request could not be read: {exc}")
    elif is_statement_timeout(exc):
        logger.error("Statement timeout", exc_info=exc)
        seconds = settings.STATEMENT_TIMEOUT_MS / 1000
        exc = ServiceUnavailable(
            f"This request took longer than {seconds:g} s and was stopped; narrow it or try "
            "again later."
        )
    elif isinstance(exc, Http404) and str(exc).endswith(" matches the given query."):
        exc = exceptions.NotFound(not_found(context.get("view")) or str(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == 503:
        response["Retry-After"] = "30"
    return response


def not_found(view) -> str | None:
    """What a detail view did not find, in plain words (``lib.paging.missing``), where
    Django's ``get_object_or_404`` says "No Event matches the given query."."""
    if not hasattr(view, "get_queryset"):
        return None
    field = view.lookup_field
    value = view.kwargs.get(view.lookup_url_kwarg or field)
    if value is None:
        return None
    return missing(view.get_queryset().model, value, field)


def depth(value) -> int:
    """How deeply ``value`` nests lists and objects (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; nesting deeper than ``JSON_MAX_DEPTH`` is a 400, not a RecursionError."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.JSON_MAX_DEPTH
        too_deep = exceptions.ParseError(
            f"JSON nested deeper than {limit} levels; no request needs that many."
        )
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if depth(data) > limit:
            raise too_deep
        return data


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's, but an unknown ``?format=`` or address suffix (``.xml``) is a 404 that names it
    and the formats the address offers, not a bare "Not found."."""

    def filter_renderers(self, renderers, format):
        offered = [renderer for renderer in renderers if renderer.format == format]
        if not offered:
            formats = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
            asked = str(format)[:40]
            raise exceptions.NotFound(
                f"format: this address has no format “{asked}” (asked by format={asked} or by "
                f"“.{asked}” at the end of the address); use one of {formats}, or leave it out."
            )
        return offered
