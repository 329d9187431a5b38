import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.interchange import LoadError, load


class Command(BaseCommand):
    help = (
        "Load sources, actors and events in the interchange format (default: the curated timeline)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            default=str(settings.FIXTURES_DIR / "timeline.json"),
            help="JSON file; text_file paths in it are relative to its folder.",
        )

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path} is not UTF-8 JSON: {exc}.") from None
        try:
            stats = load(data, base_dir=path.parent)
        except LoadError as exc:
            raise CommandError(f"Nothing loaded from {path}: {exc}") from None
        if options["verbosity"]:
            self.stdout.write(
                f"Loaded {path.name}: {stats['created']} events created, "
                f"{stats['updated']} updated, {stats['unchanged']} unchanged."
            )
