from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "xuncha.aftercare"
    label = "aftercare"
    verbose_name = "整改公开、评估与回头看"
