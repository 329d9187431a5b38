"""Signals of the sources app."""

from django.dispatch import Signal

# Sent by ``sources.services.import_source`` when a new source and its passages are stored,
# with ``source=<Source>``; not sent when the same text was already imported.
source_imported = Signal()
