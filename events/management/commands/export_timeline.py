import json

from django.core.management.base import BaseCommand

from events.interchange import dump


class Command(BaseCommand):
    help = "Write the whole database in the interchange format to standard output."

    def handle(self, *args, **options) -> None:
        self.stdout.write(json.dumps(dump(), ensure_ascii=False, indent=2))
