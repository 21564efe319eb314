"""The dashboard (统计看板): per inspection and per round, reports by status and channel, approved
findings by focus, rectification completion (signed off / total, overdue) and replies due and overdue.

Who sees what (docs/architecture.md §3, Kind.DASHBOARD of xuncha.access; NotFound for everything else):
- office admin: every round and every inspection;
- team leader and member: the inspections of their team (declared conflicts excluded), and the round
  page over those inspections only;
- liaison, recipient, auditor, sysadmin, anyone else: nothing (the liaison follows their organisation's
  rectification on their own pages; a dashboard of report counts is not theirs).

Aggregates only, never a reporter: a fixed number of GROUP BY queries per page whatever the number of
reports (reports by inspection × status × channel in one pass; findings by inspection × focus × state;
items by inspection × status with the overdue count; the reply counts of
xuncha.replies.selectors), each bounded by the inspections in view. The round's figures are
cached for CACHE_SECONDS, keyed by round, user scope and day; an inspection's, by inspection and day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from xuncha.access import Kind, actor_of, scope
from xuncha.accounts.models import User
from xuncha.core.classify import FOCUS_LABELS
from xuncha.errors import NotFound
from xuncha.inspections.models import ChannelKind, Inspection, Round
from xuncha.inspections.selectors import live_q
from xuncha.inspections.selectors_offices import office_q
from xuncha.intake.models import ReportStatus
from xuncha.rectification.models import Finding, ItemStatus, RectificationItem
from xuncha.replies.selectors import TAB_LABELS, TABS, report_rollup

CACHE_SECONDS = 60
CACHE_VERSION = 1
# Items still open: past their deadline they are overdue (a long-term item has none).
OPEN_ITEM_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS)
# Statuses after which the team's handling of a report has closed.
CLOSED_STATUSES = (ReportStatus.REFERRED, ReportStatus.TRANSFERRED, ReportStatus.FILED, ReportStatus.CLOSED)


# --- access -----------------------------------------------------------------------------------------


def can_view_dashboard(user: User) -> bool:
    """The dashboard is the office's and the inspection teams' (Kind.DASHBOARD); the pages of anyone
    else are NotFound."""
    actor = actor_of(user)
    return actor.is_office or bool(actor.teams)


def is_office(user: User) -> bool:
    return actor_of(user).is_office


def dashboard_inspections(*, user: User, archived: bool = False) -> QuerySet[Inspection]:
    """The inspections whose figures the user may see (none for everyone but the office and the teams).
    Archived ones only with archived=True: the index and the round pages leave them out (a closed one stays,
    its cases are still worked on); an archived inspection's own page still opens by its link."""
    qs = Inspection.objects.filter(scope(user, Kind.DASHBOARD, via=""))
    return qs if archived else qs.filter(live_q())


def dashboard_rounds(*, user: User) -> list[dict[str, Any]]:
    """The rounds in view, newest first, each with its inspections in view (the index page; two queries)."""
    if not can_view_dashboard(user):
        raise NotFound
    inspections = list(dashboard_inspections(user=user).select_related("team", "target").order_by("round_id", "-start_date", "pk"))
    rounds = Round.objects.filter(office_q(user)) if is_office(user) else Round.objects.filter(pk__in={i.round_id for i in inspections})
    by_round: dict[int, list[Inspection]] = {}
    for inspection in inspections:
        by_round.setdefault(inspection.round_id, []).append(inspection)
    return [{"round": r, "inspections": by_round.get(r.pk, [])} for r in rounds.order_by("-year", "name")]


def dashboard_round_get(*, user: User, pk: int) -> Round:
    if not can_view_dashboard(user):
        raise NotFound
    rnd = Round.objects.filter(pk=pk).first()
    own = is_office(user) and Round.objects.filter(office_q(user), pk=pk).exists()
    if rnd is None or not (own or dashboard_inspections(user=user).filter(round=rnd).exists()):
        raise NotFound
    return rnd


def dashboard_inspection_get(*, user: User, pk: int) -> Inspection:
    inspection = dashboard_inspections(user=user, archived=True).filter(pk=pk).select_related("round", "team", "target").first()
    if inspection is None:
        raise NotFound
    return inspection


# --- figures ----------------------------------------------------------------------------------------


def _empty() -> dict[str, Any]:
    return {
        "reports": {"total": 0, "status": dict.fromkeys(ReportStatus.values, 0), "channel": dict.fromkeys(ChannelKind.values, 0)},
        "findings": {"approved": 0, "in_progress": 0, "focus": dict.fromkeys(FOCUS_LABELS, 0)},
        "rectification": {"total": 0, "overdue": 0, "status": dict.fromkeys(ItemStatus.values, 0)},
        "replies": dict.fromkeys(TABS, 0),
    }


def _raw(ids: list[int], today: dt.date) -> dict[int, dict[str, Any]]:
    """Counts per inspection: three GROUP BY queries (reports, findings, items)."""
    out = {pk: _empty() for pk in ids}
    if not ids:
        return out
    row: Any  # one row of each GROUP BY below
    # Reports by status and channel with the reply counts: one pass over the reports.
    for row in report_rollup(inspection_ids=ids, today=today, by=("status", "channel_kind")):
        figures = out[row["inspection_id"]]
        reports = figures["reports"]
        reports["total"] += row["n"]
        reports["status"][row["status"]] = reports["status"].get(row["status"], 0) + row["n"]
        reports["channel"][row["channel_kind"]] = reports["channel"].get(row["channel_kind"], 0) + row["n"]
        for tab in TABS:
            figures["replies"][tab] += row[tab]
    for row in Finding.objects.filter(inspection_id__in=ids).order_by().values("inspection_id", "focus", "state").annotate(n=Count("pk")):
        findings = out[row["inspection_id"]]["findings"]
        if row["state"] == Finding.State.APPROVED:
            findings["approved"] += row["n"]
            findings["focus"][row["focus"]] = findings["focus"].get(row["focus"], 0) + row["n"]
        else:
            findings["in_progress"] += row["n"]
    for row in (RectificationItem.objects.filter(inspection_id__in=ids).order_by().values("inspection_id", "status")
                .annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=today, long_term=False, status__in=OPEN_ITEM_STATUSES)))):
        items = out[row["inspection_id"]]["rectification"]
        items["total"] += row["n"]
        items["overdue"] += row["late"]
        items["status"][row["status"]] = items["status"].get(row["status"], 0) + row["n"]
    return out


def _add(into: dict[str, Any], raw: dict[str, Any]) -> None:
    for key, value in raw.items():
        if isinstance(value, dict):
            _add(into.setdefault(key, {}), value)
        else:
            into[key] = into.get(key, 0) + value


def _rows(choices: list[tuple[str, str]], counts: dict[str, int]) -> list[dict[str, Any]]:
    return [{"code": code, "label": str(label), "count": counts.get(code, 0)} for code, label in choices]


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _present(raw: dict[str, Any]) -> dict[str, Any]:
    """The figures of one inspection (or a sum of several) as labelled rows: plain data, cacheable and JSON-able."""
    reports, findings, items, replies = raw["reports"], raw["findings"], raw["rectification"], raw["replies"]
    closed = sum(reports["status"].get(s, 0) for s in CLOSED_STATUSES)
    signed_off = items["status"].get(ItemStatus.SIGNED_OFF, 0)
    return {
        "reports": {
            "total": reports["total"], "closed": closed, "closed_rate": _percent(closed, reports["total"]),
            "by_status": _rows(ReportStatus.choices, reports["status"]),
            "by_channel": _rows(ChannelKind.choices, reports["channel"]),
        },
        "findings": {
            "approved": findings["approved"], "in_progress": findings["in_progress"],
            "by_focus": _rows(list(FOCUS_LABELS.items()), findings["focus"]),
        },
        "rectification": {
            "total": items["total"], "signed_off": signed_off, "rate": _percent(signed_off, items["total"]),
            "overdue": items["overdue"], "by_status": _rows(ItemStatus.choices, items["status"]),
        },
        "replies": {**{t: replies.get(t, 0) for t in TABS},
                    "overdue": replies.get("receipt_overdue", 0) + replies.get("result_overdue", 0),
                    "rows": [{"code": t, "label": TAB_LABELS[t], "count": replies.get(t, 0)} for t in TABS]},
    }


def inspection_dashboard(*, user: User, inspection: Inspection, today: dt.date | None = None) -> dict[str, Any]:
    """The figures of one inspection (NotFound unless the user may see it; cached for CACHE_SECONDS)."""
    inspection = dashboard_inspection_get(user=user, pk=inspection.pk)
    day = today or timezone.localdate()
    # The same for everyone who may see the inspection: cached per inspection and day.
    key = f"dashboard:inspection:v{CACHE_VERSION}:{inspection.pk}:{day.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    figures = {**_present(_raw([inspection.pk], day)[inspection.pk]), "today": day, "generated_at": timezone.now()}
    cache.set(key, figures, CACHE_SECONDS)
    return figures


def _scope_key(user: User, ids: list[int]) -> str:
    """The user's scope within the round: everything for the office, else the inspections in view."""
    if is_office(user) and actor_of(user).offices is None:
        return "office"
    return hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:16]


def round_dashboard(*, user: User, round: Round, today: dt.date | None = None) -> dict[str, Any]:
    """The figures of a round: its inspections in view, each and summed (cached for CACHE_SECONDS)."""
    rnd = dashboard_round_get(user=user, pk=round.pk)
    day = today or timezone.localdate()
    inspections = list(dashboard_inspections(user=user).filter(round=rnd).select_related("team", "target")
                       .order_by("-start_date", "pk"))
    ids = [i.pk for i in inspections]
    key = f"dashboard:round:v{CACHE_VERSION}:{rnd.pk}:{_scope_key(user, ids)}:{day.isoformat()}"
    cached = cache.get(key)
    if cached is not None and [row["pk"] for row in cached["inspections"]] == ids:
        return cached  # type: ignore[no-any-return]
    raw = _raw(ids, day)
    totals: dict[str, Any] = {}
    for pk in ids:
        _add(totals, raw[pk])
    figures = {
        "round": {"pk": rnd.pk, "name": rnd.name},
        "today": day,
        "generated_at": timezone.now(),
        "inspections": [{"pk": i.pk, "title": str(i), "team": i.team.name, "target": i.target.name,
                         "start_date": i.start_date, "end_date": i.end_date, **_present(raw[i.pk])} for i in inspections],
        "totals": _present(totals if ids else _empty()),
    }
    cache.set(key, figures, CACHE_SECONDS)
    return figures
