"""htmx in one place: the full page or its partial, and ``Vary: HX-Request``.

In the style of django-htmx-patterns' ``for_htmx(use_block=...)``: a view renders its whole
page as a ``TemplateResponse`` (so it works without JavaScript and bookmarks work); for an htmx
request the decorator renders the page's partial instead (``page.html#partial``, from
django-template-partials). A view that needs another partial for some htmx requests (the
timeline's "Load more") names it itself (``page.html#more``): the decorator leaves a template
name that already names a partial alone.

Every response of a decorated view carries ``Vary: HX-Request``: the same URL answers a page
to a browser and a fragment to htmx (and analyst pages answer ``HX-Redirect`` rather than a
302), so no cache may serve one for the other.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

View = Callable[..., HttpResponse]


class HtmxHttpRequest(HttpRequest):
    """A request as views see it: django-htmx's middleware (settings) sets ``request.htmx``.

    Only a type annotation for views (as django-htmx documents); requests stay HttpRequest.
    """

    htmx: HtmxDetails


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request for a fragment (not a history restore, which needs the whole page)."""
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.history_restore_request


def for_htmx(use_partial: str | None = None) -> Callable[[View], View]:
    """Render ``<template>#<use_partial>`` for htmx requests; always ``Vary: HX-Request``.

    Without ``use_partial`` the view's responses only get the header (a view that always
    answers a fragment, or decides itself).
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if (
                use_partial
                and wants_partial(request)
                and isinstance(response, TemplateResponse)
                and not response.is_rendered
                and isinstance(response.template_name, str)
                and "#" not in response.template_name
            ):
                response.template_name = f"{response.template_name}#{use_partial}"
            patch_vary_headers(response, ["HX-Request"])
            return response

        return wrapper

    return decorator
