from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xuncha.intake.reading import attachments_read_pending, attachments_requeue_failed


class Command(BaseCommand):
    help = "Read the text of attachments still waiting for it (OCR of scans, text layers of PDFs and Office files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500)
        parser.add_argument("--failed", action="store_true",
                            help="Read again the attachments whose reading failed (e.g. after installing a missing reader).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["failed"]:
            self.stdout.write(f"重新排队识别失败的附件 {attachments_requeue_failed()} 个。")
        counts = attachments_read_pending(options["limit"])
        self.stdout.write(f"识别完成 {counts['done']} 个附件，失败 {counts['failed']} 个。")
