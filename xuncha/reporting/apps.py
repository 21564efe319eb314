from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "xuncha.reporting"
    label = "reporting"
    verbose_name = "巡察报告与反馈"

    def ready(self) -> None:
        from xuncha.rectification.services import register_feedback_from_report

        from .services import feedback_from_report

        register_feedback_from_report(feedback_from_report)
