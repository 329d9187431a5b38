"""Print the proposed events of a source: ``manage.py suggest_events SOURCE`` (key or id)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources.models import Source
from suggestions.services import review


class Command(BaseCommand):
    help = "Print the events proposed from a source's sentences (key or id)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="The source's key or id.")

    def handle(self, *args, source: str, **options) -> None:
        found = Source.objects.by_key_or_id(source).first()
        if found is None:
            raise CommandError(
                f"No source “{source}”: give a source key or id (see /sources/ or /api/sources/)."
            )
        items = review(found)
        for item in items:
            p = item.proposal
            date = p.date.parsed.describe()
            inherited = f" (check: {p.date_origin})" if p.needs_review else ""
            actors = ", ".join(ref.name for ref in p.actor_refs) or "none recognised"
            cues = ", ".join(p.cues) or "no cue words"
            status = item.status
            if item.cited_by:
                status += ": cited by " + "; ".join(e.title for e in item.cited_by)
            elif item.corroborates:
                status += " of " + "; ".join(e.title for e in item.corroborates)
            self.stdout.write(
                f"¶{p.passage_index} {p.start}-{p.end} [{status}]\n"
                f"  “{p.quote}”\n"
                f"  date: {p.date.text} → {date}{inherited}\n"
                f"  actors: {actors}\n"
                f"  type: {p.type} ({cues})\n"
            )
        counts = {
            s: sum(1 for i in items if i.status == s) for s in ("new", "corroboration", "done")
        }
        self.stdout.write(
            f"{len(items)} proposals from “{found.key}”: {counts['new']} new, "
            f"{counts['corroboration']} corroborations, {counts['done']} done."
        )
