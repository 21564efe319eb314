from typing import Any

from django.apps import AppConfig


def _triage_registered_report(sender: Any, report_id: int, **kwargs: Any) -> None:
    """A new report committed (xuncha.intake.signals.report_registered): classification, scope and
    duplicate grouping in the background (Celery; inline when eager)."""
    from .tasks import report_triage_task

    report_triage_task.delay(report_id)


class TriageConfig(AppConfig):
    name = "xuncha.triage"
    label = "triage"
    verbose_name = "分类处置"

    def ready(self) -> None:
        from xuncha.intake.signals import report_content_read, report_registered

        report_registered.connect(_triage_registered_report, dispatch_uid="triage.report_registered")
        # The text of its letter was read (OCR) or confirmed: classify, scope and group it again on the text.
        report_content_read.connect(_triage_registered_report, dispatch_uid="triage.report_content_read")
