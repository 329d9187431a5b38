from django.contrib import admin

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


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["event", "actor", "role"]
    list_filter = ["role"]
    search_fields = ["event__title", "actor__name"]
    list_select_related = ["event", "actor"]


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["event", "passage", "quote"]
    search_fields = ["quote", "event__title"]
    list_select_related = ["event", "passage__source"]
    raw_id_fields = ["passage", "event"]
