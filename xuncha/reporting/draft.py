"""The draft of a report, generated from data already in the system ("一次录入，多次调用"): the approved
findings grouped by focus with their evidence counts, and the fieldwork figures (reports by channel, talks
held, documents requested, survey answers, visits and meetings, clues handed over, referrals, immediate
rectifications). Counts only: no reporter, interviewee or report content appears in a draft.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from xuncha.core.classify import FOCUS_LABELS
from xuncha.documents import cn_date, cn_number
from xuncha.fieldwork.models.documents import DocumentItem, DocumentRequest
from xuncha.fieldwork.models.talks import Interview, InterviewState
from xuncha.fieldwork.models.visits import FieldRecord
from xuncha.inspections.models import ChannelKind, Inspection
from xuncha.intake.models import Report
from xuncha.rectification.models import Finding, ImmediateNotice
from xuncha.surveys.models import Response, Survey
from xuncha.triage.models import Clue, Referral

from .models import ReportKind

FOCUS_ORDER = list(FOCUS_LABELS)
SUGGESTIONS = "（请巡察组填写针对以上问题的意见建议。）"


def figures_of(inspection: Inspection) -> dict[str, Any]:
    """The fieldwork figures of an inspection, as counts (JSON-ready; kept with each version)."""
    labels = dict(ChannelKind.choices)
    by_channel = Counter(Report.objects.filter(inspection=inspection).values_list("channel_kind", flat=True))
    notices = ImmediateNotice.objects.filter(inspection=inspection).exclude(state=ImmediateNotice.State.DRAFT)
    return {
        "reports": sum(by_channel.values()),
        "by_channel": {labels.get(kind, kind): n for kind, n in sorted(by_channel.items())},
        "talks": Interview.objects.filter(inspection=inspection, state=InterviewState.DONE).count(),
        "document_requests": DocumentRequest.objects.filter(inspection=inspection, state=DocumentRequest.State.SENT).count(),
        "documents": DocumentItem.objects.filter(request__inspection=inspection,
                                                 request__state=DocumentRequest.State.SENT).count(),
        "surveys": Survey.objects.filter(inspection=inspection, state=Survey.State.PUBLISHED).count(),
        "survey_answers": Response.objects.filter(survey__inspection=inspection).count(),
        "field_records": FieldRecord.objects.filter(inspection=inspection).count(),
        "clues": Clue.objects.filter(report__inspection=inspection).count(),
        "referrals": Referral.objects.filter(report__inspection=inspection).count(),
        "notices": notices.count(),
        "notices_accepted": notices.filter(state=ImmediateNotice.State.ACCEPTED).count(),
    }


def figures_text(figures: dict[str, Any]) -> str:
    channels = "、".join(f"{label}{n}件" for label, n in figures["by_channel"].items())
    return (f"巡察期间，共受理信访件{figures['reports']}件" + (f"（其中{channels}）" if channels else "") +
            f"；开展个别谈话{figures['talks']}人次；发出调阅资料通知{figures['document_requests']}份，调阅资料"
            f"{figures['documents']}项；开展民主测评和问卷调查{figures['surveys']}项，回收答卷{figures['survey_answers']}份；"
            f"走访、座谈、列席会议等{figures['field_records']}次。向有关机关移交问题线索{figures['clues']}件，"
            f"转有关部门办理{figures['referrals']}件；发出立行立改通知{figures['notices']}件，"
            f"已整改并经核查通过{figures['notices_accepted']}件。")


def _evidence_counts(finding: Finding) -> str:
    pieces = finding.evidence.count() + finding.attachments.count()
    reports = finding.reports.count()
    return f"（证据{pieces}项，相关信访件{reports}件）"


def findings_text(findings: Sequence[Finding]) -> list[str]:
    """The problems, grouped by focus in the order of the four focuses, numbered within each group."""
    lines: list[str] = []
    groups = sorted({f.focus for f in findings}, key=lambda c: FOCUS_ORDER.index(c) if c in FOCUS_ORDER else 99)
    for g, focus in enumerate(groups, start=1):
        lines.append(f"（{cn_number(g)}）{FOCUS_LABELS.get(focus, focus)}方面")
        for n, finding in enumerate([f for f in findings if f.focus == focus], start=1):
            lines.append(f"{n}. {finding.title}")
            lines.append(finding.facts.strip() + _evidence_counts(finding))
    return lines


def title_for(inspection: Inspection, kind: str, topic: str = "") -> str:
    if kind == ReportKind.SPECIAL:
        return f"关于{inspection.target.name}{topic}的专题报告"
    return f"关于巡察{inspection.target.name}的情况报告"


def draft_text(inspection: Inspection, *, kind: str, title: str, topic: str, findings: Sequence[Finding],
               figures: dict[str, Any]) -> str:
    """The generated body of a report (plain text, one paragraph a line; headings are lines starting 一、 …)."""
    period = f"{cn_date(inspection.start_date)}至{cn_date(inspection.end_date)}"
    intro = (f"根据{inspection.round.name}的统一部署，{inspection.team.name}于{period}对{inspection.target.name}进行了巡察。")
    lines = [title, ""]
    if kind == ReportKind.SPECIAL:
        lines += [intro + f"巡察中发现{topic}方面的问题，需要专门报告，现报告如下。",
                  "一、基本情况", figures_text(figures), f"二、{topic}方面的主要问题"]
    else:
        lines += [intro + "现将巡察情况报告如下。", "一、巡察工作开展情况", figures_text(figures), "二、发现的主要问题"]
    lines += findings_text(findings)
    lines += ["三、意见建议", SUGGESTIONS]
    return "\n".join(lines)
