"""Reads of findings and immediate-rectification notices, each taking the acting user (404 otherwise).

- findings: the inspection's team only (their evidence is case data; the office does not read them);
- notices on the team pages: the team, and the office (read only);
- notices on the liaison pages: issued (and later) notices of inspections of the liaison's organisations;
- candidates for a notice: duplicate groups with many distinct reporters, in scope, without a notice.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from xuncha.accounts.selectors import org_ids
from xuncha.inspections.models import Inspection
from xuncha.intake.models import Attachment, Report
from xuncha.triage.models import DuplicateGroup, Scope, Triage

from .access import is_office, team_inspections
from .models import Evidence, Finding, ImmediateNotice

ISSUED_STATES = (ImmediateNotice.State.ISSUED, ImmediateNotice.State.ANSWERED, ImmediateNotice.State.ACCEPTED,
                 ImmediateNotice.State.RETURNED)
OPEN_STATES = (ImmediateNotice.State.ISSUED, ImmediateNotice.State.ANSWERED, ImmediateNotice.State.RETURNED)
DEFAULT_MIN_REPORTERS = 2


def _team_check(user: Any, inspection: Inspection) -> None:
    if not team_inspections(user=user).filter(pk=inspection.pk).exists():
        raise Http404


# Findings

def finding_list(*, user: Any, inspection: Inspection) -> QuerySet[Finding]:
    _team_check(user, inspection)
    return (Finding.objects.filter(inspection=inspection).select_related("created_by", "approved_by")
            .annotate(report_count=Count("reports", distinct=True)).order_by("number"))


def finding_get(*, user: Any, pk: int) -> Finding:
    finding = (Finding.objects.filter(pk=pk, inspection__in=team_inspections(user=user))
               .select_related("inspection__team", "inspection__target", "created_by", "approved_by").first())
    if finding is None:
        raise Http404
    return finding


def finding_reports(finding: Finding) -> list[Report]:
    return list(finding.reports.select_related("triage").order_by("number"))


def attachments_of(reports: list[Report]) -> QuerySet[Attachment]:
    return Attachment.objects.filter(report__in=reports).select_related("report").order_by("report__number", "id")


REFERENCE = re.compile(r"^(?:(\d+)-)?(\d+)$")


def reports_by_reference(*, user: Any, inspection: Inspection, text: str) -> tuple[list[Report], list[str]]:
    """Reports of the inspection named by reference numbers ("12-00003", or just "3"), and the tokens
    that name none (unknown, malformed, or of another inspection)."""
    _team_check(user, inspection)
    tokens = [t for t in re.split(r"[\s,，、;；]+", text.strip()) if t]
    numbers: dict[int, str] = {}
    unknown: list[str] = []
    for token in tokens:
        m = REFERENCE.match(token)
        if m is None or (m.group(1) is not None and int(m.group(1)) != inspection.pk):
            unknown.append(token)
        else:
            numbers.setdefault(int(m.group(2)), token)
    found = {r.number: r for r in Report.objects.filter(inspection=inspection, number__in=list(numbers))}
    unknown += [token for number, token in numbers.items() if number not in found]
    return [found[n] for n in sorted(numbers) if n in found], unknown


# Notices: candidates and the team's view

def notice_candidates(*, user: Any, inspection: Inspection, min_reporters: int = DEFAULT_MIN_REPORTERS
                      ) -> QuerySet[DuplicateGroup]:
    """Duplicate groups of the inspection with at least `min_reporters` distinct reporters, at least one
    of whose reports (the first or any other) is in scope, without a notice yet; most reporters first."""
    _team_check(user, inspection)
    in_scope = Triage.objects.filter(group_key=OuterRef("key"), scope=Scope.IN, report__inspection=inspection)
    in_scope_count = in_scope.order_by().values("group_key").annotate(n=Count("pk")).values("n")
    noticed = ImmediateNotice.objects.filter(inspection=inspection, group_key=OuterRef("key"))
    return (DuplicateGroup.objects.filter(inspection=inspection, reporters__gte=min_reporters)
            .filter(Exists(in_scope)).exclude(Exists(noticed))
            .annotate(in_scope=Subquery(in_scope_count, output_field=IntegerField()))
            .select_related("first_report__triage").order_by("-reporters", "-size", "key"))


def _notice_inspections(user: Any) -> QuerySet[Inspection]:
    return Inspection.objects.all() if is_office(user) else team_inspections(user=user)


def team_notice_inspection_get(*, user: Any, pk: int) -> Inspection:
    inspection = _notice_inspections(user).filter(pk=pk).select_related("team", "target").first()
    if inspection is None:
        raise Http404
    return inspection


def team_notices(*, user: Any, inspection: Inspection) -> QuerySet[ImmediateNotice]:
    if not _notice_inspections(user).filter(pk=inspection.pk).exists():
        raise Http404
    return (ImmediateNotice.objects.filter(inspection=inspection).select_related("created_by", "issued_by")
            .annotate(report_count=Count("reports", distinct=True)).order_by("-number"))


def team_notice_get(*, user: Any, pk: int) -> ImmediateNotice:
    notice = (ImmediateNotice.objects.filter(pk=pk, inspection__in=_notice_inspections(user))
              .select_related("inspection__team", "inspection__target", "created_by", "issued_by", "finding").first())
    if notice is None:
        raise Http404
    return notice


def notice_answers(notice: ImmediateNotice) -> list[Any]:
    return list(notice.answers.select_related("answered_by", "decided_by").prefetch_related("files"))


def reporters_count(notice: ImmediateNotice) -> int:
    """Distinct reporters behind a notice: its group's count, else one per linked report."""
    if notice.group_key is not None:
        group = DuplicateGroup.objects.filter(key=notice.group_key).only("reporters").first()
        if group is not None:
            return group.reporters
    return notice.reports.count()


# Notices: the liaison's view

def liaison_notices(*, user: Any) -> QuerySet[ImmediateNotice]:
    """Issued (and later) notices of the liaison's organisations; 404 for anyone who is no liaison."""
    orgs = org_ids(user)
    if not orgs:
        raise Http404
    return (ImmediateNotice.objects.filter(inspection__target_id__in=orgs, state__in=ISSUED_STATES)
            .select_related("inspection__team", "inspection__target").order_by("-issued_at", "-id"))


def liaison_notice_get(*, user: Any, pk: int) -> ImmediateNotice:
    notice = liaison_notices(user=user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


def notice_evidence_get(*, user: Any, pk: int) -> Evidence:
    """An answer's evidence file: for the inspection's team, or the liaison of the notice's organisation."""
    visible = Q(answer__notice__inspection__in=team_inspections(user=user)) | Q(
        answer__notice__inspection__target_id__in=org_ids(user), answer__notice__state__in=ISSUED_STATES)
    evidence = (Evidence.objects.filter(visible, pk=pk, answer__isnull=False)
                .select_related("answer__notice__inspection").first())
    if evidence is None:
        raise Http404
    return evidence


# Overdue: issued, not accepted, past the due date

def _overdue(qs: QuerySet[ImmediateNotice], today: dt.date | None) -> QuerySet[ImmediateNotice]:
    today = today or timezone.localdate()
    return (qs.filter(state__in=OPEN_STATES, due_on__lt=today)
            .select_related("inspection__team", "inspection__target").order_by("due_on", "id"))


def overdue_notices(*, user: Any, today: dt.date | None = None) -> QuerySet[ImmediateNotice]:
    """Overdue notices the user may see (the team's, the office's all, the liaison's organisation's)."""
    visible = Q(inspection__in=_notice_inspections(user)) | Q(inspection__target_id__in=org_ids(user))
    return _overdue(ImmediateNotice.objects.filter(visible), today)


def overdue_notices_all(*, today: dt.date | None = None) -> QuerySet[ImmediateNotice]:
    """Every overdue notice (for the reminder job, which acts for no user)."""
    return _overdue(ImmediateNotice.objects.all(), today)
