from typing import Any

from django.apps import AppConfig


def _triage_read_report(sender: Any, report_id: int, **kwargs: Any) -> None:
    """The text of a report was read (OCR) or confirmed: classification and scope again, and its duplicate
    group if it had no text to group on, in the background (Celery; inline when eager)."""
    from .tasks import report_triage_task

    report_triage_task.delay(report_id)


class TriageConfig(AppConfig):
    name = "xuncha.triage"
    label = "triage"
    verbose_name = "分类处置"

    def ready(self) -> None:
        from xuncha.intake.signals import report_content_read, report_registered

        from .drain import report_registered as drain_report_registered

        # A new report: triaged after the response by the drain (drain.py), or inline (settings.TRIAGE_MODE).
        report_registered.connect(drain_report_registered, dispatch_uid="triage.report_registered")
        # The text of its letter was read (OCR) or confirmed: classify, scope and group it again on the text.
        report_content_read.connect(_triage_read_report, dispatch_uid="triage.report_content_read")
