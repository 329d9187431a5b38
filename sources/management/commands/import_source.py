from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lib.dates import DateTextError
from sources.services import SourceError, decode_text, import_source, read_published


class Command(BaseCommand):
    help = "Import a UTF-8 plain-text article as a source, split into passages. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--title", help="Defaults to the first line of the text.")
        parser.add_argument("--key", default="", help="Stable short name; made from the title.")
        parser.add_argument("--publisher", default="")
        parser.add_argument("--author", default="")
        parser.add_argument("--url", default="")
        parser.add_argument(
            "--published",
            default="",
            help='Publication date as written: "22 June 2021", "June 2021".',
        )

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        try:
            text = decode_text(path.read_bytes(), path.name)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        except SourceError as exc:
            raise CommandError(f"Nothing imported: {exc}") from None
        published = None
        if options["published"]:
            import datetime as dt

            try:
                # As on the new source page: never counted from the day it is run.
                published = read_published(options["published"], dt.date.today())
            except DateTextError as exc:
                raise CommandError(f"--published: {exc}") from None
        title = options["title"] or text.strip().splitlines()[0][:500]
        source, created = import_source(
            text,
            title=title,
            key=options["key"],
            publisher=options["publisher"],
            author=options["author"],
            url=options["url"],
            published_date=published.start if published else None,
            published_precision=published.precision if published else "day",
        )
        verb = "Imported" if created else "Already imported"
        self.stdout.write(
            f"{verb}: source {source.pk} “{source.key}” with {source.passages.count()} passages."
        )
