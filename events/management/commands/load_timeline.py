import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from events.interchange import LoadError, load
from events.positions import PositionLoadError, load_positions


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
        # Titles and who held them: positions.json beside the file, when there is one.
        positions = path.parent / "positions.json"
        try:
            with transaction.atomic():
                stats = load(data, base_dir=path.parent)
                if positions.is_file() and positions != path:
                    held = load_positions(json.loads(positions.read_text(encoding="utf-8")))
                    if options["verbosity"] > 1:
                        self.stdout.write(
                            f"Loaded {positions.name}: {held['posts']} posts and "
                            f"{held['positions']} positions created or changed."
                        )
        except (LoadError, PositionLoadError) as exc:
            raise CommandError(f"Nothing loaded from {path}: {exc}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{positions} is not UTF-8 JSON: {exc}.") from None
        if options["verbosity"]:
            self.stdout.write(
                f"Loaded {path.name}: {stats['created']} events created, "
                f"{stats['updated']} updated, {stats['unchanged']} unchanged."
            )
