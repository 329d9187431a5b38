from django.contrib import admin

from .models import Dismissal


@admin.register(Dismissal)
class DismissalAdmin(admin.ModelAdmin):
    list_display = ["passage", "start", "end", "user", "created"]
    list_filter = ["passage__source"]
    search_fields = ["passage__text", "passage__source__key"]
    raw_id_fields = ["passage"]
