"""The site's URLs plus views that fail on purpose, for the error-handling tests."""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401


def boom(request) -> HttpResponse:
    raise RuntimeError("a bug, on purpose")


def slow(request) -> HttpResponse:
    """A statement over the timeout (PostgreSQL only): cancelled by the database."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(2)")
    return HttpResponse("finished")


@csrf_exempt
def lose_connection(request) -> HttpResponse:
    """The first attempt loses its database connection mid-request (PostgreSQL only)."""
    request.attempts = getattr(request, "attempts", 0) + 1
    with connection.cursor() as cursor:
        if request.attempts == 1:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        cursor.execute("SELECT 1")
    return HttpResponse(f"answered on attempt {request.attempts}")


@api_view(["GET"])
@permission_classes([AllowAny])
def api_boom(request) -> Response:
    raise RuntimeError("an API bug, on purpose")


@api_view(["GET"])
@permission_classes([AllowAny])
def api_slow(request) -> Response:
    return Response({"body": slow(request).content.decode()})


urlpatterns = [
    path("boom/", boom),
    path("slow/", slow),
    path("lose-connection/", lose_connection),
    path("api/boom/", api_boom),
    path("api/slow/", api_slow),
    path("", include("config.urls")),
]
