from django.conf import settings
from django.db import models

from sources.models import Passage


class Dismissal(models.Model):
    """A proposed sentence an analyst dismissed: it is not proposed again.

    Keyed by passage and offsets, which are stable: passages depend only on the source text,
    and a source's text never changes once imported.
    """

    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="dismissals")
    start = models.PositiveIntegerField(help_text="Offset of the sentence in the passage.")
    end = models.PositiveIntegerField(help_text="Offset just past the sentence in the passage.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["passage", "start"]
        constraints = [
            # One dismissal per sentence; also serves "dismissed sentences of a source".
            models.UniqueConstraint(
                fields=["passage", "start", "end"], name="dismissal_unique_span"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="dismissal_nonempty_span"
            ),
        ]

    def __str__(self) -> str:
        return f"dismissed {self.passage} {self.start}–{self.end}"
