"""The attachments a clue carries to its receiving body: the team leader chooses them before the clue is
listed for transfer (none by default; never one marked as showing the reporter's identity); the
recipient then opens those, and only those, from the clue's page (audited)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.intake.attachments import Opened, attachment_plaintext
from xuncha.intake.models import Attachment

from .models import Clue
from .selectors import recipient_clue_get


def clue_attachments_choose(*, actor: User, clue: Clue, attachment_ids: list[int], request: HttpRequest | None = None) -> Clue:
    inspection = clue.report.inspection
    if not allows(actor, Kind.CASE, Purpose.READ, inspection):
        raise NotFound
    if not allows(actor, Kind.CASE, Purpose.APPROVE, inspection):
        raise NotAllowed("只有本巡察组组长、副组长可以决定随线索移交的附件。")
    chosen = list(Attachment.objects.filter(report_id=clue.report_id, pk__in=attachment_ids))
    if len(chosen) != len(set(attachment_ids)):
        raise Invalid("所选附件不属于该信访件，请刷新后重试。")
    if any(a.contains_identity for a in chosen):
        raise Invalid("含反映人身份的附件不能随线索移交。")
    with transaction.atomic():
        locked = Clue.objects.select_for_update().get(pk=clue.pk)
        if locked.batch_id is not None:
            raise Conflict("该线索已列入移交清单，随附附件不能再更改。")
        locked.attachments.set(chosen)
        audit_record(actor=actor, action="clue.attachments", obj=clue.report, request=request,
                     summary=(f"决定信访件 {clue.report.reference} 的问题线索随附 {len(chosen)} 个附件："
                              f"{'、'.join(a.original_name for a in chosen) or '无'}"),
                     data={"clue": clue.pk, "attachments": sorted(a.pk for a in chosen)})
    return locked


def clue_attachments(clue: Clue) -> list[Attachment]:
    """What the clue carries (an attachment marked as identity after it was chosen stays out)."""
    return list(clue.attachments.filter(contains_identity=False).order_by("id"))


def clue_attachment_open(*, actor: User, clue_id: int, attachment_id: int, request: HttpRequest | None = None) -> Opened:
    """A recipient opens an attachment handed over with a clue of their body (audited); anything else 404."""
    clue = recipient_clue_get(user=actor, pk=clue_id)
    att = next((a for a in clue_attachments(clue) if a.pk == attachment_id), None)
    if att is None:
        raise NotFound
    audit_record(actor=actor, action="clue.attachment_open", obj=clue.report, request=request,
                 summary=f"接收单位打开移交线索（信访件 {clue.report.reference}）的附件“{att.original_name}”",
                 data={"clue": clue.pk, "attachment": att.pk})
    return Opened(attachment_plaintext(att), att.content_type, att.original_name, False)


def team_clue_get(*, user: User, pk: int) -> Clue:
    from xuncha.access import scope

    clue = (Clue.objects.filter(scope(user, Kind.CASE, via="report__inspection"), pk=pk)
            .select_related("report__inspection", "body", "batch").first())
    if clue is None:
        raise NotFound
    return clue
