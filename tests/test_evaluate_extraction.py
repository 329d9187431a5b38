"""Extraction measured against the hand-labelled set (tests/extraction/labels.json)."""

import json

import pytest

from suggestions.evaluation import LABELS, TIMELINE, corpus_passages, evaluate
from suggestions.extract import split_sentences
from tests.conftest import CORPUS_DIR, run


@pytest.fixture(scope="module")
def evaluation():
    return evaluate()


def test_at_least_95_percent_of_date_expressions_are_resolved_exactly(evaluation):
    assert evaluation.date_recall.total >= 70
    assert evaluation.date_recall.ratio >= 0.95, evaluation.report()


def test_found_date_expressions_are_exact_95_percent_of_the_time(evaluation):
    assert evaluation.date_precision.ratio >= 0.95, evaluation.report()


@pytest.mark.xfail(
    strict=True,
    reason="The completed timeline (issue 11) records 22 more events, 15 of them reported in "
    "sentences without a date of their own (anchors such as 'since the coup', 'After the coup', "
    "'now', a chronology entry): the extractor proposes 72 of 87 (82.8%).",
)
def test_at_least_90_percent_of_curated_events_are_proposed(evaluation):
    assert evaluation.event_recall.ratio >= 0.90, evaluation.report()


def test_every_curated_event_counts_in_the_recall(evaluation):
    timeline = json.loads(TIMELINE.read_text(encoding="utf-8"))
    assert evaluation.event_recall.total == len(timeline["events"]) == 87


def test_at_most_one_proposal_in_five_is_false(evaluation):
    assert evaluation.false_proposals.total > 0
    assert evaluation.false_proposals.ratio <= 0.20, evaluation.report()


def test_the_labels_point_at_real_text_and_curated_events():
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    timeline = json.loads(TIMELINE.read_text(encoding="utf-8"))
    curated = {(e["title"], e["date"]["start"]) for e in timeline["events"]}
    assert len(labels["sources"]) == 5
    for source in labels["sources"]:
        passages = corpus_passages(CORPUS_DIR / source["file"])
        for item in source["dates"]:
            assert item["text"] in passages[item["passage"]].text, item
            assert item["precision"] in {"day", "month", "year"}
        for sentence in source["sentences"]:
            text = passages[sentence["passage"]].text
            starts = {text[a:b][:50] for a, b in split_sentences(text)}
            assert sentence["sentence"] in starts, sentence
            for event in sentence["events"]:
                assert (event["title"], event["start"]) in curated, event


def test_evaluate_extraction_prints_precision_and_recall():
    out = run("evaluate_extraction")
    assert "Date expressions (exact span, start, end and precision)" in out
    assert "recall    labelled expressions resolved exactly: " in out
    assert "curated events proposed  curated events: " in out
    assert "false proposals          proposals: " in out
