"""The offices' pages (巡察办统计): the tree the office admin sees, and an office's figures rolled up over its
subtree, per office, per round and per year. The office role's only (anyone else: 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from xuncha.accounts.http import AuthedRequest
from xuncha.errors import NotFound
from xuncha.inspections.models import Office
from xuncha.inspections.selectors_offices import office_list

from .offices import office_rollup


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
    return render(request, "dashboard/offices.html", {"tree": _tree(offices)})


@login_required
def office_page(request: AuthedRequest, pk: int) -> HttpResponse:
    rollup = office_rollup(user=request.user, office_id=pk)
    return render(request, "dashboard/office.html", {"r": rollup, "office": rollup["office"]})
