"""Pages of sources: the list and the reader; for analysts, adding one (pasted text or an
uploaded .txt or .html file), correcting its details and its history."""

from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import analyst_required
from config.middleware import too_large_page
from events.counts import Counts
from events.models import Citation, Event, EventQuerySet
from lib.paging import found_or_404, page_of

from .forms import SourceEditForm, SourceForm
from .highlight import segments
from .history import compare, history
from .models import Source
from .services import SourceEditConflict, existing_source, import_source


def _too_large(request: HttpRequest, message: str) -> HttpResponse:
    """The form again, saying the text was over the limit (the browser still holds it)."""
    form = SourceForm()
    # An empty form that shows one error (django-stubs omits BaseForm._errors).
    form.cleaned_data, form._errors = {}, ErrorDict()  # type: ignore[attr-defined]
    form.add_error(None, message)
    return render(request, "sources/source_new.html", {"form": form}, status=413)


@too_large_page(_too_large)
@require_http_methods(["GET", "POST"])
@analyst_required
def source_new(request: HttpRequest) -> HttpResponse:
    """Paste text or upload a .txt/.html file; on success, open the new source in the reader."""
    if request.method != "POST":
        return render(request, "sources/source_new.html", {"form": SourceForm()})
    form = SourceForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "sources/source_new.html", {"form": form}, status=400)
    data = form.cleaned_data
    published = data["published"]
    try:
        source, created = import_source(
            data["source_text"],
            title=data["title"],
            publisher=data["publisher"],
            author=data["author"],
            url=data["url"],
            published_date=published.start if published else None,
            published_precision=published.precision if published else "day",
            published_on_or_after=data["published_on_or_after"],
        )
    except IntegrityError:
        # Someone added the same text a moment ago.
        found = existing_source(data["source_text"])
        if found is None:
            raise
        source, created = found, False
    if not created:
        form.existing = source
        form.add_error(None, f"This text is already a source: “{source.title}”. Nothing was added.")
        return render(request, "sources/source_new.html", {"form": form}, status=400)
    passages = source.passages.count()
    read = (
        " The pasted text was read as HTML: its tags, scripts and styles were removed (tick "
        "“keep the pasted text as typed” to keep them)."
        if form.read_as_html
        else ""
    )
    messages.success(
        request,
        f"Added “{source.title}” with {passages} passage{'' if passages == 1 else 's'}.{read}",
    )
    return redirect("source-detail", pk=source.pk)


@require_http_methods(["GET", "POST"])
@analyst_required
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a source's details (title, publisher, author, URL, publication date, reference
    date); its text never changes here, since citations quote it verbatim.

    A changed date changes what the source's relative dates ("on Tuesday") read as: the
    suggestions are read again (their cache key holds the date), while events already
    recorded from it keep their dates, and the message says how many to check. The form
    carries the version it was opened at: if another analyst saved the source since, nothing
    is written and the form comes back as typed, with what they changed (409).
    """
    source = found_or_404(Source, pk)
    if request.method != "POST":
        form = SourceEditForm(source=source)
        return render(request, "sources/source_edit.html", {"form": form, "source": source})
    form = SourceEditForm(request.POST, source=source)
    if not form.is_valid():
        context = {"form": form, "source": source}
        return render(request, "sources/source_edit.html", context, status=400)
    try:
        date_changed = form.save(user=request.user)
    except SourceEditConflict as conflict:
        return _conflict(request, form, conflict)
    messages.success(request, f"Saved the details of “{source.title}”.")
    if date_changed:
        cited = Event.objects.visible_to(request.user).citing_source(source.pk).count()
        if cited:
            timeline = f"{reverse('timeline')}?source={source.key}"
            messages.warning(
                request,
                format_html(
                    "{} event{} cite{} this source; their dates were read against the old date: "
                    '<a href="{}">check them</a>.',
                    cited,
                    "" if cited == 1 else "s",
                    "s" if cited == 1 else "",
                    timeline,
                ),
            )
    return redirect("source-detail", pk=source.pk)


def _conflict(
    request: HttpRequest, form: SourceEditForm, conflict: SourceEditConflict
) -> HttpResponse:
    """The form again as typed, carrying the current version (saving again is deliberate),
    above it what changed: when it was loaded (from the history), theirs and yours."""
    current = conflict.source
    base_version = form.cleaned_data.get("version")
    changes, base = compare(current, form.changes(), base_version)
    data = request.POST.copy()
    data["version"] = str(current.version)
    again = SourceEditForm(data, source=current)
    again.is_valid()
    latest = current.history.select_related("history_user").first()  # newest first
    context = {
        "form": again,
        "source": current,
        "conflict": {
            "base_version": base_version,
            "version": current.version,
            "changes": changes,
            "history": base is not None,
            "by": getattr(latest, "history_user", None),
            "when": getattr(latest, "history_date", None),
        },
    }
    return render(request, "sources/source_edit.html", context, status=409)


@require_safe
@analyst_required
def source_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change of the source's details, newest first: who, when, from what to what."""
    source = found_or_404(Source, pk)
    context = {"source": source, "versions": history(source)}
    return render(request, "sources/source_history.html", context)


SOURCES_PAGE = 100


@require_safe
def source_list(request: HttpRequest) -> HttpResponse:
    """Sources by key, 100 a page, each with its citation count.

    The page's sources are found by key alone, then only they are read with their counts:
    a count in the paged query itself was computed for every source before the page too
    (its OFFSET), 30,000 counts of citations for page 300 at 50,000 sources (21 s). The
    page's sources with their counts are cached until the next write (events.counts): the
    first sources by key may be the most cited, hundreds of thousands of citations to read
    with their events' status at a million events (2 s).
    """
    keys = Source.objects.order_by("key").values_list("pk", flat=True)
    page_obj, page_problem = page_of(Paginator(keys, SOURCES_PAGE), request.GET.get("page"))
    counted = (
        Source.objects.visible_to(request.user)
        .defer("text")
        .filter(pk__in=list(page_obj.object_list))
        .order_by("key")
    )
    sources = Counts(cast(EventQuerySet, counted)).cached("sources page", lambda: list(counted))
    context = {"sources": sources, "page_obj": page_obj, "page_problem": page_problem}
    return render(request, "sources/source_list.html", context)


# Event links shown under one cited span; the rest are counted ("and 12 more").
LINKS_PER_SPAN = 5


@require_safe
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The source's passages with their cited spans marked.

    Each span links at most LINKS_PER_SPAN events (a window function picks them) and counts
    the others (one GROUP BY), so a sentence cited by thousands of events stays one line.
    """
    source = found_or_404(Source, pk)
    passages = list(source.passages.all())
    cited = Citation.objects.visible_to(request.user).filter(passage__source=source)
    span = [F("passage_id"), F("start"), F("end")]
    per_span = cited.values("passage_id", "start", "end").annotate(n=Count("pk"))
    shown = (
        cited.select_related("event")
        .only("pk", "passage_id", "start", "end", "event__title")
        .annotate(rank=Window(RowNumber(), partition_by=span, order_by=F("pk").asc()))
        .filter(rank__lte=LINKS_PER_SPAN)
        .order_by("start")
    )
    # Cached until the next write (events.counts): the most cited source of a million
    # events has 13,000 citations, read with their events' status (a second at that size).
    cache = Counts(cast(EventQuerySet, cited))
    counts = cache.cached(
        "source spans",
        lambda: {(r["passage_id"], r["start"], r["end"]): r["n"] for r in per_span},
        per_span,
    )
    by_passage: dict[int, list] = {}
    for citation in cache.cached("source links", lambda: list(shown), shown):
        by_passage.setdefault(citation.passage_id, []).append(citation)
    rows = []
    for passage in passages:
        pieces = segments(passage.text, by_passage.get(passage.pk, []))
        for piece in pieces:
            spans = {(passage.pk, c.start, c.end) for c in piece.citations}
            piece.more = sum(counts[key] for key in spans) - len(piece.citations)
        rows.append((passage, pieces))
    context = {"source": source, "rows": rows}
    return render(request, "sources/source_detail.html", context)
