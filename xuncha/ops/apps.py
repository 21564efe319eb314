from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "xuncha.ops"
    label = "ops"
    verbose_name = "运维"
