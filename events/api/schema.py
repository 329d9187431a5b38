"""The OpenAPI schema: every status code each operation can answer, documented in one place.

``ApiSchema`` is set on every viewset (``schema = ApiSchema()``). It adds the error responses
by operation (400 for bad input or filters, 401 for a bad token or a missing login on writes,
403 for signed-in non-analysts, 404, 412 for a stale ``If-Match``, 413 for a body over the
limit, 500 and 503 everywhere), marks reads as open to
anonymous users, and documents the ``ETag``/``If-Match`` headers of event writes and of
corrections of a source.
"""

from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Each field with what is wrong and how to fix it; nested fields (date, "
    "actors, citations) carry their errors at the same place, lists by index.",
    "additionalProperties": True,
}
TIMELINEJS = {
    "type": "object",
    "description": "TimelineJS3 JSON (format=timelinejs).",
    "properties": {"events": {"type": "array", "items": {"type": "object"}}},
    "required": ["events"],
}
EMPTY = {"type": "string", "maxLength": 0}
NOT_EMPTY = {"page_size", "type"}  # an empty value is refused (an empty page is page 1)
NO_NUL = "^[^\\x00]*$"  # text in a query may not hold NUL characters
ETAG = {
    "ETag": {
        "description": 'The event\'s version, for If-Match: "<version>".',
        "schema": {"type": "string"},
    }
}
SOURCE_ETAG = {
    "ETag": {
        "description": 'The source\'s version, for If-Match: "<version>".',
        "schema": {"type": "string"},
    }
}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": 'The ETag you read, in double quotes ("3"); a stale one '
    "gets 412 and changes nothing, a value with no entity tag a 400. Leave it "
    "out (or send *) to write regardless.",
}
# The 412 of a source's correction (ERRORS has the events').
SOURCE_412 = "If-Match names an older version: GET the source again and retry."

ERRORS = {
    "400": (
        "Invalid input: the fields (or query parameters) and how to fix them; also a query "
        "parameter repeated more than 20 times or too long, or bytes that are not UTF-8.",
        FIELD_ERRORS,
    ),
    "401": ("Missing or invalid credentials (a bad token is refused on reads too).", DETAIL),
    "403": ("Signed in but not an analyst, or a browser session without its CSRF token.", DETAIL),
    "404": ("No such object (or a draft, for non-analysts), or no such page.", DETAIL),
    "415": ("The body is not JSON (send Content-Type: application/json).", DETAIL),
    "409": (
        "The citation is the only one of a published event: add another citation first, or set "
        "the event to draft.",
        DETAIL,
    ),
    "412": ("If-Match names an older version: GET the event again and retry.", DETAIL),
    "413": ("The body is over the limit (2.5 MB): send less.", DETAIL),
    "500": ("A server error: logged with the request's id (X-Request-ID); retry later.", DETAIL),
    "503": (
        "The request took longer than the database allows and was stopped (Retry-After "
        "says when to retry), or the database is unreachable.",
        DETAIL,
    ),
}


def _response(code: str) -> dict:
    description, schema = ERRORS[code]
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class ApiSchema(AutoSchema):
    def get_auth(self) -> list[dict]:
        auths = super().get_auth()
        if self.method in SAFE_METHODS and {} not in auths:
            auths.append({})  # anyone reads (anonymous users see published events only)
        return auths

    def error_codes(self) -> list[str]:
        method = self.method
        codes = ["401"]  # a bad token is refused everywhere
        if method == "GET":
            codes += ["400", "404"]  # bad filters; no such object or page
        else:
            codes += ["400", "403", "415"] if method in ("POST", "PUT", "PATCH") else ["403"]
            codes.append("404")  # no such object, or an unknown ?format=
        if self.view.__class__.__name__ == "EventViewSet" and method in ("PUT", "PATCH", "DELETE"):
            codes.append("412")
        if self._corrects_source():
            codes.append("412")
        if self.view.__class__.__name__ == "CitationViewSet" and method == "DELETE":
            codes.append("409")
        if method in ("POST", "PUT", "PATCH"):
            codes.append("413")
        if "400" not in codes:
            codes.append("400")  # any request: the limits on query parameters (LimitsMiddleware)
        return [*codes, "500", "503"]  # any operation: a bug, or the statement timeout

    def get_operation(self, *args, **kwargs) -> dict | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            text = schema.get("items", {}) if schema.get("type") == "array" else schema
            if parameter["in"] == "query" and text.get("type") == "string":
                text.setdefault("pattern", NO_NUL)
                # config.middleware.LimitsMiddleware: longer values are a 400.
                longest = settings.MAX_Q_LENGTH if parameter["name"] == "q" else None
                text.setdefault("maxLength", longest or settings.MAX_PARAMETER_LENGTH)
            if parameter["in"] == "query" and schema.get("type") == "array":
                schema.setdefault("maxItems", settings.MAX_PARAMETER_REPEATS)
            if (
                parameter["in"] == "query"
                and parameter["name"] not in NOT_EMPTY
                and schema.get("type") != "array"  # its items may be empty already
            ):
                # An empty value means "no filter", as on the timeline page's form.
                parameter["schema"] = {"anyOf": [parameter["schema"], EMPTY]}
        responses = operation.setdefault("responses", {})
        if self._corrects_source():
            responses.setdefault("412", {**_response("412"), "description": SOURCE_412})
        for code in self.error_codes():
            responses.setdefault(code, _response(code))
        if self.view.__class__.__name__ == "EventViewSet":
            self._document_event_formats(operation)
        if self.view.__class__.__name__ == "SourceViewSet" and not self._is_list_view():
            if "200" in responses:
                responses["200"].setdefault("headers", {}).update(SOURCE_ETAG)
            if self.method == "PATCH":
                operation.setdefault("parameters", []).append(dict(IF_MATCH))
        return operation

    def _corrects_source(self) -> bool:
        return self.view.__class__.__name__ == "SourceViewSet" and self.method == "PATCH"

    def _document_event_formats(self, operation: dict) -> None:
        for code in ("200", "201"):
            content = operation["responses"].get(code, {}).get("content", {})
            for media in ("text/csv", "text/calendar"):
                if media in content and self.method == "GET":
                    content[media] = {"schema": {"type": "string"}}
                elif media in content:
                    del content[media]  # writes answer JSON whatever the format
            if "application/json" in content and self.method == "GET":
                json_schema = content["application/json"]["schema"]
                content["application/json"]["schema"] = {"oneOf": [json_schema, TIMELINEJS]}
            if code in operation["responses"] and not self._is_list_view():
                operation["responses"][code].setdefault("headers", {}).update(ETAG)
        if self.method in ("PUT", "PATCH", "DELETE"):
            operation.setdefault("parameters", []).append(dict(IF_MATCH))


# Write bodies that answer 400 for a key that is not one of their fields: the schema says so,
# so a client (or Schemathesis) does not take extra keys for allowed.
CLOSED_BODIES = ("PatchedSourceEdit",)


def closed_bodies(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: ``additionalProperties: false`` on
    ``CLOSED_BODIES``."""
    schemas = result.get("components", {}).get("schemas", {})
    for name in CLOSED_BODIES:
        if name in schemas:
            schemas[name]["additionalProperties"] = False
    return result
