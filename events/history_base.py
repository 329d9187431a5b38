"""Which write each historical record belongs to, so one version's changes stay together.

A version of an event is one record of the event itself; its participant and citation changes
are the child records of the same write (the same request, or else the same transaction),
whether the writer saved the event before or after its children. ``history_batch`` names that
write on every historical record; ``events.history`` groups by it.
"""

import hashlib
import uuid

from django.db import models, transaction
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class HistoryBatch(models.Model):
    """Base of the historical models: the write a record belongs to."""

    history_batch = models.CharField(max_length=40, blank=True, default="", editable=False)

    class Meta:
        abstract = True


def current_batch(using: str | None = None) -> str:
    """One name per request; outside requests, one per transaction (and nested atomic block)."""
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None:
        if not hasattr(request, "_history_batch"):
            request._history_batch = uuid.uuid4().hex
        return request._history_batch
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return uuid.uuid4().hex  # autocommit: every save is a write of its own
    state = getattr(connection, "_history_batch", None)
    # The token lives until its transaction commits or rolls back (which drops the callback).
    if state is None or not any(entry[1] is state[1] for entry in connection.run_on_commit):

        def ended() -> None:
            connection._history_batch = None

        transaction.on_commit(ended, using=using)
        state = (uuid.uuid4().hex, ended)
        connection._history_batch = state
    where = f"{state[0]}/{','.join(map(str, connection.savepoint_ids))}"
    return hashlib.sha1(where.encode()).hexdigest()


@receiver(pre_create_historical_record)
def stamp_batch(sender, history_instance, using=None, **kwargs) -> None:
    if isinstance(history_instance, HistoryBatch):
        history_instance.history_batch = current_batch(using)
