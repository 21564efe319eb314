"""The scope proposal of docs/architecture.md §5 rule 5 (pure: no database).

In scope: a subject of the three categories (班子成员, 下一级党组织主要负责人, 重要岗位领导干部) AND a
matter of the six disciplines. A report received outside the acceptance window takes its own route
(期外: referred to the standing channels or kept for reference), whatever its content.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xuncha.core.classify import DISCIPLINE_LABELS
from xuncha.intake.models import SCOPE_CATEGORIES, SubjectCategory

from .models import Scope


@dataclass(frozen=True)
class ScopeProposal:
    scope: str
    reason: str


def _names(subjects: Iterable[tuple[str, str]], wanted: set[str]) -> str:
    return "、".join(f"{name}（{SubjectCategory(cat).label}）" for name, cat in subjects if cat in wanted)


def propose_scope(*, in_window: bool, subjects: list[tuple[str, str]], disciplines: list[str],
                  labels_confirmed: bool) -> ScopeProposal:
    """`subjects` are (name, category) pairs; `disciplines` the effective discipline codes."""
    if not in_window:
        return ScopeProposal(Scope.OUT_OF_WINDOW, "受理期外收到，按期外信访件办理：转有关部门按规定处理，或存查备考。")
    matters = "、".join(DISCIPLINE_LABELS[d] for d in disciplines)
    scoped = _names(subjects, set(SCOPE_CATEGORIES))
    if scoped and disciplines:
        return ScopeProposal(Scope.IN, f"被反映人{scoped}属于受理对象，反映问题涉及{matters}。")
    if not subjects:
        return ScopeProposal(Scope.PENDING, "未登记被反映人，请先确认被反映人及其类别。")
    unsure = _names(subjects, {SubjectCategory.UNSURE})
    if not scoped and unsure:
        return ScopeProposal(Scope.PENDING, f"被反映人{unsure}的类别尚未确定，请核实其职务。")
    if not scoped:
        others = "、".join(name for name, _ in subjects)
        return ScopeProposal(Scope.OUT, f"被反映人{others}不属于领导班子成员、下一级党组织主要负责人或重要岗位领导干部，"
                                        "建议按规定转有关部门处理。")
    if labels_confirmed:
        return ScopeProposal(Scope.OUT, "经确认，反映问题不涉及六项纪律，建议按规定转有关部门处理。")
    return ScopeProposal(Scope.PENDING, f"被反映人{scoped}属于受理对象，但未识别出涉及的纪律，请确认问题类别。")
