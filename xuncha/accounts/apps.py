from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xuncha.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from .sessions import note_login, note_logout

        user_logged_in.connect(note_login, dispatch_uid="xuncha.accounts.note_login")
        user_logged_out.connect(note_logout, dispatch_uid="xuncha.accounts.note_logout")
