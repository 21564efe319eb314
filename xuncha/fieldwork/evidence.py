"""What a finding (问题底稿) can cite as evidence, by kind: each app that keeps evidence registers a
resolver for its kind in its AppConfig.ready() (fieldwork: interviews, documents, visits, meetings;
surveys: survey results); rectification, above them all, resolves a citation through this registry
without importing them. A resolver returns None for an object the actor may not see or that belongs to
another inspection, and the caller answers 404/Invalid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EvidenceRef:
    kind: str
    id: int
    label: str  # e.g. "谈话记录 T-3（被谈话人已遮蔽）" — never an interviewee's or reporter's name
    url: str


# resolver(actor, inspection_id, object_id) -> EvidenceRef | None
Resolver = Callable[[Any, int, int], "EvidenceRef | None"]

KINDS: dict[str, tuple[str, Resolver]] = {}


def register(kind: str, label: str, resolver: Resolver) -> None:
    KINDS[kind] = (label, resolver)


def resolve(kind: str, *, actor: Any, inspection_id: int, object_id: int) -> EvidenceRef | None:
    entry = KINDS.get(kind)
    if entry is None:
        return None
    return entry[1](actor, inspection_id, object_id)


def kind_labels() -> dict[str, str]:
    return {kind: label for kind, (label, _) in KINDS.items()}
