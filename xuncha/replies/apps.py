from django.apps import AppConfig


class RepliesConfig(AppConfig):
    name = "xuncha.replies"
    label = "replies"
    verbose_name = "答复"
