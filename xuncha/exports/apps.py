from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "xuncha.exports"
    label = "exports"
    verbose_name = "导出"

    def ready(self) -> None:
        from .platform_kinds import register_platform_exports

        register_platform_exports()
