from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet

from .models import (
    Actor,
    Alias,
    Citation,
    Event,
    Participation,
    Position,
    Post,
    PostAlias,
    Status,
)
from .services import (
    EVIDENCE_MESSAGE,
    ActorChoice,
    Located,
    NewCitation,
    add_citation,
    delete_event,
    save_event,
    uncite,
)


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1


class PositionInline(admin.TabularInline):
    """The titles an actor held, with when: what the actor filter and the extractor resolve."""

    model = Position
    fk_name = "holder"
    fields = ["post", "start", "start_precision", "end", "end_precision", "note"]
    autocomplete_fields = ["post"]
    extra = 1


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "description"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases__name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline, PositionInline]


class PostAliasInline(admin.TabularInline):
    model = PostAlias
    fields = ["name"]
    extra = 1


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "organization"]
    list_filter = ["kind"]
    search_fields = ["title", "aliases__name"]
    autocomplete_fields = ["organization"]
    inlines = [PostAliasInline]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["holder", "post", "start", "end"]
    list_filter = ["post__kind"]
    search_fields = ["holder__name", "post__title", "post__aliases__name"]
    autocomplete_fields = ["holder", "post"]
    list_select_related = ["holder", "post"]


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    list_display = ["name", "actor"]
    search_fields = ["name", "actor__name"]
    list_select_related = ["actor"]


class CitationInlineFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if self.instance.status == Status.PUBLISHED and not kept:
            raise ValidationError(EVIDENCE_MESSAGE)


class ParticipationInline(admin.TabularInline):
    model = Participation
    autocomplete_fields = ["actor"]
    extra = 1


class CitationInline(admin.StackedInline):
    model = Citation
    formset = CitationInlineFormSet
    fields = ["passage", "quote", "start", "end", "prefix", "suffix", "date_text", "note"]
    readonly_fields = ["prefix", "suffix"]
    raw_id_fields = ["passage"]
    extra = 0


def _kept(formset) -> list[dict]:
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def _new_citation(row) -> NewCitation:
    """A citation as the admin has it (a model instance or a form's cleaned data)."""
    get: Callable[[str], Any] = (
        row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    )
    located = Located(get("passage"), get("start"), get("end"), get("quote"))
    return NewCitation(located, get("date_text") or "", get("note") or "")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The admin writes through ``events.services.save_event``, like every other way in."""

    list_display = ["title", "date_start", "date_precision", "type", "status", "attribution"]
    list_filter = ["type", "status", "date_precision"]
    search_fields = ["title", "summary", "citations__quote", "actors__name"]
    date_hierarchy = "date_start"
    inlines = [ParticipationInline, CitationInline]

    def save_model(self, request, obj, form, change) -> None:
        """Saved with its participants and citations, in ``save_related``: one version."""

    def save_related(self, request, form, formsets, change) -> None:
        lists = {formset.model: _kept(formset) for formset in formsets}
        save_event(
            form.instance,
            actors=[
                ActorChoice(role=row["role"], actor=row["actor"]) for row in lists[Participation]
            ],
            citations=[_new_citation(row) for row in lists[Citation]],
            user=request.user,
        )
        form.save_m2m()
        for formset in formsets:  # what the admin's change message reads
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj) -> None:
        delete_event(obj)


def _rewrite(event_id: int, *, actors=None, citations=None, user=None) -> None:
    event = Event.objects.get(pk=event_id)
    save_event(event, actors=actors, citations=citations, user=user)


class ParticipationAdmin(admin.ModelAdmin):
    """A participant on its own is a change to its event's participants, through the writer."""

    list_display = ["event", "actor", "role"]
    list_filter = ["role"]
    search_fields = ["event__title", "actor__name"]
    list_select_related = ["event", "actor"]

    def _others(self, event_id: int, pk) -> list[ActorChoice]:
        rows = Participation.objects.filter(event_id=event_id).exclude(pk=pk)
        return [ActorChoice(role=p.role, actor=p.actor) for p in rows.select_related("actor")]

    def save_model(self, request, obj, form, change) -> None:
        old = Participation.objects.filter(pk=obj.pk).first() if change else None
        with transaction.atomic():
            if old is not None and old.event_id != obj.event_id:
                _rewrite(old.event_id, actors=self._others(old.event_id, old.pk), user=request.user)
            wanted = [*self._others(obj.event_id, obj.pk), ActorChoice(obj.role, obj.actor)]
            _rewrite(obj.event_id, actors=wanted, user=request.user)
        obj.pk = Participation.objects.get(event=obj.event, actor=obj.actor, role=obj.role).pk

    def delete_model(self, request, obj) -> None:
        _rewrite(obj.event_id, actors=self._others(obj.event_id, obj.pk), user=request.user)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class CitationAdmin(admin.ModelAdmin):
    """A citation on its own is a change to its event's citations, through the writer."""

    list_display = ["event", "passage", "quote"]
    search_fields = ["quote", "event__title"]
    list_select_related = ["event", "passage__source"]
    raw_id_fields = ["passage", "event"]
    readonly_fields = ["prefix", "suffix"]

    def save_model(self, request, obj, form, change) -> None:
        old = Citation.objects.filter(pk=obj.pk).first() if change else None
        with transaction.atomic():
            if old is None:
                obj.pk = add_citation(
                    obj.event,
                    _new_citation(obj).located,
                    obj.date_text,
                    obj.note,
                    user=request.user,
                ).pk
                return
            if old.event_id != obj.event_id:
                uncite(old.pk, user=request.user)
                obj.pk = add_citation(
                    obj.event,
                    _new_citation(obj).located,
                    obj.date_text,
                    obj.note,
                    user=request.user,
                ).pk
                return
            others = Citation.objects.filter(event_id=obj.event_id).exclude(pk=obj.pk)
            wanted = [_new_citation(c) for c in others.select_related("passage")]
            _rewrite(obj.event_id, citations=[*wanted, _new_citation(obj)], user=request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        # The only citation of a published event stays: publish needs evidence.
        if (
            obj is not None
            and obj.event.status == Status.PUBLISHED
            and not obj.event.citations.exclude(pk=obj.pk).exists()
        ):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj) -> None:
        uncite(obj.pk, user=request.user)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for pk in queryset.values_list("pk", flat=True):
                uncite(pk, user=request.user)


admin.site.register(Participation, ParticipationAdmin)
admin.site.register(Citation, CitationAdmin)
