from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.demo.aftercare import load_demo_aftercare
from xuncha.demo.archive import load_demo_archive
from xuncha.demo.exchange import demo_exchange_keys
from xuncha.demo.fieldwork import load_demo_fieldwork
from xuncha.demo.fieldwork_docs import load_demo_fieldwork_docs
from xuncha.demo.loader import DEMO_PASSWORD, DEMO_USERS, load_demo
from xuncha.demo.plan import load_demo_plan
from xuncha.demo.rectification import load_demo_rectification
from xuncha.demo.registry import load_demo_briefings
from xuncha.demo.reporting import load_demo_reporting
from xuncha.demo.reports import load_demo_reports
from xuncha.demo.surveys import load_demo_surveys


class Command(BaseCommand):
    help = ("Load the demo (the two source inspections and a practice inspection) into an empty database, "
            "with demo reports worked through triage and rectification (--no-reports to leave both out).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing when accounts already exist")
        parser.add_argument("--no-reports", action="store_true", help="load the inspections only, without demo reports or rectification")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.exists():
            if options["if_empty"]:
                self.stdout.write("数据库已有数据，跳过演示数据加载。")
                self.print_accounts()
                return
            self.stderr.write("数据库已有数据：演示数据只能加载到空数据库。")
            raise SystemExit(1)
        today = timezone.localdate()
        with transaction.atomic():
            inspections = load_demo(today=today)
            reports = [] if options["no_reports"] else load_demo_reports(inspections, today=today)
            rectification = None if options["no_reports"] else load_demo_rectification(inspections, today=today)
            plan = None if options["no_reports"] else load_demo_plan(inspections, today=today)
            # Talks first: the documents' demo finding cites an interview (through the evidence registry).
            fieldwork = None if options["no_reports"] else load_demo_fieldwork(inspections, today=today)
            documents = None if options["no_reports"] else load_demo_fieldwork_docs(inspections, today=today)
            surveys = [] if options["no_reports"] else load_demo_surveys(inspections, today=today)
            # The round's closing, after all the fieldwork (the report's figures count it): report, publication, archive.
            closing = [] if options["no_reports"] else load_demo_reporting(inspections, today=today)
            published = None if options["no_reports"] else load_demo_aftercare(inspections, today=today)
            briefings = 0 if options["no_reports"] else load_demo_briefings(inspections)
            # Last: a finished inspection filed with everything above in place.
            filed = None if options["no_reports"] else load_demo_archive(inspections, today=today)
        demo_exchange_keys()
        per_inspection = Counter(r.inspection_id for r in reports)
        for inspection in inspections:
            loaded = f"，演示信访件 {per_inspection[inspection.pk]} 件" if per_inspection[inspection.pk] else ""
            self.stdout.write(f"已加载：{inspection}（{inspection.start_date} 至 {inspection.end_date}）{loaded}")
        if not options["no_reports"]:
            self.stdout.write(f"共加载演示信访件 {len(reports)} 件（已研判，部分已处置）。")
        if rectification is not None:
            self.stdout.write(rectification.summary())
        if plan is not None:
            self.stdout.write(plan.summary())
        if fieldwork is not None:
            self.stdout.write(fieldwork.summary())
        if documents is not None:
            self.stdout.write(documents.summary())
        if published is not None:
            self.stdout.write(f"整改公开：{published.inspection}（第{published.version}版），已完成整改评估，另有回头看巡察任务一个。")
        if filed is not None:
            self.stdout.write(f"已立卷归档的演示巡察任务：{filed.inspection}（{len(filed.files)} 个文件，只读）")
        if surveys:
            self.stdout.write(f"演示测评 {len(surveys)} 份：" + "、".join(f"{s.title}（{s.responses.count()} 份答卷）" for s in surveys))
        if briefings:
            self.stdout.write(f"巡前情况通报：{inspections[0]} 商请 {briefings} 个单位通报情况。")
        if closing:
            self.stdout.write(f"演示巡察报告 {len(closing)} 份：" +
                              "、".join(f"{r.inspection.target.name}（{r.get_state_display()}）" for r in closing))
        self.print_accounts()

    def print_accounts(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}，仅供演示，切勿用于正式环境）：")
        for username, name, role in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {name}（{role.label}）")
