from django.apps import AppConfig


class FinderConfig(AppConfig):
    name = "xuncha.finder"
    label = "finder"
    verbose_name = "查找"
