"""Learning from the team's confirmed labels: the background retraining job, the active model, and
the triage of a report right after its registration commits."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from xuncha.accounts.models import User
from xuncha.intake import services as intake
from xuncha.triage import classifier, services
from xuncha.triage.models import ClassifierModel, Triage

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "corpus" / "reports" / "eval.jsonl"


@pytest.fixture(autouse=True)
def _model_dir(settings, tmp_path) -> None:
    settings.CLASSIFIER_DIR = tmp_path / "models"
    classifier._loaded.clear()


def labelled(n: int) -> list[dict]:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["split"] != "eval"][:n]


def confirm_corpus(register, n: int) -> None:
    member = User.objects.get(username="member")
    for row in labelled(n):
        report = register(row["text"])
        services.labels_confirm(actor=member, report=report, disciplines=row["disciplines"], focuses=row["focuses"])


def test_no_model_before_enough_confirmed_labels(register) -> None:
    confirm_corpus(register, 10)
    assert classifier.classifier_retrain() is None
    assert classifier.active_model() is None
    assert not classifier.retrain_due()


def test_retraining_makes_a_model_that_new_reports_use(register) -> None:
    confirm_corpus(register, 80)
    assert classifier.retrain_due()
    row = classifier.classifier_retrain()
    assert row is not None and row.trained_on == 80 and Path(row.path).exists()
    model = classifier.active_model()
    assert model is not None and model.is_trained and model.model_id == row.model_id
    report = register("财务处处长收受供应商购物卡和茅台酒，请巡察组调查。")
    t = Triage.objects.get(pk=report.pk)
    assert t.model_id == row.model_id
    integrity = next(e for e in t.proposal["disciplines"] if e["code"] == "integrity")
    assert integrity["sources"]["model"] is not None
    assert not classifier.retrain_due()


def test_confirming_labels_triggers_the_background_job_when_due(register, settings, django_capture_on_commit_callbacks) -> None:
    settings.CLASSIFIER_RETRAIN_EVERY = 40
    member = User.objects.get(username="member")
    rows = labelled(45)
    for i, row in enumerate(rows):
        report = register(row["text"])
        with django_capture_on_commit_callbacks(execute=True):
            services.labels_confirm(actor=member, report=report, disciplines=row["disciplines"], focuses=row["focuses"])
        assert ClassifierModel.objects.exists() == (i + 1 >= 40), i
    assert ClassifierModel.objects.count() == 1


def test_old_model_files_are_pruned(register) -> None:
    confirm_corpus(register, 40)
    paths = [Path(classifier.classifier_retrain().path) for _ in range(classifier.KEEP_FILES + 1)]
    assert ClassifierModel.objects.count() == classifier.KEEP_FILES
    assert not paths[0].exists() and all(p.exists() for p in paths[1:])


def test_a_registered_report_is_triaged_after_commit(seed000, django_capture_on_commit_callbacks) -> None:
    member = User.objects.get(username="member")
    with django_capture_on_commit_callbacks(execute=True):
        report = intake.report_register(actor=member, data=intake.ReportInput(
            inspection=seed000, content="副院长赵某收受礼金", kind="email", channel=seed000.channels.get(kind="email"),
            received_at=dt.datetime(2024, 9, 26, 2, tzinfo=dt.UTC))).report
    t = Triage.objects.get(pk=report.pk)
    assert "integrity" in t.discipline_codes and t.group_key == report.pk
