from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "xuncha.rectification"
    label = "rectification"
    verbose_name = "整改"

    def ready(self) -> None:
        from .export_jobs import register_exports

        register_exports()
