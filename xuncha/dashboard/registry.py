"""The registry of target organisations of an office (被巡察党组织名录): the party-organisation tree of the
targets kept by the office and the offices below it (and of those an upper office inspected with one of
them as co-organiser), each with its inspection history (when, by which team,
in which round; approved findings, rectification items and those signed off) and whether it has been
inspected in the current term (届内全覆盖). Office admins of the office's reach only (else NotFound).

Inspections of the office's subtree count with their figures; an elevated inspection (提级巡察) that the
subtree co-organises counts for coverage, without figures (a co-organiser reads no figures)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.inspections.models import Inspection, TargetOrg
from xuncha.inspections.selectors_offices import office_get, office_term, subtree_ids
from xuncha.rectification.models import Finding, ItemStatus, RectificationItem


@dataclass
class Visit:
    inspection: Inspection
    own: bool  # the subtree's (figures shown) or only co-organised
    findings: int = 0
    items: int = 0
    signed_off: int = 0


@dataclass
class Row:
    indent: str
    target: TargetOrg
    visits: list[Visit] = field(default_factory=list)
    covered: bool = False

    @property
    def last(self) -> Visit | None:
        return self.visits[0] if self.visits else None


def _tree(targets: list[TargetOrg]) -> list[tuple[str, TargetOrg]]:
    ids = {t.pk for t in targets}
    children: dict[int | None, list[TargetOrg]] = {}
    for t in targets:
        children.setdefault(t.parent_org_id if t.parent_org_id in ids else None, []).append(t)
    out: list[tuple[str, TargetOrg]] = []

    def walk(parent: int | None, depth: int) -> None:
        for t in children.get(parent, []):
            out.append(("　" * depth + ("└ " if depth else ""), t))
            walk(t.pk, depth + 1)

    walk(None, 0)
    return out


def registry(*, user: User, office_id: int, uncovered_only: bool = False, today: dt.date | None = None) -> dict[str, Any]:
    office = office_get(user=user, pk=office_id)
    day = today or timezone.localdate()
    term_start, term_set = office_term(office, day)
    subtree = subtree_ids(office)
    mine = Q(office_id__in=subtree) | (Q(office__isnull=True) if office.parent_id is None else Q(pk__in=[]))
    # The subtree's own targets, and those an upper office inspected with the subtree as co-organiser.
    mine |= Q(pk__in=Inspection.objects.filter(co_organiser_id__in=subtree).values("target_id"))
    targets = list(TargetOrg.objects.filter(mine).select_related("office").order_by("name"))
    ids = [t.pk for t in targets]
    own_q = Q(office_id__in=subtree) | (Q(office__isnull=True) if office.parent_id is None else Q(pk__in=[]))
    inspections = list(Inspection.objects.filter(Q(target_id__in=ids) & (own_q | Q(co_organiser_id__in=subtree)))
                       .select_related("team", "round", "office").order_by("-start_date", "-pk"))
    own_ids = {i.pk for i in Inspection.objects.filter(own_q, target_id__in=ids).only("pk")}
    visits: dict[int, list[Visit]] = {}
    by_pk: dict[int, Visit] = {}
    for ins in inspections:
        v = Visit(ins, own=ins.pk in own_ids)
        visits.setdefault(ins.target_id, []).append(v)
        by_pk[ins.pk] = v
    row: Any
    if own_ids:
        for row in (Finding.objects.filter(inspection_id__in=own_ids, state=Finding.State.APPROVED).order_by()
                    .values("inspection_id").annotate(n=Count("pk"))):
            by_pk[row["inspection_id"]].findings = row["n"]
        for row in (RectificationItem.objects.filter(inspection_id__in=own_ids).order_by().values("inspection_id")
                    .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=ItemStatus.SIGNED_OFF)))):
            by_pk[row["inspection_id"]].items, by_pk[row["inspection_id"]].signed_off = row["n"], row["done"]
    rows = []
    for indent, t in _tree(targets):
        vs = visits.get(t.pk, [])
        r = Row(indent, t, vs, covered=any(v.inspection.start_date >= term_start for v in vs))
        rows.append(r)
    active = [r for r in rows if r.target.archived_at is None]
    covered = sum(1 for r in active if r.covered)
    if uncovered_only:
        rows = [r for r in active if not r.covered]
    return {"office": office, "today": day, "term_start": term_start, "term_set": term_set, "rows": rows,
            "total": len(active), "covered": covered, "uncovered": len(active) - covered, "uncovered_only": uncovered_only}
