"""``GET /api/sources/<id>/suggestions/``: the review queue as JSON (analysts only)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import is_analyst
from events.api.filters import refuse_unknown
from events.api.pagination import page_numbers_asked, page_size_asked, past_the_end
from events.models import EventType
from lib.dates import Precision
from lib.inputs import page_number
from sources.models import Source

from .extract import DateSource
from .services import enrich, review, standings
from .views import accept_url


class IsAnalyst(BasePermission):
    message = "Suggested events are for analysts: sign in, or send 'Authorization: Token <key>'."

    def has_permission(self, request, view) -> bool:
        return is_analyst(request.user)


class DateAnchorSerializer(serializers.Serializer):
    text = serializers.CharField()
    passage = serializers.IntegerField(allow_null=True, help_text="Its passage's index.")
    start = serializers.IntegerField(help_text="Offset in that passage.")
    end = serializers.IntegerField()


class DateSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The date expression as written.")
    passage = serializers.IntegerField(help_text="Index of the passage it is written in.")
    start = serializers.IntegerField(help_text="Offset of the expression in that passage.")
    end = serializers.IntegerField()
    date_start = serializers.DateField(source="parsed.start")
    date_end = serializers.DateField(source="parsed.end", allow_null=True)
    precision = serializers.ChoiceField(choices=Precision.choices, source="parsed.precision")
    approximate = serializers.BooleanField(source="parsed.approximate")
    display = serializers.CharField(help_text='Human form, e.g. "22–24 June 2021".')
    inherited = serializers.BooleanField(
        help_text="True when the date is an earlier sentence's, an earlier paragraph's or "
        "the chronology entry's, not the sentence's own."
    )
    # A field named like Field.source: DRF's metaclass takes declared fields off the class.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=DateSource.choices,
        help_text="Where the date was read: written in the sentence; counted from a date "
        "written elsewhere (anchor, e.g. 'the next day'); an earlier sentence of the "
        "paragraph; the chronology entry; an earlier paragraph's (context: the last date the "
        "text reported, for a sentence that tells a happening and writes no date).",
    )
    needs_review = serializers.BooleanField(
        help_text="True when the date is not written in the sentence: an analyst checks it."
    )
    origin = serializers.CharField(
        help_text="Where the date comes from, in words ('' if the sentence)."
    )
    anchor = DateAnchorSerializer(
        allow_null=True, help_text="The date a narrative expression was counted from."
    )


class ActorMentionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    text = serializers.CharField(help_text="The spelling in the sentence (name or alias).")
    start = serializers.IntegerField(help_text="Offset in the passage.")
    end = serializers.IntegerField()


class SuggestionEventRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ProposalSerializer(serializers.Serializer):
    # "standing", not "status": an enum named "status" would collide with the events' one.
    standing = serializers.ChoiceField(
        choices=["new", "corroboration", "done"],
        help_text="done: the sentence is already cited (not only for the dates of its other "
        "proposals: see cited_for_other_dates); corroboration: an event with an overlapping "
        "date shares its actors; new: neither.",
    )
    passage_id = serializers.IntegerField()
    passage = serializers.IntegerField(help_text="The passage's index in the source.")
    start = serializers.IntegerField(help_text="Offset of the sentence in the passage.")
    end = serializers.IntegerField()
    quote = serializers.CharField(help_text="The sentence, verbatim: the citation.")
    date = DateSerializer()
    actors = ActorMentionSerializer(many=True)
    type = serializers.ChoiceField(choices=EventType.choices)
    cues = serializers.ListField(child=serializers.CharField())
    corroborates = SuggestionEventRefSerializer(many=True)
    cited_by = SuggestionEventRefSerializer(
        many=True, help_text="Events citing the sentence: the proposal is done."
    )
    cited_for_other_dates = SuggestionEventRefSerializer(
        many=True,
        help_text="Events citing the sentence only for the dates of its other proposals: a "
        "sentence may report two events, and this one is still to review.",
    )
    accept_url = serializers.CharField(help_text="The event form, prefilled.")


def _proposal_data(item) -> dict:
    p = item.proposal
    return {
        "standing": item.status,
        "passage_id": p.passage_id,
        "passage": p.passage_index,
        "start": p.start,
        "end": p.end,
        "quote": p.quote,
        "date": {
            "text": p.date.text,
            "passage": p.date_passage_index,
            "start": p.date.start,
            "end": p.date.end,
            "parsed": p.date.parsed,
            "display": p.date.parsed.describe(),
            "inherited": p.inherited,
            "source": p.date_source,
            "needs_review": p.needs_review,
            "origin": p.date_origin,
            "anchor": p.date.anchor,
        },
        "actors": [
            {
                "id": m.actor.id,
                "name": m.actor.name,
                "slug": m.actor.slug,
                "text": m.text,
                "start": m.start,
                "end": m.end,
            }
            for m in p.participants
        ],
        "type": p.type,
        "cues": list(p.cues),
        "corroborates": [{"id": e.pk, "title": e.title} for e in item.corroborates],
        "cited_by": [{"id": e.pk, "title": e.title} for e in item.cited_by],
        "cited_for_other_dates": [
            {"id": e.pk, "title": e.title} for e in item.cited_for_other_dates
        ],
        "accept_url": accept_url(p),
    }


@extend_schema(
    operation_id="sources_suggestions",
    summary="Events proposed from a source's sentences",
    description=(
        "Every dated sentence of the source that names an actor or suggests a kind of event, "
        "not dismissed, with its standing (new, corroboration of an event, or done). "
        "Analysts only."
    ),
    parameters=[
        OpenApiParameter(
            "page",
            {"type": "integer", "minimum": 1},
            description="Page through the proposals: without page or page_size, every "
            "proposal (the list as always); with them, that page, 'Link' naming the next and "
            "previous, 'X-Total-Count' the number of proposals.",
        ),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1},
            description="Proposals a page: 50 unless given; more than 500 is 500.",
        ),
    ],
    responses={
        200: ProposalSerializer(many=True),
        400: OpenApiResponse(description="page or page_size is no whole number from 1."),
        401: OpenApiResponse(description="Not signed in (send 'Authorization: Token <key>')."),
        403: OpenApiResponse(description="Signed in, but not an analyst."),
        404: OpenApiResponse(description="No source with this id."),
    },
)
@api_view(["GET"])
@permission_classes([IsAnalyst])
def source_suggestions(request: Request, pk: int) -> Response:
    refuse_unknown(request, {"page", "page_size"})
    source = get_object_or_404(Source, pk=pk)
    # Paged only when asked (``?page=``, empty too, is the first page); read and checked as
    # the events list reads them (``events.api.pagination``), before the (costly) review.
    paged = "page" in request.query_params or "page_size" in request.query_params
    number = size = 0
    asked = ""
    if paged:
        asked = page_numbers_asked(request.query_params)[-1]
        number = page_number(asked) or 1  # (a page number: checked)
        size = page_size_asked(request.query_params)
    # A page compares only its proposals with the events (``enrich``); which are done, and so
    # their order and count, needs none of that. The whole list is every proposal's review.
    items = standings(source).reviews if paged else review(source)
    headers = {"X-Total-Count": str(len(items))}
    if paged:
        pages = max(1, -(-len(items) // size))
        if number > pages:
            raise NotFound(past_the_end(asked, len(items), "proposals", size))
        links = []
        if number > 1:
            links.append(f'<{_page_url(request, number - 1)}>; rel="prev"')
        if number < pages:
            links.append(f'<{_page_url(request, number + 1)}>; rel="next"')
        if links:
            headers["Link"] = ", ".join(links)
        items = enrich(items[(number - 1) * size : number * size])
    data = ProposalSerializer([_proposal_data(i) for i in items], many=True).data
    return Response(data, headers=headers)


def _page_url(request: Request, number: int) -> str:
    query = request.query_params.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
