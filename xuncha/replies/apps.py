from django.apps import AppConfig


class RepliesConfig(AppConfig):
    name = "xuncha.replies"
    label = "replies"
    verbose_name = "答复"

    def ready(self) -> None:
        from .bulk import register_bulk_actions

        register_bulk_actions()
