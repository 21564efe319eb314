"""The offices' pages (巡察办统计): the tree the office admin sees, and an office's figures rolled up over its
subtree, per office, per round and per year. The office role's only (anyone else: 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from xuncha.access import actor_of
from xuncha.accounts.http import AuthedRequest
from xuncha.errors import NotFound
from xuncha.inspections.models import Office
from xuncha.inspections.selectors_offices import office_list, own_office_list

from .offices import office_rollup
from .registry import registry


def _tree(offices: list[Office]) -> list[tuple[str, Office]]:
    """The offices in tree order with their depth (an office whose parent is out of view starts a tree)."""
    ids = {o.pk for o in offices}
    children: dict[int | None, list[Office]] = {}
    for o in offices:
        children.setdefault(o.parent_id if o.parent_id in ids else None, []).append(o)
    out: list[tuple[str, Office]] = []

    def walk(parent: int | None, depth: int) -> None:
        for o in children.get(parent, []):
            out.append(("　" * depth + ("└ " if depth else ""), o))
            walk(o.pk, depth + 1)

    walk(None, 0)
    return out


@login_required
def office_index(request: AuthedRequest) -> HttpResponse:
    offices = list(office_list(user=request.user))
    if not offices:
        raise NotFound
    own = set(own_office_list(user=request.user).values_list("pk", flat=True))
    own_all = actor_of(request.user).own_offices is None
    editable = {o.pk for o in offices if o.parent_id in own or (o.parent_id is None and own_all)}
    return render(request, "dashboard/offices.html", {"tree": _tree(offices), "own": own, "editable": editable,
                                                      "can_create": bool(own)})


@login_required
def office_page(request: AuthedRequest, pk: int) -> HttpResponse:
    rollup = office_rollup(user=request.user, office_id=pk)
    return render(request, "dashboard/office.html", {"r": rollup, "office": rollup["office"]})


@login_required
def office_registry(request: AuthedRequest, pk: int) -> HttpResponse:
    """被巡察党组织名录 with the term's coverage (?uncovered=1: those not inspected yet this term)."""
    data = registry(user=request.user, office_id=pk, uncovered_only=request.GET.get("uncovered") == "1")
    return render(request, "dashboard/registry.html", {"r": data, "office": data["office"]})
