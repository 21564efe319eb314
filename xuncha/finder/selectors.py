"""One search box (issue 11): a number jumps to its object, words search what the user may see.

A query is a number when, after normalising (full-width digits and signs, spaces, "第…号"), it reads
"N" or "I-N":
- "I-N" is a report's reference (inspection I, report N, as Report.reference "3-00041"): the report
  for its team; for a receiving body, the referral and the clue made of that report;
- "N" is any object's number: reports (number within their inspection), immediate notices, ledger
  items, findings, referrals (转办函第N号), transfer lists (移交清单第N号), and for a receiving body the
  clue of report N. "41" may name objects of several inspections: all of them are listed.

Words search reports by full text (their team), findings by title (their team), notices and ledger
items by title (the office and the team; the liaison the issued notices and the items of their
organisation). Capped at LIMIT results per kind.

Access is xuncha.access only (docs/architecture.md §3), one queryset per kind: what the user may not
see is never found. Each hit links to the page the user's role uses for it (a member to the report
page, a liaison to the liaison's item page, a recipient to their referral page). A fixed number of
queries per search whatever the amount of data (one per kind).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse

from xuncha.access import Kind, Purpose, actor_of, allows, scope
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.intake.models import Report
from xuncha.intake.search import search_filter
from xuncha.rectification.access import liaison_scope
from xuncha.rectification.models import Finding, ImmediateNotice, RectificationItem
from xuncha.rectification.selectors import ISSUED_STATES
from xuncha.triage.models import Clue, Referral, TransferBatch

LIMIT = 20
MAX_QUERY = 100
KIND_LABELS = {
    "report": "信访件", "notice": "立行立改通知", "ledger_item": "整改事项", "referral": "转办件", "clue": "问题线索",
    "finding": "问题底稿", "transfer_batch": "移交清单",
}
ORDER = list(KIND_LABELS)

_NUMBER = re.compile(r"^(?:(\d{1,9})\s*-\s*)?(\d{1,9})$")


@dataclass(frozen=True)
class NumberQuery:
    """A number typed in the box: `number`, and the inspection of a report reference ("3-00041")."""

    number: int
    inspection: int | None = None


def normalise(text: str) -> str:
    """Full-width digits, letters and signs to their plain forms (NFKC), dashes to "-", spaces trimmed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"[\u2010-\u2015\u2212\uff0d]", "-", text)
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUERY]


def parse_number(text: str) -> NumberQuery | None:
    """The number in a query ("41", "00041", "3-00041", "第41号", "４１"), or None for words."""
    s = normalise(text)
    s = re.sub(r"^第\s*", "", s)
    s = re.sub(r"\s*号$", "", s)
    m = _NUMBER.match(s.strip())
    if m is None:
        return None
    return NumberQuery(number=int(m.group(2)), inspection=int(m.group(1)) if m.group(1) else None)


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    number: str
    title: str
    url: str
    inspection: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "inspection"}


def _short(text: str, n: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _inspection(obj: Any) -> str:
    return str(obj.target) if obj is not None else ""


# --- the visible rows of each kind ------------------------------------------------------------------------


def _either(a: Q, b: Q) -> Q:
    """a | b, where an empty Q means everything (the office's scope): Django's `Q() | b` would be `b`."""
    return Q() if not a or not b else a | b


def _reports(user: User) -> Any:
    return Report.objects.filter(scope(user, Kind.CASE)).select_related("inspection__target").order_by("inspection_id", "number")


def _findings(user: User) -> Any:
    return Finding.objects.filter(scope(user, Kind.CASE)).select_related("inspection__target").order_by("inspection_id", "number")


def _notices(user: User) -> Any:
    visible = _either(scope(user, Kind.RECTIFICATION), liaison_scope(user) & Q(state__in=ISSUED_STATES))
    return ImmediateNotice.objects.filter(visible).select_related("inspection__target").order_by("inspection_id", "number")


def _items(user: User) -> Any:
    visible = _either(scope(user, Kind.RECTIFICATION), liaison_scope(user))
    return (RectificationItem.objects.filter(visible).select_related("inspection__target", "finding")
            .order_by("inspection_id", "number"))


def _referrals(user: User) -> Any:
    visible = _either(scope(user, Kind.CASE, via="report__inspection"), scope(user, Kind.HANDOVER, Purpose.WORK))
    return Referral.objects.filter(visible).select_related("report__inspection__target", "body").order_by("report__inspection_id", "number")


def _clues(user: User) -> Any:
    """Clues for their receiving body only, once listed (the team finds the report itself)."""
    return (Clue.objects.filter(scope(user, Kind.HANDOVER, Purpose.WORK), batch__isnull=False)
            .select_related("report__inspection__target", "body").order_by("report__inspection_id", "report__number"))


def _batches(user: User) -> Any:
    visible = _either(scope(user, Kind.CASE), scope(user, Kind.HANDOVER, Purpose.WORK))
    return TransferBatch.objects.filter(visible).select_related("inspection__target", "body").order_by("inspection_id", "number")


# --- hits: each object with the page of the user's role ----------------------------------------------------


def _report_hit(r: Report) -> Hit:
    return Hit("report", r.pk, r.reference, _short(r.content), reverse("intake:report", args=[r.pk]), _inspection(r.inspection))


def _finding_hit(f: Finding) -> Hit:
    return Hit("finding", f.pk, str(f.number), f.title, reverse("rectification:finding", args=[f.pk]), _inspection(f.inspection))


def _notice_hit(user: User, n: ImmediateNotice) -> Hit:
    staff = allows(user, Kind.RECTIFICATION, Purpose.READ, n.inspection)
    url = reverse("rectification:notice" if staff else "liaison:notice", args=[n.pk])
    return Hit("notice", n.pk, str(n.number), n.title, url, _inspection(n.inspection))


def _item_hit(user: User, i: RectificationItem) -> Hit:
    staff = allows(user, Kind.RECTIFICATION, Purpose.READ, i.inspection)
    url = reverse("rectification:ledger_item" if staff else "liaison:item", args=[i.pk])
    title = f"{i.finding.title}：{_short(i.measures, 40)}"
    return Hit("ledger_item", i.pk, str(i.number), title, url, _inspection(i.inspection))


def _referral_hit(user: User, r: Referral) -> Hit:
    inspection = r.report.inspection
    if allows(user, Kind.HANDOVER, Purpose.WORK, None, body_id=r.body_id):
        url = reverse("recipient:referral", args=[r.pk])
    else:
        url = reverse("triage:handovers", args=[inspection.pk]) + f"#referral-{r.pk}"
    return Hit("referral", r.pk, str(r.number), f"转办函第{r.number}号（{r.body}，信访件 {r.report.reference}）", url,
               _inspection(inspection))


def _clue_hit(c: Clue) -> Hit:
    return Hit("clue", c.pk, c.report.reference, f"问题线索 {c.report.reference}（{c.body}）",
               reverse("recipient:clue", args=[c.pk]), _inspection(c.report.inspection))


def _batch_hit(user: User, b: TransferBatch) -> Hit:
    recipient = allows(user, Kind.HANDOVER, Purpose.WORK, None, body_id=b.body_id)
    url = reverse("recipient:batch" if recipient else "triage:batch", args=[b.pk])
    return Hit("transfer_batch", b.pk, str(b.number), f"移交清单第{b.number}号（{b.body}）", url, _inspection(b.inspection))


# --- the search --------------------------------------------------------------------------------------------


def may_search(user: User) -> bool:
    """Whether the user holds any role that reaches case data (else nothing is queried)."""
    actor = actor_of(user)
    return actor.is_office or bool(actor.teams or actor.orgs or actor.bodies)


def find_number(*, user: User, query: NumberQuery) -> list[Hit]:
    """The objects the user may see that carry the number (a reference: the report and what was made of it)."""
    n, where = query.number, query.inspection
    hits: list[Hit] = []
    if where is not None:  # a report's reference
        hits += [_report_hit(r) for r in _reports(user).filter(inspection_id=where, number=n)[:LIMIT]]
        hits += [_referral_hit(user, r) for r in _referrals(user).filter(scope(user, Kind.HANDOVER, Purpose.WORK),
                                                                           report__inspection_id=where, report__number=n)[:LIMIT]]
        hits += [_clue_hit(c) for c in _clues(user).filter(report__inspection_id=where, report__number=n)[:LIMIT]]
        return hits
    actor = actor_of(user)
    hits += [_report_hit(r) for r in _reports(user).filter(number=n)[:LIMIT]]
    hits += [_notice_hit(user, x) for x in _notices(user).filter(number=n)[:LIMIT]]
    hits += [_item_hit(user, x) for x in _items(user).filter(number=n)[:LIMIT]]
    referrals = Q(number=n)
    if actor.bodies:  # a receiving body also knows a referral by its report's number
        referrals |= Q(scope(user, Kind.HANDOVER, Purpose.WORK), report__number=n)
    hits += [_referral_hit(user, x) for x in _referrals(user).filter(referrals)[:LIMIT]]
    hits += [_clue_hit(c) for c in _clues(user).filter(report__number=n)[:LIMIT]]
    hits += [_finding_hit(f) for f in _findings(user).filter(number=n)[:LIMIT]]
    hits += [_batch_hit(user, b) for b in _batches(user).filter(number=n)[:LIMIT]]
    return hits


def find_words(*, user: User, text: str) -> list[Hit]:
    """Reports by full text (their team), findings, notices and ledger items by title."""
    words = normalise(text)
    hits: list[Hit] = []
    if actor_of(user).teams:
        hits += [_report_hit(r) for r in search_filter(_reports(user), words).order_by("-received_at", "-id")[:LIMIT]]
        hits += [_finding_hit(f) for f in _findings(user).filter(title__icontains=words)[:LIMIT]]
    hits += [_notice_hit(user, x) for x in _notices(user).filter(title__icontains=words)[:LIMIT]]
    hits += [_item_hit(user, x) for x in _items(user).filter(Q(finding__title__icontains=words) | Q(measures__icontains=words))[:LIMIT]]
    return hits


def find(*, user: User, text: str) -> tuple[NumberQuery | None, list[Hit]]:
    """What the query names among what the user may see: a number's objects first, then (for a
    number that is also a word, never) matches by words. Empty for someone with no case role."""
    words = normalise(text)
    if not words or not may_search(user):
        return parse_number(words), []
    number = parse_number(words)
    if number is not None:
        return number, find_number(user=user, query=number)
    return None, find_words(user=user, text=words)


def search(*, user: User, text: str, request: HttpRequest | None = None) -> tuple[NumberQuery | None, list[Hit]]:
    """`find`, recorded: a search reads case data, so each one is an audit event with its query
    (docs/architecture.md §5 rule 9). An empty query is neither run nor recorded."""
    query = normalise(text)
    number, hits = find(user=user, text=query)
    if query:
        audit_record(actor=user, action="search", request=request, summary=f"查找：{query}",
                     data={"q": query, "results": len(hits), "kinds": sorted({h.kind for h in hits})})
    return number, hits
