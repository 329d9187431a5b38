"""History of an event: its versions with readable diffs, and restoring one (analysts only)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.access import analyst_required
from lib.inputs import whole_number
from lib.paging import found_or_404

from ..history import RestoreError, history, restore
from ..models import Event


@require_safe
@analyst_required
def event_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Versions newest first: who, when, and what changed since the version before."""
    event = found_or_404(Event, pk)
    return render(request, "events/history.html", {"event": event, "versions": history(event)})


@require_POST
@analyst_required
def event_restore(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    """Put back an earlier version (a new version itself); refused with a message otherwise."""
    event = found_or_404(Event, pk)
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
