"""A span is cited once per event: drop exact duplicates (keeping the oldest), then enforce it."""

from django.db import migrations, models
from django.db.models import Count, Min


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
        migrations.AddConstraint(
            model_name="citation",
            constraint=models.UniqueConstraint(
                fields=("event", "passage", "start", "end"), name="citation_span_once_per_event"
            ),
        ),
    ]
