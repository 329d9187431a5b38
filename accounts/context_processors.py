from django.http import HttpRequest

from .access import is_analyst


def analyst(request: HttpRequest) -> dict:
    """``is_analyst`` in every template: whether to show drafts and editing controls."""
    return {"is_analyst": is_analyst(request.user)}
