from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lib.dates import DateTextError, Reference, parse_date_text
from sources.forms import reads_against_today
from sources.services import SourceError, decode_text, import_source


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
                # Read against no date, as on the new source page: a publication date is
                # what the text's "yesterday" is read against, never counted from today.
                today = dt.date.today()
                published = parse_date_text(options["published"], Reference(today, known=False))
            except DateTextError as exc:
                if reads_against_today(options["published"], today):
                    raise CommandError(
                        f"--published: “{options['published']}” is counted from the day it is "
                        "read, and a source's date is what its own “yesterday” and “on Monday” "
                        "are read against: write the date the source gives, with its year, such "
                        "as “22 June 2021”."
                    ) from None
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
