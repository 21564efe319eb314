from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xuncha.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the SM3 hash chain of the audit log; names the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if not report.ok:
            raise CommandError(report.message())
        self.stdout.write(report.message())
