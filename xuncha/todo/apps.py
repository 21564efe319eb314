from django.apps import AppConfig


class TodoConfig(AppConfig):
    name = "xuncha.todo"
    label = "todo"
    verbose_name = "我的待办"
