"""Reads of the office tree and the inspectors' pool (巡察人员库). An office admin sees their offices and
the subtree below (xuncha.access: Actor.offices); the pool is the office's, people of the offices in reach."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings
from django.db.models import Avg, Q, QuerySet

from xuncha.access import actor_of
from xuncha.accounts.selectors import Someone
from xuncha.errors import NotFound

from .models import Expertise, Office, OfficeSettings, Person, PersonRelation, TargetOrg
from .models_offices import LIMITS

# A former post in the target within this many years is a conflict (曾在被巡察单位任职的回避期限).
FORMER_POST_YEARS = 5


def office_q(user: Someone, field: str = "office_id") -> Q:
    """Rows (rounds, targets, bodies, people) whose `field` office the office admin reads: their offices and
    the subtree below; everything for an admin at the root. Not an office admin: nothing."""
    actor = actor_of(user)
    if not actor.is_office:
        return Q(pk__in=[])
    if actor.offices is None:
        return Q(pk__isnull=False)
    return Q(**{f"{field}__in": sorted(actor.offices)})


def subtree_ids(office: Office) -> list[int]:
    """The office and every office below it (one query over the tree's edges)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Office.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    out, todo = [office.pk], [office.pk]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def office_list(*, user: Someone) -> QuerySet[Office]:
    """The offices the user may see (GET /api/v1/offices): the office admin's subtree; nobody else any."""
    return Office.objects.filter(office_q(user, "pk")).order_by("pk")


def office_get(*, user: Someone, pk: int) -> Office:
    office = office_list(user=user).filter(pk=pk).first()
    if office is None:
        raise NotFound
    return office


def office_inspections_q(office: Office, via: str = "") -> Q:
    """Inspections of the office's subtree (`via` the path to the inspection); the root's also takes the
    inspections of no office (those made before offices existed)."""
    prefix = f"{via}__" if via else ""
    q = Q(**{f"{prefix}office_id__in": subtree_ids(office)})
    if office.parent_id is None:
        q |= Q(**{f"{prefix}office__isnull": True})
    return q


# --- the pool ------------------------------------------------------------------------------------------


def person_list(*, user: Someone, expertise: str = "") -> QuerySet[Person]:
    """People in the pool of the offices the user reads (the office's only), by expertise."""
    actor = actor_of(user)
    if not actor.is_office:
        raise NotFound
    qs = Person.objects.all() if actor.offices is None else Person.objects.filter(office_id__in=sorted(actor.offices))
    if expertise:
        if expertise not in Expertise.values:
            return qs.none()
        qs = qs.filter(expertise__contains=f",{expertise},")
    return qs.select_related("unit_org").prefetch_related("relations__org").annotate(rating=Avg("rounds__rating"))


def person_get(*, user: Someone, pk: int) -> Person:
    person = person_list(user=user).filter(pk=pk).first()
    if person is None:
        raise NotFound
    return person


def person_conflict(person: Person, target: TargetOrg, today: dt.date) -> str | None:
    """Why the person may not inspect the target, or None: a declared spouse or relative there, a post there
    within FORMER_POST_YEARS, or working there (a cross inspection never sends someone to their own unit).
    Reads the person's prefetched relations when present."""
    if person.unit_org_id == target.pk:
        return f"本人所在单位即{target.name}（交叉巡察须回避本单位）"
    cutoff = dt.date(today.year - FORMER_POST_YEARS, today.month, min(today.day, 28))
    for rel in person.relations.all():
        if rel.org_id != target.pk:
            continue
        if rel.kind == PersonRelation.Kind.SPOUSE:
            return f"申报配偶在{target.name}任职"
        if rel.kind == PersonRelation.Kind.RELATIVE:
            return f"申报近亲属在{target.name}任职" + (f"（{rel.detail}）" if rel.detail else "")
        if rel.end_date is None or rel.end_date >= cutoff:
            until = f"至{rel.end_date}" if rel.end_date else "至今"
            return f"{FORMER_POST_YEARS}年内曾在{target.name}任职（{rel.start_date or ''}{until}）"
    return None


@dataclass
class Candidate:
    person: Person
    conflict: str | None
    covers: list[str] = field(default_factory=list)


def people_for_target(*, user: Someone, target: TargetOrg | None, expertise: str = "",
                      today: dt.date) -> list[Candidate]:
    """The pool with each person's conflict with the target (None without a target)."""
    return [Candidate(person=p, conflict=person_conflict(p, target, today) if target is not None else None)
            for p in person_list(user=user, expertise=expertise)]


def _gain(c: Candidate, uncovered: frozenset[str]) -> tuple[int, float, str]:
    rating = float(getattr(c.person, "rating", None) or 0)
    return (len(uncovered & set(c.person.expertise_codes)), rating, c.person.name)


def team_suggestions(*, user: Someone, target: TargetOrg, wanted: list[str], size: int, today: dt.date) -> list[Candidate]:
    """Suggested members for a team at the target: no one with a conflict; each pick covers the most wanted
    expertise not yet covered, then the best average rating (greedy, balancing the team's expertise)."""
    pool = [c for c in people_for_target(user=user, target=target, today=today) if c.conflict is None]
    wanted = [w for w in wanted if w in Expertise.values] or list(Expertise.values)
    uncovered: set[str] = set(wanted)
    picked: list[Candidate] = []
    while pool and len(picked) < size:
        now = frozenset(uncovered)
        best = max(pool, key=lambda c: _gain(c, now))
        pool.remove(best)
        best.covers = sorted(uncovered & set(best.person.expertise_codes))
        uncovered -= set(best.person.expertise_codes)
        if not uncovered:
            uncovered = set(wanted)
        picked.append(best)
    return picked


# --- per-office settings ---------------------------------------------------------------------------------


def office_chain(office_id: int | None, parents: dict[int, int | None] | None = None) -> list[int]:
    """The office and its ancestors, nearest first (no office: the root); `parents` {office: parent} when
    already read."""
    if parents is None:
        parents = dict(Office.objects.values_list("pk", "parent_id"))
    if office_id is None:
        office_id = next((pk for pk, parent in sorted(parents.items()) if parent is None), None)
    out: list[int] = []
    while office_id is not None and office_id not in out:
        out.append(office_id)
        office_id = parents.get(office_id)
    return out


def office_settings_chain(office_id: int | None) -> list[OfficeSettings]:
    chain = office_chain(office_id)
    rows = {s.office_id: s for s in OfficeSettings.objects.filter(office_id__in=chain)}
    return [rows[pk] for pk in chain if pk in rows]


def office_limit(office_id: int | None, name: str) -> int:
    """A time limit of the office (models_offices.LIMITS): its own, else the nearest office above's, else the
    deployment's setting."""
    return office_limit_map(name, office_id)[office_id]


def office_limit_map(name: str, only: int | None | Literal["all"] = "all") -> dict[int | None, int]:
    """A time limit of every office (or `only` that one), as office_limit gives it, in one query for the
    whole tree; the key None stands for the inspections of no office (the root's limit)."""
    default = int(getattr(settings, LIMITS[name][0]))  # an unknown limit is a KeyError, before any query
    rows = list(Office.objects.values_list("pk", "parent_id", f"settings__{name}"))
    parents = {pk: parent for pk, parent, _value in rows}
    own = {pk: int(value) for pk, _parent, value in rows if value is not None}
    root = next((pk for pk, parent in sorted(parents.items()) if parent is None), None)

    def limit(office_id: int | None) -> int:
        node, seen = root if office_id is None else office_id, set()
        while node is not None and node not in seen:
            if node in own:
                return own[node]
            seen.add(node)
            node = parents.get(node)
        return default

    wanted: list[int | None] = [*parents, None] if only == "all" else [only]
    return {pk: limit(pk) for pk in wanted}


def office_briefing_asks(office_id: int | None, kind: str) -> str:
    """What the office's briefing request asks a body of this kind ("" : the platform's default)."""
    for row in office_settings_chain(office_id):
        text = (row.briefing_asks or {}).get(kind, "")
        if text:
            return str(text)
    return ""


def office_term(office: Office, today: dt.date) -> tuple[dt.date, bool]:
    """The start of the office's current term (届) and whether it was set (inherited from above) or assumed
    (the last `term_years` years, five by default)."""
    rows = office_settings_chain(office.pk)
    start = next((r.term_start for r in rows if r.term_start is not None), None)
    if start is not None:
        return start, True
    years = rows[0].term_years if rows else 5
    return dt.date(today.year - years, today.month, min(today.day, 28)), False


def own_office_list(*, user: Someone) -> QuerySet[Office]:
    """The offices the office admin works on (theirs; every office for the root's admin)."""
    actor = actor_of(user)
    if not actor.is_office:
        return Office.objects.none()
    if actor.own_offices is None:
        return Office.objects.all()
    return Office.objects.filter(pk__in=sorted(actor.own_offices))


def office_edit_get(*, user: Someone, pk: int) -> Office:
    """An office whose name and place in the tree the user keeps (the admin of its parent; the root's for
    the root). Offices the user reads but does not keep: NotFound as well (the page offers nothing)."""
    office = office_get(user=user, pk=pk)
    own = actor_of(user).own_offices
    if own is not None and office.parent_id not in own:
        raise NotFound
    return office


def office_settings_get(*, user: Someone, pk: int) -> Office:
    """An office whose settings the user keeps (their own)."""
    office = office_get(user=user, pk=pk)
    own = actor_of(user).own_offices
    if own is not None and office.pk not in own:
        raise NotFound
    return office
