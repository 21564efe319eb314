from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.audit.selectors import audit_chain_verify
from xuncha.core.crypto import KeyError_


class Command(BaseCommand):
    help = ("Verify the audit chain (HMAC-SM3 with the audit key) and compare it with the anchors of the anchor file "
            "and of copies given with --anchors; names every event or anchor that does not match. Exit status 1 on any problem.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--anchors", action="append", default=[], metavar="FILE", type=Path,
                            help="a copy of anchors kept elsewhere (the anchor file or a downloaded daily anchor); may repeat")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = audit_chain_verify(anchor_files=options["anchors"])
        except KeyError_ as exc:
            raise CommandError(str(exc)) from None
        if not report.ok:
            raise CommandError(report.message())
        self.stdout.write(report.message())
