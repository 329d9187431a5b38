from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "suggestions"
    verbose_name = "suggested events"

    def ready(self) -> None:
        from sources.signals import source_imported

        from . import receivers

        source_imported.connect(receivers.warm_proposals, dispatch_uid="suggestions-warm")
