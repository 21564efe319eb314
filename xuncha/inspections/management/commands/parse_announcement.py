import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.core.announcement import parse_announcement
from xuncha.core.announcement.sources import UnreadableFile, read_announcement_file
from xuncha.inspections.selectors import calendar_get


class Command(BaseCommand):
    help = "Parse a published announcement (.txt, .docx, .doc, .html) and print the extracted facts as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--published", help="publication date YYYY-MM-DD (for dates without a year and 即日)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            text = read_announcement_file(path.name, path.read_bytes())
            published = dt.date.fromisoformat(options["published"]) if options["published"] else None
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from exc
        except ValueError as exc:
            raise CommandError("发布日期格式应为 YYYY-MM-DD。") from exc
        result = parse_announcement(text, published, add_working_days=calendar_get().add_working_days)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
