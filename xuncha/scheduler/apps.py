from django.apps import AppConfig


class SchedulerConfig(AppConfig):
    name = "xuncha.scheduler"
    label = "scheduler"
    verbose_name = "定时任务"
