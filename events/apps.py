from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(using: str = "default", **kwargs) -> None:
    """The database cache's table (``CACHE_URL=db://…``, the default), made by every
    ``migrate``: the cached counts (``events.counts``) live there. Does nothing when it exists
    or when the cache is elsewhere."""
    call_command("createcachetable", database=using, verbosity=0)


class EventsConfig(AppConfig):
    """Events, actors, citations; the timeline and its counts."""

    name = "events"

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="events-cache-table")
