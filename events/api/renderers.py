"""Export renderers for /api/events/: CSV, iCalendar and TimelineJS.

Each takes the serialized events (a list, or one event from the detail view) and
returns the whole file; the viewset skips pagination for these formats.
"""

import csv
import datetime as dt
import html
import io
import json

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
]


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


def _display_date(event: dict) -> str:
    date = event["date"]
    return format_date(
        _date(date["start"]), _date(date["end"]), date["precision"], date["approximate"]
    )


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for event in _events(data):
            date = event["date"]
            writer.writerow(
                [
                    event["id"],
                    date["start"] or "",
                    date["end"] or "",
                    date["precision"],
                    date["text"],
                    event["title"],
                    event["type"],
                    _actors(event),
                    "; ".join(_source_keys(event)),
                    event["url"],
                ]
            )
        return out.getvalue().encode(self.charset)


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
    parts, current, size = [], "", 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


class ICSRenderer(BaseRenderer):
    """iCalendar: one all-day VEVENT per dated event, spanning its whole interval."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        request = (renderer_context or {}).get("request")
        host = request.get_host() if request is not None else "timeline"
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Timeline//Russia-Myanmar events//EN",
            "CALSCALE:GREGORIAN",
        ]
        for event in _events(data):
            date = event["date"]
            if not date["start"]:
                continue
            start = dt.date.fromisoformat(date["start"])
            first, last = interval(start, _date(date["end"]), date["precision"])
            stamp = dt.datetime.fromisoformat(event["updated"]).astimezone(dt.UTC)
            description = [_display_date(event)]
            if event["summary"]:
                description.append(event["summary"])
            if event["citations"]:
                description.append("Sources:")
                description.extend(_citation_line(c) for c in event["citations"])
            lines += [
                "BEGIN:VEVENT",
                f"UID:event-{event['id']}@{host}",
                f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
                f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
                f"DTEND;VALUE=DATE:{last + dt.timedelta(days=1):%Y%m%d}",
                f"SUMMARY:{ics_escape(event['title'])}",
                f"DESCRIPTION:{ics_escape(chr(10).join(description))}",
                f"CATEGORIES:{ics_escape(event['type'])}",
                f"URL:{event['url']}",
            ]
            if event["location"]:
                lines.append(f"LOCATION:{ics_escape(event['location'])}")
            lines.append("END:VEVENT")
        lines.append("END:VCALENDAR")
        return "".join(ics_fold(line) + "\r\n" for line in lines).encode(self.charset)


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

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        items = []
        for event in _events(data):
            date = event["date"]
            start = _timelinejs_date(date["start"], date["precision"])
            if start is None:
                continue
            body = f"<p>{html.escape(event['summary'])}</p>" if event["summary"] else ""
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
                "text": {"headline": html.escape(event["title"]), "text": body},
            }
            end = _timelinejs_date(date["end"], date["precision"])
            if end is not None:
                item["end_date"] = end
            items.append(item)
        return json.dumps({"events": items}, ensure_ascii=False).encode("utf-8")
