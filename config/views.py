"""Project-wide answers: the health check and the error handlers (JSON under /api/)."""

from django.db import DatabaseError, connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .middleware import error_page, is_api


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 ``{"status": "ok"}`` when the database answers, else 503 saying it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers and feed readers ask for by name: the site's icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


# Django's handlers for errors raised outside DRF's views (a body over the limit, a bad
# Host, an uncaught exception): JSON under /api/, the site's pages elsewhere.


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "Bad request: the request could not be read."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "You do not have permission to do this."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "Not found; see /api/docs/."}, status=404)
    if not hasattr(request, "user"):  # before the middleware ran: Django's bare page
        return defaults.page_not_found(request, exception)
    # A view's Http404 says what is missing ("No actor is named …"), written for readers; an
    # address that matches no URL (Resolver404) carries the URL patterns tried: never shown.
    said = exception.args[0] if exception.args else None
    message = (
        said
        if type(exception) is Http404 and isinstance(said, str)
        else "The requested resource was not found on this server. Check the address."
    )
    return error_page(request, 404, "Not found", message)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        body = {
            "detail": "Server error: it is logged with this request's id; try again later.",
            "request_id": getattr(request, "request_id", ""),
        }
        return JsonResponse(body, status=500)
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its valid security token (``CSRF_FAILURE_VIEW``): the site's page
    saying what to do, rather than Django's page about cookies and Referer headers."""
    return error_page(
        request,
        403,
        "The form could not be sent",
        "Its security token was missing or out of date (the page was open a long time, or you "
        "signed in or out in another tab). Copy anything you typed, reload the page and send "
        "the form again.",
    )
