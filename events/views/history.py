"""History of an event: its versions with readable diffs, and restoring one (analysts only)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.access import analyst_required
from lib.inputs import whole_number
from lib.paging import found_or_404

from ..history import RestoreError, deleted_event, history, restore
from ..models import Event


def _event_or_deleted(pk: int) -> Event:
    """The event, else the one deleted under ``pk`` (as it was deleted); else a 404."""
    try:
        return found_or_404(Event, pk)
    except Http404:
        deleted = deleted_event(pk)
        if deleted is None:
            raise
        return deleted


@require_safe
@analyst_required
def event_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Versions newest first: who, when, and what changed since the version before; a deleted
    event's too, with its deletion."""
    event = _event_or_deleted(pk)
    versions = history(event)
    return render(
        request,
        "events/history.html",
        {"event": event, "versions": versions, "deleted": versions and versions[0].deleted},
    )


@require_POST
@analyst_required
def event_restore(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    """Put back an earlier version (a new version itself; a deleted event comes back);
    refused with a message otherwise."""
    event = _event_or_deleted(pk)
    expected = request.POST.get("version", "")
    try:
        restored = restore(
            event,
            history_id,
            request.user,
            expected_version=whole_number(expected),
        )
    except RestoreError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Restored: the event is now version {restored.version}, "
            "with the fields, participants and citations of the version you chose.",
        )
    return redirect("event-history", pk=pk)
