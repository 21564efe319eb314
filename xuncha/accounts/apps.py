from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xuncha.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .sessions import note_login

        user_logged_in.connect(note_login, dispatch_uid="xuncha.accounts.note_login")
