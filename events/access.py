"""Who may do what: analysts (members of the "analysts" group, or superusers) see drafts and edit.

Everyone else, signed in or not, reads published events only. One definition, used by the pages,
the API permission class and the templates (``request.user|is_analyst`` is not needed: the
``is_analyst`` context variable comes from ``events.context_processors``).
"""

from django.contrib.auth.models import AnonymousUser, User
from rest_framework.permissions import SAFE_METHODS, BasePermission

ANALYSTS_GROUP = "analysts"


def is_analyst(user: User | AnonymousUser) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_analyst", None)
    if cached is None:
        cached = user.groups.filter(name=ANALYSTS_GROUP).exists()
        user._is_analyst = cached
    return cached


class IsAnalystOrReadOnly(BasePermission):
    """Anyone reads; only analysts write."""

    message = "Writing needs an analyst account: sign in, or send 'Authorization: Token <key>'."

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or is_analyst(request.user)
