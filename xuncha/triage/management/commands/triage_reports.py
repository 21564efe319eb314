"""Triage the reports that have no proposal yet (after an upgrade, or if the task queue was down)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xuncha.intake.models import Report
from xuncha.triage.services import report_triage


class Command(BaseCommand):
    help = "为尚未研判的信访件生成分类、受理范围建议并归入重复件组"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--inspection", type=int, help="只处理该巡察任务的信访件")

    def handle(self, *args: Any, **options: Any) -> None:
        qs = Report.objects.filter(triage__isnull=True).order_by("pk")
        if options.get("inspection"):
            qs = qs.filter(inspection_id=options["inspection"])
        done = 0
        for pk in qs.values_list("pk", flat=True).iterator(chunk_size=1000):
            report_triage(report_id=pk)
            done += 1
        self.stdout.write(f"已研判 {done} 件。")
