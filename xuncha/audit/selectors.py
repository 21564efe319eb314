"""Reading the audit log: the auditor only.

accounts and audit are one layer (the platform, below the access policy): the auditor check reads the
role assignments directly (accounts.selectors.has_role), the primitive xuncha.access builds on.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from xuncha.accounts.roles import Role
from xuncha.accounts.selectors import Someone, has_role
from xuncha.errors import NotFound

from .chain import GENESIS, ChainReport, canonical, link_hash
from .models import AuditChainHead, AuditEvent


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


def audit_chain_verify() -> ChainReport:
    """Walk the chain in order and name the first broken link."""
    prev = GENESIS
    checked = 0
    last_id = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return ChainReport(False, checked, event.pk, "前序哈希不符：其前一条事件被删除或篡改")
        expected = link_hash(prev, canonical(
            at=event.at, actor_id=event.actor_id, actor_name=event.actor_name, action=event.action,
            object_type=event.object_type, object_id=event.object_id, summary=event.summary,
            data=event.data, ip=event.ip,
        ))
        if event.hash != expected:
            return ChainReport(False, checked, event.pk, "内容哈希不符：该事件内容被修改")
        prev = event.hash
        last_id = event.pk
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev or head.count != checked):
        return ChainReport(False, checked, head.last_id or last_id, "链尾不符：最后的事件被删除")
    return ChainReport(True, checked)
