"""Reading the audit log: the auditor only.

accounts and audit are one layer (the platform, below the access policy): the auditor check reads the
role assignments directly (accounts.selectors.has_role), the primitive xuncha.access builds on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet

from xuncha.accounts.roles import Role
from xuncha.accounts.selectors import Someone, has_role
from xuncha.errors import NotFound

from .anchors import Anchor, read_anchor_file
from .chain import ChainReport
from .models import AuditEvent
from .verify import verify_chain


def audit_require_auditor(user: Someone) -> None:
    """Anyone but the auditor does not see the log at all: not found."""
    if not has_role(user, Role.AUDITOR):
        raise NotFound


def audit_event_list(*, user: Someone, actor: str = "", action: str = "", object_type: str = "",
                     date_from: dt.date | None = None, date_to: dt.date | None = None, q: str = "") -> QuerySet[AuditEvent]:
    audit_require_auditor(user)
    qs = AuditEvent.objects.all().order_by("-id")
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if action:
        # "channel." is a whole group of actions; any other value, one action.
        qs = qs.filter(action__startswith=action) if action.endswith(".") else qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    if q:
        qs = qs.filter(summary__icontains=q)
    return qs


def audit_chain_verify(*, anchor_files: Sequence[Path] = ()) -> ChainReport:
    """The chain and its anchors (the anchor file, plus copies the auditor kept): every problem, named."""
    return verify_chain(anchor_files=anchor_files)


def audit_anchor_list(*, user: Someone, limit: int = 30) -> list[Anchor]:
    """The latest anchors of the anchor file, newest first (the auditor only)."""
    audit_require_auditor(user)
    path: Path = settings.AUDIT_ANCHOR_FILE
    if not path.exists():
        return []
    return sorted(read_anchor_file(path).anchors, key=lambda a: a.seq, reverse=True)[:limit]


def audit_anchor_get(*, user: Someone, seq: int) -> Anchor:
    for anchor in audit_anchor_list(user=user, limit=10**9):
        if anchor.seq == seq:
            return anchor
    raise NotFound
