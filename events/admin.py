from django.contrib import admin
from django.db.models import F

from .models import Actor, Alias, Citation, Event, Participation


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "description"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases__name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline]


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    list_display = ["name", "actor"]
    search_fields = ["name", "actor__name"]
    list_select_related = ["actor"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    autocomplete_fields = ["actor"]
    extra = 1


class CitationInline(admin.StackedInline):
    model = Citation
    fields = ["passage", "quote", "start", "end", "prefix", "suffix", "date_text", "note"]
    raw_id_fields = ["passage"]
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "date_start", "date_precision", "type", "status"]
    list_filter = ["type", "status", "date_precision"]
    search_fields = ["title", "summary", "citations__quote", "actors__name"]
    date_hierarchy = "date_start"
    inlines = [ParticipationInline, CitationInline]

    def save_model(self, request, obj, form, change) -> None:
        # Every change takes a new version, so API ETags and open edit forms see it.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


class BumpsEventVersion(admin.ModelAdmin):
    """Saving or deleting a participant or citation on its own is a change to its event."""

    def _bump(self, obj) -> None:
        Event.objects.filter(pk=obj.event_id).update(version=F("version") + 1)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        self._bump(obj)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        self._bump(obj)

    def delete_queryset(self, request, queryset) -> None:
        events = list(queryset.values_list("event_id", flat=True))
        super().delete_queryset(request, queryset)
        Event.objects.filter(pk__in=events).update(version=F("version") + 1)


@admin.register(Participation)
class ParticipationAdmin(BumpsEventVersion, admin.ModelAdmin):
    list_display = ["event", "actor", "role"]
    list_filter = ["role"]
    search_fields = ["event__title", "actor__name"]
    list_select_related = ["event", "actor"]


@admin.register(Citation)
class CitationAdmin(BumpsEventVersion, admin.ModelAdmin):
    list_display = ["event", "passage", "quote"]
    search_fields = ["quote", "event__title"]
    list_select_related = ["event", "passage__source"]
    raw_id_fields = ["passage", "event"]
