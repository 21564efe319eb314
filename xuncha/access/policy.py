"""The access policy: for each kind of object and each purpose, who may. Every selector and service
asks here; nothing else decides access (docs/architecture.md, "权限").

Rules are grants: a (kind, purpose) pair lists which standings reach an object of that kind.

| standing  | reaches an object when                                                               |
|-----------|--------------------------------------------------------------------------------------|
| OFFICE    | the actor is an office admin and the inspection's office is in their reach: to read,  |
|           | their offices and the subtree below (or an elevated inspection co-organised there,   |
|           | for CO_ORGANISER_READS only); to work and decide, their own offices. At the root (or  |
|           | an office role with no office) every inspection, as before offices existed           |
| TEAM      | the object's inspection is one of the actor's teams' and its target is not one they  |
|           | declared a conflict of interest with                                                 |
| LEADER    | as TEAM, for the teams the actor leads                                               |
| LIAISON   | the object's inspection is of the organisation the actor is liaison of               |
| RECIPIENT | the object (a referral, a clue, a transfer list) is addressed to the actor's body    |

`scope()` turns a rule into a Q over any queryset whose rows reach their inspection through `via`
(and their receiving body through `body`); `allows()` answers the same rule for one object in
Python, without a query. Both read one table, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum

from django.db.models import Q

from xuncha.errors import Conflict

from .actor import Actor, InspectionLike, Someone, actor_of


class Kind(StrEnum):
    INSPECTION = "inspection"          # the inspection itself, its channels and published documents
    CASE = "case"                      # the team's case file: reports, triage, groups, dispositions, findings, replies
    HANDOVER = "handover"              # referrals (转办), clues (移交) and transfer lists
    RECTIFICATION = "rectification"    # the staff side of notices, feedback and the ledger
    TARGET = "target"                  # what the inspected organisation's liaison sees: issued notices, ledger items
    DASHBOARD = "dashboard"            # figures of an inspection
    REQUEST = "request"                # document requests (调阅资料) and their items: the team's, and the target's liaison's
    FIELDWORK = "fieldwork"            # the team's fieldwork: interview lists, outlines, records, visits, leads
    SCHEDULE = "schedule"              # the interview schedule: times and rooms, never reasons or statements
    SURVEY = "survey"                  # surveys (民主测评, questionnaires): building, codes, results


class Purpose(StrEnum):
    READ = "read"
    WORK = "work"          # the day-to-day work: register, triage, draft, answer, report progress
    APPROVE = "approve"    # the decisions: approve, issue, sign off, reveal an identity


class Standing(StrEnum):
    OFFICE = "office"
    TEAM = "team"
    LEADER = "leader"
    LIAISON = "liaison"
    RECIPIENT = "recipient"


OF, T, L, LI, R = Standing.OFFICE, Standing.TEAM, Standing.LEADER, Standing.LIAISON, Standing.RECIPIENT

RULES: dict[tuple[Kind, Purpose], frozenset[Standing]] = {
    (Kind.INSPECTION, Purpose.READ): frozenset({OF, T, LI}),
    (Kind.INSPECTION, Purpose.WORK): frozenset({OF}),
    (Kind.INSPECTION, Purpose.APPROVE): frozenset({OF}),
    (Kind.CASE, Purpose.READ): frozenset({T}),
    (Kind.CASE, Purpose.WORK): frozenset({T}),
    (Kind.CASE, Purpose.APPROVE): frozenset({L}),
    (Kind.HANDOVER, Purpose.READ): frozenset({T, R}),
    (Kind.HANDOVER, Purpose.WORK): frozenset({R}),
    (Kind.HANDOVER, Purpose.APPROVE): frozenset({L}),
    (Kind.RECTIFICATION, Purpose.READ): frozenset({OF, T}),
    (Kind.RECTIFICATION, Purpose.WORK): frozenset({T}),
    (Kind.RECTIFICATION, Purpose.APPROVE): frozenset({OF, L}),
    (Kind.TARGET, Purpose.READ): frozenset({OF, T, LI}),
    (Kind.TARGET, Purpose.WORK): frozenset({LI}),
    (Kind.TARGET, Purpose.APPROVE): frozenset({OF, L}),
    (Kind.DASHBOARD, Purpose.READ): frozenset({OF, T}),
    (Kind.DASHBOARD, Purpose.WORK): frozenset(),
    (Kind.DASHBOARD, Purpose.APPROVE): frozenset(),
    # The liaison reads only requests already sent (a selector's state filter) and delivers; the team
    # reads the register (WORK of the team is Kind.CASE: drafting requests, recording where items are kept).
    (Kind.REQUEST, Purpose.READ): frozenset({T, LI}),
    (Kind.REQUEST, Purpose.WORK): frozenset({LI}),
    (Kind.REQUEST, Purpose.APPROVE): frozenset({L}),
    (Kind.FIELDWORK, Purpose.READ): frozenset({T}),
    (Kind.FIELDWORK, Purpose.WORK): frozenset({T}),
    (Kind.FIELDWORK, Purpose.APPROVE): frozenset({L}),
    (Kind.SCHEDULE, Purpose.READ): frozenset({OF, T, LI}),
    (Kind.SCHEDULE, Purpose.WORK): frozenset({T}),
    (Kind.SCHEDULE, Purpose.APPROVE): frozenset({L}),
    # The team builds and reads; the leader publishes; the office reads the results of every inspection.
    (Kind.SURVEY, Purpose.READ): frozenset({OF, T}),
    (Kind.SURVEY, Purpose.WORK): frozenset({T}),
    (Kind.SURVEY, Purpose.APPROVE): frozenset({L}),
}

# What an office named as co-organiser of an elevated inspection (提级巡察) reads of it: the schedule and
# the rectification, never the case file (reports, records) nor its figures.
CO_ORGANISER_READS = frozenset({Kind.INSPECTION, Kind.RECTIFICATION, Kind.TARGET})

NOTHING = Q(pk__in=[])
# Everything, as a condition that survives being OR-ed: Django drops an empty Q() from `Q() | x`, which
# would turn "everything or x" into "x".
EVERYTHING = Q(pk__isnull=False)


def _path(via: str, field: str) -> str:
    return f"{via}__{field}" if via else field


def _team_q(actor: Actor, teams: frozenset[int], via: str) -> Q:
    if not teams:
        return NOTHING
    q = Q(**{_path(via, "team_id__in"): sorted(teams)})
    if actor.conflicted_orgs:
        q &= ~Q(**{_path(via, "target_id__in"): sorted(actor.conflicted_orgs)})
    return q


def _office_reach(actor: Actor, purpose: Purpose) -> frozenset[int] | None:
    """The offices whose inspections an office admin reaches for `purpose` (None: all)."""
    return actor.offices if purpose is Purpose.READ else actor.own_offices


def _office_q(actor: Actor, kind: Kind, purpose: Purpose, via: str) -> Q:
    reach = _office_reach(actor, purpose) or frozenset()
    q = Q(**{_path(via, "office_id__in"): sorted(reach)}) if reach else NOTHING
    if purpose is Purpose.READ and kind in CO_ORGANISER_READS and actor.offices:
        q |= Q(**{_path(via, "co_organiser_id__in"): sorted(actor.offices)})
    return q


def _office_holds(actor: Actor, kind: Kind | None, purpose: Purpose, inspection: InspectionLike | None) -> bool:
    if not actor.is_office:
        return False
    reach = _office_reach(actor, purpose)
    if inspection is None or reach is None or inspection.office_id in reach:
        return True
    return (purpose is Purpose.READ and actor.offices is not None and (kind is None or kind in CO_ORGANISER_READS)
            and inspection.co_organiser_id in actor.offices)


def scope(user: Someone, kind: Kind, purpose: Purpose = Purpose.READ, *, via: str = "inspection", body: str = "body") -> Q:
    """A filter for the objects of `kind` the user may reach for `purpose`. `via` is the path from the
    queryset's rows to their inspection ("" for a queryset of inspections); `body` to their receiving
    body (handovers only)."""
    actor = actor_of(user)
    grants = RULES[(kind, purpose)]
    if OF in grants and actor.is_office and _office_reach(actor, purpose) is None:
        return EVERYTHING
    q = NOTHING
    if OF in grants and actor.is_office:
        q |= _office_q(actor, kind, purpose, via)
    if T in grants:
        q |= _team_q(actor, actor.teams, via)
    elif L in grants:
        q |= _team_q(actor, actor.led_teams, via)
    if LI in grants and actor.orgs:
        q |= Q(**{_path(via, "target_id__in"): sorted(actor.orgs)})
    if R in grants and actor.bodies:
        q |= Q(**{f"{body}_id__in": sorted(actor.bodies)})
    return q


def standings(user: Someone, inspection: InspectionLike | None, *, body_id: int | None = None,
              kind: Kind | None = None, purpose: Purpose = Purpose.READ) -> set[Standing]:
    """The standings the user holds on one inspection (and, for a handover, its body); the office's
    depends on what for (`kind`, `purpose`: its reach, see the table above)."""
    actor = actor_of(user)
    out: set[Standing] = set()
    if _office_holds(actor, kind, purpose, inspection):
        out.add(OF)
    if inspection is not None:
        unconflicted = inspection.target_id not in actor.conflicted_orgs
        if unconflicted and inspection.team_id in actor.teams:
            out.add(T)
        if unconflicted and inspection.team_id in actor.led_teams:
            out.add(L)
        if inspection.target_id in actor.orgs:
            out.add(LI)
    if body_id is not None and body_id in actor.bodies:
        out.add(R)
    return out


def allows(user: Someone, kind: Kind, purpose: Purpose, inspection: InspectionLike | None, *, body_id: int | None = None,
           even_filed: bool = False) -> bool:
    """Whether the user may reach one object of `kind` for `purpose` (its inspection given; a handover
    also gives its receiving body). The same rule as `scope()`, decided without a query.

    A filed inspection (立卷归档, `filed_at` set) is read-only: asked to work on or decide about it by
    someone the rules would let, this raises `Conflict` with the message users see (409 on the API),
    unless the question is only a probe (a page or API read: `probing()`) or the caller is the office's
    own reopen (`even_filed`). Every write service asks here, so every write path is covered."""
    grants = RULES[(kind, purpose)]
    held = standings(user, inspection, body_id=body_id, kind=kind, purpose=purpose)
    granted = bool(grants & held) or (T in grants and L in held)
    if granted and purpose is not Purpose.READ and not even_filed and not _probing.get():
        require_open(inspection)
    return granted


# Read-only after filing (docs/architecture.md, "立卷归档"). The message is the one every path shows.
FILED_MESSAGE = "该巡察任务已立卷归档，只能查阅，不能修改。确需修改的，请巡察办写明理由重新打开。"

_probing: ContextVar[bool] = ContextVar("xuncha_access_probing", default=False)


def is_filed(inspection: InspectionLike | None) -> bool:
    return inspection is not None and getattr(inspection, "filed_at", None) is not None


def require_open(inspection: InspectionLike | None) -> None:
    """Refuse a write to a filed inspection: for the writes no actor's rule covers (the mail fetcher, the
    public, the daily jobs), and for every `allows()` of work or a decision."""
    if is_filed(inspection):
        raise Conflict(FILED_MESSAGE)


@contextmanager
def probing() -> Iterator[None]:
    """Within: `allows()` answers what the rules say without refusing filed inspections, for reads that ask
    whether to show a button or a field (the middleware wraps GET and HEAD requests in it)."""
    token = _probing.set(True)
    try:
        yield
    finally:
        _probing.reset(token)

