from django.apps import AppConfig


def _sealed_rows() -> int:
    """Reports (each has a receipt-code HMAC, many sealed identities) and mailboxes (sealed passwords)."""
    from django.db.utils import DatabaseError

    from .models import Mailbox, Report

    try:
        return Report.objects.count() + Mailbox.objects.exclude(password_sealed="").count()
    except DatabaseError:  # not migrated yet: nothing sealed
        return 0


class IntakeConfig(AppConfig):
    name = "xuncha.intake"
    label = "intake"
    verbose_name = "信访受理"

    def ready(self) -> None:
        from xuncha.keys import register_sealed_data_probe

        register_sealed_data_probe(_sealed_rows)
