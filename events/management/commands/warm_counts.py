import time

from django.core.management.base import BaseCommand

from events import counts


class Command(BaseCommand):
    help = (
        "Compute and cache the counts of the unfiltered timeline and /actors/ (load_timeline "
        "does it after an import; run it after other writes on a large archive)."
    )

    def handle(self, *args, **options) -> None:
        began = time.monotonic()
        counts.warm()
        if options["verbosity"]:
            self.stdout.write(f"Counts warmed in {time.monotonic() - began:.1f} s.")
