"""Signal receivers: proposals are computed as soon as a source is imported."""

import logging

from django.db import transaction

from sources.models import Source

from .services import proposals_for_source

logger = logging.getLogger(__name__)


def warm_proposals(sender, source: Source, **kwargs) -> None:
    """Compute (and cache) the new source's proposals once the import is committed.

    Proposals are a cache: a failure here is logged and never undoes or fails the import.
    """

    def compute() -> None:
        try:
            proposals_for_source(source)
        except Exception:  # logged: the queue recomputes on demand
            logger.exception("Could not compute the proposals of source %s", source.pk)

    transaction.on_commit(compute)
