from django.contrib import admin

from .models import Passage, Source

PASSAGE_FIELDS = ("index", "start", "end", "text")


class PassageInline(admin.TabularInline):
    model = Passage
    fields = PASSAGE_FIELDS
    readonly_fields = PASSAGE_FIELDS
    extra = 0
    can_delete = False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "publisher", "published_date", "reference_date", "imported_at"]
    list_filter = ["publisher", "published_on_or_after"]
    search_fields = ["key", "title", "publisher", "author", "text"]
    readonly_fields = ["sha256", "imported_at"]
    inlines = [PassageInline]


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ["source", "index", "start", "end"]
    list_filter = ["source"]
    search_fields = ["text"]
    readonly_fields = ["source", "index", "start", "end", "text"]
