from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "xuncha.inspections"
    label = "inspections"
    verbose_name = "巡察任务"
