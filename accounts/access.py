"""Who may do what: analysts (members of the "analysts" group, or superusers) see drafts and edit.

Everyone else, signed in or not, reads published events only. One definition, used by the pages,
the API permission class and the templates (``request.user|is_analyst`` is not needed: the
``is_analyst`` context variable comes from ``accounts.context_processors``).
"""

from functools import wraps

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect
from rest_framework.permissions import SAFE_METHODS, BasePermission

ANALYSTS_GROUP = "analysts"
# The answer kept on the user object, so one request asks the database once.
_CACHE_ATTR = "_is_analyst"


def is_analyst(user: User | AnonymousUser) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached: bool | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = user.groups.filter(name=ANALYSTS_GROUP).exists()
        setattr(user, _CACHE_ATTR, cached)
    return cached


class IsAnalystOrReadOnly(BasePermission):
    """Anyone reads; only analysts write."""

    message = "Writing needs an analyst account: sign in, or send 'Authorization: Token <key>'."

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or is_analyst(request.user)


def analyst_required(view):
    """Pages for analysts only.

    Anonymous visitors are sent to sign in (a 302, or ``HX-Redirect`` for htmx requests, so a
    login page is never swapped into a fragment); signed-in users who are not analysts get a
    403 page that says why.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            response: HttpResponse
            htmx = getattr(request, "htmx", None)
            if htmx:
                # Come back to the page showing the fragment, not to the fragment itself.
                current = htmx.current_url_abs_path or request.get_full_path()
                response = HttpResponseClientRedirect(redirect_to_login(current).url)
            else:
                response = redirect_to_login(request.get_full_path())
            patch_vary_headers(response, ["HX-Request"])  # HX-Redirect or a 302
            return response
        if not is_analyst(request.user):
            return render(request, "registration/analysts_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
