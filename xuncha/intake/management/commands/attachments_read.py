from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xuncha.intake.reading import attachments_read_pending


class Command(BaseCommand):
    help = "Read the text of attachments still waiting for it (OCR of scans, text layers of PDFs and Office files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = attachments_read_pending(options["limit"])
        self.stdout.write(f"识别完成 {counts['done']} 个附件，失败 {counts['failed']} 个。")
