from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "xuncha.dashboard"
    label = "dashboard"
    verbose_name = "统计看板"
