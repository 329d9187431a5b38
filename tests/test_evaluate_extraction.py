"""Extraction measured against the hand-labelled set (tests/extraction/labels.json)."""

import json

import pytest

from suggestions.evaluation import LABELS, TIMELINE, corpus_passages, evaluate, evaluate_dev
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


def test_at_least_90_percent_of_curated_events_are_proposed(evaluation):
    assert evaluation.event_recall.total == 65
    assert evaluation.event_recall.ratio >= 0.90, evaluation.report()


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


# --- The development set (tests/extraction/dev): articles the extractor was not built from ---


@pytest.fixture(scope="module")
def dev_evaluation():
    return evaluate_dev()


def test_dev_set_dates_are_read_exactly_95_percent_of_the_time(dev_evaluation):
    assert dev_evaluation.date_recall.total >= 150
    assert dev_evaluation.date_recall.ratio >= 0.95, dev_evaluation.report()


def test_dev_set_has_no_silent_misreading(dev_evaluation):
    # Every expression is either read to the labelled date, or refused with a message.
    assert dev_evaluation.silent_misreadings == [], dev_evaluation.report()


def test_dev_set_labelled_events_are_proposed_with_the_right_date(dev_evaluation):
    assert dev_evaluation.event_recall_dated.ratio >= 0.90, dev_evaluation.report()
    assert dev_evaluation.event_recall_exact.ratio >= 0.88, dev_evaluation.report()


def test_dev_set_false_proposals_are_at_most_15_percent(dev_evaluation):
    assert dev_evaluation.false_proposals.ratio <= 0.15, dev_evaluation.report()


def test_dev_set_is_reported_per_article(dev_evaluation):
    report = dev_evaluation.report()
    assert len(dev_evaluation.articles) >= 12
    for article in dev_evaluation.articles:
        assert f"  {article.key}: dates " in report


def test_the_samples_are_no_worse_than_before_the_news_reader(evaluation):
    # 97.3% / 96.9% / 7.1% before issue 11.
    assert evaluation.date_recall.ratio >= 0.973
    assert evaluation.event_recall.ratio >= 0.969
    assert evaluation.false_proposals.ratio <= 0.071


def test_evaluate_extraction_prints_the_development_set_per_article():
    out = run("evaluate_extraction")
    assert "Development set" in out
    assert "Per article" in out
    assert "silent misreadings (read, but not the labelled date): " in out
