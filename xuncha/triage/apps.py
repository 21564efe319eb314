from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "xuncha.triage"
    label = "triage"
    verbose_name = "分类处置"
