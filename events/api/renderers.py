"""Export renderers for /api/events/: CSV, iCalendar and TimelineJS.

Each ``stream``s a file from event dicts (the API's event shape) piece by piece: the list
streams them (``events.api.exports``), without pagination. ``render`` makes the whole file
from serialized data (one event from the detail view, or a list).
"""

import csv
import datetime as dt
import html
import json

from django.urls import reverse
from rest_framework.renderers import BaseRenderer

from lib.dates import Precision, format_date, interval

EXPORT_FORMATS = {"csv", "ics", "timelinejs"}

CSV_COLUMNS = [
    "id",
    "start",
    "end",
    "precision",
    "date_text",
    "title",
    "type",
    "actors",
    "sources",
    "url",
    # Added after the first ten (which keep their order): the text of the event, where, who
    # says so when it is a claim, its evidence, and its page for a reader.
    "summary",
    "location",
    "attribution",
    "quotes",
    "event_url",
    # Added after those: "draft" for an event only analysts see (their exports include them).
    "status",
]


def claim(attribution: str) -> str:
    """How an event attributed to someone is told, as on its page."""
    return f"Claim, not stated as fact: {attribution}"


def _headline(event: dict) -> str:
    """The title, with "Draft: " first for an event only analysts see."""
    return f"Draft: {event['title']}" if event.get("status") == "draft" else event["title"]


def _events(data) -> list[dict]:
    return [data] if isinstance(data, dict) else list(data or [])


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _actors(event: dict) -> str:
    return "; ".join(f"{a['name']} ({a['role']})" for a in event["actors"])


def _source_keys(event: dict) -> list[str]:
    return list(dict.fromkeys(c["source"]["key"] for c in event["citations"]))


def _citation_line(citation: dict) -> str:
    source = citation["source"]
    return f"“{citation['quote']}” — {source['title']} ({source['key']} ¶{citation['passage']})"


def _quotes(event: dict) -> str:
    """Each citation as “quote” (source key ¶passage), one per line."""
    return "\n".join(
        f"“{c['quote']}” ({c['source']['key']} ¶{c['passage']})" for c in event["citations"]
    )


def _page_url(event: dict, renderer_context) -> str:
    """The event's page (not its API address): absolute when the request is known."""
    path = reverse("event-detail", args=[event["id"]])
    request = (renderer_context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _display_date(event: dict) -> str:
    date = event["date"]
    return format_date(
        _date(date["start"]), _date(date["end"]), date["precision"], date["approximate"]
    )


# A cell a spreadsheet would run as a formula starts with one of these (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """The value as a CSV cell; text that a spreadsheet would read as a formula gets a ' first."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """A file-like object that hands back what csv.writer wrote."""

    def write(self, text: str) -> str:
        return text


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def stream(self, events, renderer_context=None):
        writer = csv.writer(_Line())
        yield writer.writerow(CSV_COLUMNS)
        for event in events:
            date = event["date"]
            yield writer.writerow(
                [
                    event["id"],
                    date["start"] or "",
                    date["end"] or "",
                    date["precision"],
                    csv_cell(date["text"]),
                    csv_cell(event["title"]),
                    event["type"],
                    csv_cell(_actors(event)),
                    csv_cell("; ".join(_source_keys(event))),
                    event["url"],
                    csv_cell(event.get("summary", "")),
                    csv_cell(event.get("location", "")),
                    csv_cell(event.get("attribution", "")),
                    csv_cell(_quotes(event)),
                    _page_url(event, renderer_context),
                    event["status"],
                ]
            )

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return "".join(self.stream(_events(data), renderer_context)).encode(self.charset)


def ics_escape(text: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon, comma and newlines."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def ics_fold(line: str) -> str:
    """Fold a content line to at most 75 octets a line, never inside a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74  # continuation lines start with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


# The calendar's opening lines, written by the renderer and by the streamed export alike.
ICS_HEAD = "".join(
    ics_fold(line) + "\r\n"
    for line in (
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Timeline//Russia-Myanmar events//EN",
        "CALSCALE:GREGORIAN",
    )
)


class ICSRenderer(BaseRenderer):
    """iCalendar: one all-day VEVENT per dated event, spanning its whole interval."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def stream(self, events, renderer_context=None):
        request = (renderer_context or {}).get("request")
        host = request.get_host() if request is not None else "timeline"
        yield ICS_HEAD
        for event in events:
            lines = self._vevent(event, host, _page_url(event, renderer_context))
            if lines:
                yield "".join(ics_fold(line) + "\r\n" for line in lines)
        yield "END:VCALENDAR\r\n"

    @staticmethod
    def _vevent(event: dict, host: str, page: str) -> list[str]:
        """The VEVENT lines of ``event``; its URL is ``page``, the event's page, which a
        calendar opens for a reader (not its API address)."""
        date = event["date"]
        if not date["start"]:
            return []
        start = dt.date.fromisoformat(date["start"])
        first, last = interval(start, _date(date["end"]), date["precision"])
        stamp = dt.datetime.fromisoformat(event["updated"]).astimezone(dt.UTC)
        description = [_display_date(event)]
        if date["precision"] in ("month", "year") and first < last:
            # A calendar draws the whole period: say the day is not known.
            description[0] += f" (dated to the {date['precision']}: the day is not stated)"
        if event.get("attribution"):
            description.append(claim(event["attribution"]))
        if event["summary"]:
            description.append(event["summary"])
        if event["citations"]:
            description.append("Sources:")
            description.extend(_citation_line(c) for c in event["citations"])
        # DTEND is the day after the last; on 31 December 9999 there is none, so DURATION.
        if last < dt.date.max:
            end = f"DTEND;VALUE=DATE:{ics_date(last + dt.timedelta(days=1))}"
        else:
            end = f"DURATION:P{(last - first).days + 1}D"
        lines = [
            "BEGIN:VEVENT",
            f"UID:event-{event['id']}@{host}",
            f"DTSTAMP:{ics_date(stamp)}T{stamp:%H%M%S}Z",
            f"DTSTART;VALUE=DATE:{ics_date(first)}",
            end,
            f"SUMMARY:{ics_escape(_headline(event))}",
            f"DESCRIPTION:{ics_escape(chr(10).join(description))}",
            f"CATEGORIES:{ics_escape(event['type'])}",
            f"URL:{page}",
        ]
        if event["location"]:
            lines.append(f"LOCATION:{ics_escape(event['location'])}")
        if event.get("status") == "draft":
            lines.append("STATUS:TENTATIVE")
        lines.append("END:VEVENT")
        return lines

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return "".join(self.stream(_events(data), renderer_context)).encode(self.charset)


def ics_date(day: dt.date) -> str:
    """YYYYMMDD with four digits of year, whatever the year (strftime pads only some)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _timelinejs_date(value: str | None, precision: str) -> dict | None:
    day = _date(value)
    if day is None:
        return None
    parts = {"year": day.year}
    if precision in (Precision.MONTH, Precision.DAY):
        parts["month"] = day.month
    if precision == Precision.DAY:
        parts["day"] = day.day
    return parts


class TimelineJSRenderer(BaseRenderer):
    """TimelineJS3 JSON: dated events only, text HTML-escaped."""

    media_type = "application/json"
    format = "timelinejs"
    charset = None

    def stream(self, events, renderer_context=None):
        yield '{"events": ['
        first = True
        for event in events:
            item = self._item(event)
            if item is None:
                continue
            yield ("" if first else ", ") + json.dumps(item, ensure_ascii=False)
            first = False
        yield "]}"

    @staticmethod
    def _item(event: dict) -> dict | None:
        date = event["date"]
        start = _timelinejs_date(date["start"], date["precision"])
        if start is None:
            return None
        body = f"<p>{html.escape(event['summary'])}</p>" if event["summary"] else ""
        if event.get("attribution"):
            body = f"<p><em>{html.escape(claim(event['attribution']))}</em></p>" + body
        if event["citations"]:
            quotes = "".join(
                f"<li>{html.escape(_citation_line(c))}</li>" for c in event["citations"]
            )
            body += f"<ul>{quotes}</ul>"
        item = {
            "unique_id": f"event-{event['id']}",
            "start_date": start,
            "display_date": _display_date(event),
            "group": event["type"],
            "text": {"headline": html.escape(_headline(event)), "text": body},
        }
        end = _timelinejs_date(date["end"], date["precision"])
        if end is not None:
            item["end_date"] = end
        return item

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return "".join(self.stream(_events(data), renderer_context)).encode("utf-8")
