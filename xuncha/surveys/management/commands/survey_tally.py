from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.surveys.models import Survey
from xuncha.surveys.tally import tally_check, tally_rebuild


class Command(BaseCommand):
    help = ("Compare each survey's tally (the running counts the results read) with a recount of its answers; "
            "with --rebuild, replace the tally by the recount. Exit status 1 when a tally differed and was not rebuilt.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--survey", type=int, action="append", default=[], help="survey id (repeatable; default: all)")
        parser.add_argument("--rebuild", action="store_true", help="replace the tally by the recount")

    def handle(self, *args: Any, **options: Any) -> None:
        surveys = Survey.objects.order_by("id")
        if options["survey"]:
            surveys = surveys.filter(pk__in=options["survey"])
            missing = set(options["survey"]) - set(surveys.values_list("pk", flat=True))
            if missing:
                raise CommandError("没有这些测评：" + "、".join(map(str, sorted(missing))))
        differed = 0
        for survey in surveys:
            check = tally_rebuild(survey) if options["rebuild"] else tally_check(survey)
            head = f"测评 {survey.pk}“{survey.title}”：{check.answers} 个答案，{check.keys} 个计数项"
            if check.equal:
                self.stdout.write(f"{head}，计数与重新统计一致。")
                continue
            differed += 1
            self.stdout.write(f"{head}，计数与重新统计不一致 {len(check.differences)} 项"
                              + ("（已按重新统计重建）" if check.rebuilt else "") + "：")
            for (qid, group, row, value), tally, counted in check.differences[:20]:
                self.stdout.write(f"  题 {qid} 群体 {group} 行 {row or '-'} 选项 {value}：计数 {tally}，重新统计 {counted}")
        if differed and not options["rebuild"]:
            raise CommandError(f"{differed} 份测评的计数与重新统计不一致；用 --rebuild 重建。")
