from django.contrib import admin
from django.db import models

from .models import Passage, Source
from .services import DETAILS, correct_source

PASSAGE_FIELDS = ("index", "start", "end", "text")


class PassageInline(admin.TabularInline):
    model = Passage
    fields = PASSAGE_FIELDS
    readonly_fields = PASSAGE_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # passages are cut from the text on import, never added by hand


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "publisher", "published_date", "reference_date", "imported_at"]
    list_filter = ["publisher", "published_on_or_after"]
    search_fields = ["key", "title", "publisher", "author", "text"]
    readonly_fields = ["sha256", "text_identity", "imported_at", "version"]
    inlines = [PassageInline]
    # A URL typed without a scheme is taken as https (Django 6's default, asked for now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change) -> None:
        """A stored source's details change through ``correct_source``, like every other way
        in: its version goes up and its history records who changed what."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        changes = {name: getattr(obj, name) for name in form.changed_data if name in DETAILS}
        correct_source(obj, changes, user=request.user)

    def get_readonly_fields(self, request, obj=None):
        # A stored source's text is what its passages and citations were cut from: shown,
        # not edited. (As a form field it came back changed, trailing newline stripped and
        # line ends rewritten by the browser, and a cited source's title could not be saved.)
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "text"] if obj is not None else fields


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ["source", "index", "start", "end"]
    list_filter = ["source"]
    search_fields = ["text"]
    readonly_fields = ["source", "index", "start", "end", "text"]
