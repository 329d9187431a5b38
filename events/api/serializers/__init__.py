"""API serializers, split by direction: ``read`` for responses, ``write`` for requests."""

from .read import (
    ActorSerializer,
    CitationSerializer,
    EventSerializer,
    SourceDetailSerializer,
    SourceSerializer,
)
from .write import CitationWriteSerializer, EventWriteSerializer

__all__ = [
    "ActorSerializer",
    "CitationSerializer",
    "CitationWriteSerializer",
    "EventSerializer",
    "EventWriteSerializer",
    "SourceDetailSerializer",
    "SourceSerializer",
]
