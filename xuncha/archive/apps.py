from django.apps import AppConfig


def _sealed_rows() -> int:
    """Filed packages are sealed at rest and their manifests signed with the key (xuncha.keys)."""
    from django.db.utils import DatabaseError

    from .models import Filing

    try:
        return Filing.objects.count()
    except DatabaseError:  # not migrated yet
        return 0


class ArchiveConfig(AppConfig):
    name = "xuncha.archive"
    label = "archive"
    verbose_name = "立卷归档"

    def ready(self) -> None:
        from xuncha.keys import register_sealed_data_probe

        register_sealed_data_probe(_sealed_rows)
