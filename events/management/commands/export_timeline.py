from django.core.management.base import BaseCommand

from events.interchange import dump_pieces


class Command(BaseCommand):
    help = "Write the whole database in the interchange format to standard output."

    def handle(self, *args, **options) -> None:
        # Streamed: the same bytes as json.dumps(dump(), ensure_ascii=False, indent=2), a
        # chunk of events at a time, so a million events need no more memory than a hundred.
        for piece in dump_pieces():
            self.stdout.write(piece, ending="")
        self.stdout.write("")
