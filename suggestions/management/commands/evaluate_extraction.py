"""Print precision and recall of extraction against the labelled sets in tests/extraction/."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from suggestions.evaluation import DEV_LABELS, LABELS, TIMELINE, combine, evaluate, evaluate_dev


class Command(BaseCommand):
    help = (
        "Measure date expressions (exact span, start, end, precision) and proposed events "
        "against the hand-labelled sets: the five sample articles, then the development set "
        "(tests/extraction/dev/, per article and in all) when it is there, then the whole set "
        "(both as one, the set the targets are on)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--labels", type=Path, default=LABELS)
        parser.add_argument("--timeline", type=Path, default=TIMELINE)
        parser.add_argument(
            "--dev",
            type=Path,
            default=DEV_LABELS,
            help="The development set's labels.json (its articles are beside it).",
        )
        parser.add_argument("--only-dev", action="store_true", help="Only the development set.")

    def handle(self, *args, labels: Path, timeline: Path, dev: Path, only_dev: bool, **options):
        samples = None
        if not only_dev:
            samples = evaluate(labels, timeline)
            self.stdout.write(samples.report())
        if dev.exists():
            if not only_dev:
                self.stdout.write("")
            development = evaluate_dev(dev, timeline)
            self.stdout.write(development.report())
            if samples is not None:
                self.stdout.write("")
                self.stdout.write(combine(samples, development).report())
        else:
            self.stdout.write(f"No development set at {dev}.")
