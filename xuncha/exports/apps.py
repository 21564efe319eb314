from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "xuncha.exports"
    label = "exports"
    verbose_name = "导出"
