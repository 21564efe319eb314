"""manage.py archive_verify [--inspection ID] [--file PACKAGE.zip]: check archive packages (docs/architecture.md,
"立卷归档"). Without --file, every kept package (or one inspection's) against the digests recorded at filing
and its signed manifest; with --file, a package copied out of the system (its signature and every file's
SM3). Exits with status 1 when anything is wrong, listing each problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.archive import package
from xuncha.archive.services import archive_verify
from xuncha.inspections.models import Inspection


class Command(BaseCommand):
    help = "核验档案包：每个文件的 SM3 与签名的清单一致"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--inspection", type=int, help="只核验该巡察任务的档案包")
        parser.add_argument("--file", type=Path, help="核验一个导出的档案包 .zip")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"] is not None:
            path: Path = options["file"]
            if not path.is_file():
                raise CommandError(f"找不到文件：{path}")
            problems = package.verify(path.read_bytes())
            for p in problems:
                self.stdout.write(f"{path.name}：{p}")
            if problems:
                raise CommandError(f"{path.name}：发现 {len(problems)} 个问题。")
            self.stdout.write(f"{path.name}：完好。")
            return
        inspection = None
        if options["inspection"] is not None:
            inspection = Inspection.objects.filter(pk=options["inspection"]).first()
            if inspection is None:
                raise CommandError(f"没有编号为 {options['inspection']} 的巡察任务。")
        results = archive_verify(actor="系统", inspection=inspection)
        bad = 0
        for r in results:
            label = f"{r.filing.inspection}（第{r.filing.version}次归档）"
            if r.problems:
                bad += 1
                for p in r.problems:
                    self.stdout.write(f"{label}：{p}")
            else:
                self.stdout.write(f"{label}：完好，{len(r.filing.files)}个文件。")
        if bad:
            raise CommandError(f"{bad} 个档案包有问题。")
        self.stdout.write(f"共核验 {len(results)} 个档案包，全部完好。")
