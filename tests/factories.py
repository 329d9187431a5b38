"""factory_boy factories: sources go through import_source, like every real source."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from events.models import Actor, ActorKind, Alias, Citation, Event, EventType, Status
from lib.dates import Precision
from sources.models import Source
from sources.services import import_source


class SourceFactory(factory.Factory[Source]):
    """A source with passages, made by ``sources.services.import_source``."""

    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    key = factory.Sequence(lambda n: f"report-{n}")
    text = factory.Sequence(
        lambda n: (
            f"Report number {n} on Russia and Myanmar.\n"
            "\n"
            "Min Aung Hlaing visited Moscow on June 22. He met Sergei Shoigu in Moscow.\n"
            "  The talks covered arms deliveries and the training of officers.  \n"
            "Shoigu called Myanmar a time-tested strategic partner.\n"
        )
    )
    publisher = ""
    published_date = None
    published_precision = Precision.DAY

    @classmethod
    def _create(cls, model_class, text, **kwargs):
        source, _created = import_source(text, **kwargs)
        return source


class ActorFactory(DjangoModelFactory[Actor]):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    kind = ActorKind.PERSON


class AliasFactory(DjangoModelFactory[Alias]):
    class Meta:
        model = Alias

    actor = factory.SubFactory(ActorFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class EventFactory(DjangoModelFactory[Event]):
    """A draft event. ``EventFactory(published=True)`` publishes it with one citation.

    Rows are made directly (setting up a test, not testing a write); a published event has
    its citation, as the writer guarantees.
    """

    class Meta:
        model = Event
        skip_postgeneration_save = True

    class Params:
        published = factory.Trait(
            status=Status.PUBLISHED,
            evidence=factory.RelatedFactory(
                "tests.factories.CitationFactory", factory_related_name="event"
            ),
        )

    title = factory.Sequence(lambda n: f"Event {n}")
    type = EventType.VISIT
    status = Status.DRAFT
    date_start = dt.date(2021, 6, 22)
    date_precision = Precision.DAY


class CitationFactory(DjangoModelFactory[Citation]):
    """A citation of the first sentence of a new source's second passage."""

    class Meta:
        model = Citation

    event = factory.SubFactory(EventFactory)
    passage = factory.LazyFunction(lambda: SourceFactory.create().passages.get(index=1))
    quote = "Min Aung Hlaing visited Moscow on June 22."
    start = 0
    end = factory.LazyAttribute(lambda o: len(o.quote))
    prefix = ""
    suffix = factory.LazyAttribute(lambda o: o.passage.text[o.end : o.end + 32])
