"""The page of a list a ``?page=`` value asks for, and what to tell a reader when it is none.

Django's ``Paginator.get_page`` quietly shows page 1 for "abc" and the last page for 999: a
reader following a stale link would not know they see another page than they asked for.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator

from .inputs import not_a_page, page_number


def page_of(paginator: Paginator, value: str | None) -> tuple[Page, str]:
    """The page ``value`` names; else the nearest one and a message saying which and why
    (page 1 for a value that is no page number, the last page for a number past it)."""
    if value is None or value == "":
        return paginator.page(1), ""
    number = page_number(value)
    if number is None:
        return paginator.page(1), not_a_page(value, "showing page 1")
    last = paginator.num_pages
    if number > last:
        pages = f"{last:,} page" + ("" if last == 1 else "s")
        return paginator.page(
            last
        ), f"page: there {'is' if last == 1 else 'are'} only {pages}; showing page {last:,}."
    return paginator.page(number), ""


def missing(model, value, field: str = "pk") -> str:
    """In plain words, that no ``model`` has ``value`` as its ``field`` ("No event has the id
    12.", "No actor has the slug “x”."): the site's 404s and the API's say it alike."""
    meta = model._meta
    if field == "pk":
        return f"No {meta.verbose_name} has the id {value}."
    return f"No {meta.verbose_name} has the {meta.get_field(field).verbose_name} “{value}”."


def found_or_404(queryset, pk: int):
    """``get_object_or_404(queryset, pk=pk)``, whose 404 says in plain words what is missing
    ("No event has the id 12.", where Django's says "No Event matches the given query.")."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    try:
        return get_object_or_404(queryset, pk=pk)
    except Http404:
        model: Any = queryset if isinstance(queryset, type) else queryset.model
        raise Http404(missing(model, pk)) from None
