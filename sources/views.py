"""Pages that write sources: adding one by pasting text or uploading a file (analysts only)."""

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import analyst_required
from events.models import Citation

from .forms import SourceForm
from .highlight import segments
from .models import Source, text_sha256
from .services import import_source


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
        source = Source.objects.get(sha256=text_sha256(data["source_text"]))
        created = False
    if not created:
        form.existing = source
        form.add_error(None, f"This text is already a source: “{source.title}”. Nothing was added.")
        return render(request, "sources/source_new.html", {"form": form}, status=400)
    messages.success(request, f"Added “{source.title}” with {source.passages.count()} passages.")
    return redirect("source-detail", pk=source.pk)


@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    sources = Source.objects.visible_to(request.user)
    return render(request, "sources/source_list.html", {"sources": sources})


@require_GET
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    passages = source.passages.prefetch_related(
        Prefetch(
            "citations",
            queryset=Citation.objects.visible_to(request.user)
            .select_related("event")
            .order_by("start"),
        )
    )
    rows = [(p, segments(p.text, list(p.citations.all()))) for p in passages]
    return render(request, "sources/source_detail.html", {"source": source, "rows": rows})
