"""Print precision and recall of extraction against the labelled set in tests/extraction/."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from suggestions.evaluation import LABELS, TIMELINE, evaluate


class Command(BaseCommand):
    help = (
        "Measure date expressions (exact span, start, end, precision) and proposed events "
        "against the hand-labelled set for the five sample articles."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--labels", type=Path, default=LABELS)
        parser.add_argument("--timeline", type=Path, default=TIMELINE)

    def handle(self, *args, labels: Path, timeline: Path, **options) -> None:
        self.stdout.write(evaluate(labels, timeline).report())
