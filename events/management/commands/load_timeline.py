import json
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError, connection, transaction

from events import counts
from events.bulk import REBUILD_MIN, vacuum_analyze
from events.interchange import LoadError, NotJSON, load_file
from events.positions import PositionLoadError, load_positions


class ProgressBar:
    """Events staged, rate and time left, redrawn on one terminal line.

    ``done`` is the share of the file read so far: only the events section grows with N.
    """

    def __init__(self, stream) -> None:
        self.stream = stream
        self.began = time.monotonic()
        self.last = 0.0

    def __call__(self, events: int, done: float) -> None:
        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last = now
        elapsed = max(now - self.began, 1e-6)
        rate = events / elapsed
        left = elapsed * (1 - done) / done if done > 0.01 else None
        eta = time.strftime("%H:%M:%S", time.gmtime(left)) if left is not None else "--:--:--"
        width = 30
        bar = "#" * int(done * width)
        self.stream.write(f"\r[{bar:<{width}}] {events:>10,} events  {rate:>8,.0f}/s  {eta} left ")
        self.stream.flush()

    def phase(self, text: str) -> None:
        self.last = 0.0
        self.stream.write(f"\n{text}…")
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


# PostgreSQL's codes for a statement the server stopped: query_canceled (an administrator's
# pg_cancel_backend or statement_timeout), deadlock_detected, lock_not_available.
STOPPED = {"57014", "40P01", "55P03"}


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
        parser.add_argument(
            "--indexes",
            choices=["auto", "keep", "rebuild"],
            default="auto",
            help="PostgreSQL: 'rebuild' writes the events without their indexes and foreign "
            "keys and rebuilds them at the end (faster for a large load, but the event tables "
            "are locked against readers until it commits); 'keep' maintains them row by row "
            "(the site stays readable); 'auto' (the default) rebuilds when the file adds at "
            f"least {REBUILD_MIN:,} events and at least as many as are stored.",
        )

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Cannot read {path}: No such file or directory.")
        progress = None
        if options["verbosity"] and sys.stderr.isatty():
            progress = ProgressBar(sys.stderr)
        began = time.monotonic()
        timings: dict[str, float] = {}
        # Titles and who held them: positions.json beside the file, when there is one.
        positions = path.parent / "positions.json"
        try:
            with transaction.atomic():
                stats = load_file(
                    path,
                    progress=progress,
                    statistics=False,
                    timings=timings,
                    rebuild={"auto": None, "keep": False, "rebuild": True}[options["indexes"]],
                )
                if positions.is_file() and positions != path:
                    held = load_positions(json.loads(positions.read_text(encoding="utf-8")))
                    if options["verbosity"] > 1:
                        self.stdout.write(
                            f"Loaded {positions.name}: {held['posts']} posts and "
                            f"{held['positions']} positions created or changed."
                        )
                committing = time.monotonic()
            timings["commit (deferred foreign-key checks)"] = time.monotonic() - committing
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        except NotJSON as exc:
            raise CommandError(f"{path} is not UTF-8 JSON (or it is cut short): {exc}") from None
        except (LoadError, PositionLoadError) as exc:
            raise CommandError(f"Nothing loaded from {path}: {exc}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{positions} is not UTF-8 JSON: {exc}.") from None
        except OperationalError as exc:
            # The server ended a statement of the load (cancelled by an administrator or a
            # timeout, a deadlock, a lock it could not get): the transaction is rolled back.
            if getattr(exc.__cause__, "pgcode", None) not in STOPPED:
                raise
            reason = str(exc).strip().splitlines()[0]
            raise CommandError(
                f"Nothing loaded from {path}: the database stopped the load ({reason}); "
                "load it again."
            ) from None
        finally:
            if progress is not None:
                progress.done()
        # After the commit: VACUUM cannot run in a transaction (inside one, ANALYZE only).
        # Not when no event was written (a reload of the same file).
        written = stats["created"] or stats["updated"]
        after = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        if progress is not None and written:
            progress.phase(f"{after} of the tables written")
            progress.done()
        committed = time.monotonic()
        if written:
            vacuum_analyze()
            timings[after] = time.monotonic() - committed
        if options["verbosity"]:
            seconds = time.monotonic() - began
            total = sum(stats.values())
            rate = f" in {seconds:.1f} s ({total / seconds:,.0f} events/s" if total > 1000 else ""
            if rate:
                rate += (
                    f"; {time.monotonic() - committed:.1f} s of it {after} after the commit)"
                    if written
                    else ")"
                )
            self.stdout.write(
                f"Loaded {path.name}: {stats['created']} events created, "
                f"{stats['updated']} updated, {stats['unchanged']} unchanged{rate}."
            )
        if options["verbosity"] > 1:
            for step, seconds in timings.items():
                self.stdout.write(f"  {step}: {seconds:.1f} s")
        # The first visitor after an import finds the unfiltered counts ready (events.counts);
        # not part of the import's rate above.
        counts.warm()
