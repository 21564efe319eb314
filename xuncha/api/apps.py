from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "xuncha.api"
    label = "api"
    verbose_name = "接口"
