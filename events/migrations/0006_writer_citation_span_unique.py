"""A span is cited once per event: drop exact duplicates (keeping the oldest), then enforce it."""

from importlib import import_module

from django.db import migrations, models
from django.db.models import Count, Min

triggers = import_module("events.migrations.0002_citation_verbatim_triggers")


def sqlite_triggers(statements: list[str]):
    """SQLite adds a constraint by rebuilding the table, which its triggers don't survive."""

    def apply(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


DROP = sqlite_triggers(triggers.SQLITE_BACKWARD)
CREATE = sqlite_triggers(triggers.SQLITE_FORWARD)


def drop_duplicate_citations(apps, schema_editor) -> None:
    Citation = apps.get_model("events", "Citation")
    repeated = (
        Citation.objects.values("event_id", "passage_id", "start", "end")
        .annotate(n=Count("id"), first=Min("id"))
        .filter(n__gt=1)
    )
    for span in repeated.iterator():
        Citation.objects.filter(
            event_id=span["event_id"],
            passage_id=span["passage_id"],
            start=span["start"],
            end=span["end"],
        ).exclude(id=span["first"]).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0005_history")]

    operations = [
        migrations.RunPython(drop_duplicate_citations, migrations.RunPython.noop),
        migrations.RunPython(DROP, CREATE),
        migrations.AddConstraint(
            model_name="citation",
            constraint=models.UniqueConstraint(
                fields=("event", "passage", "start", "end"), name="citation_span_once_per_event"
            ),
        ),
        migrations.RunPython(CREATE, DROP),
    ]
