"""What the writes of rectification share: the leader's check, per-inspection numbering under a row
lock, and saving evidence files (removed again if the transaction rolls back)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Max

from xuncha.accounts.models import User
from xuncha.errors import Invalid, NotAllowed
from xuncha.inspections.models import Inspection
from xuncha.uploads import CheckedFile, check_files

from ..access import is_team_leader
from ..models import Evidence, Finding, ImmediateNotice, NoticeAnswer, ProgressReport, RectificationItem

LEADER_ONLY = "只有本巡察组组长、副组长可以{}。"


def leader_check(actor: User, inspection: Inspection, what: str) -> None:
    """Only the team's leader (or deputy) decides; a member is told so on the form."""
    if not is_team_leader(actor, inspection):
        raise NotAllowed(LEADER_ONLY.format(what))


def lock_inspection(inspection_id: int) -> None:
    """A row lock on the inspection: numbering and one-per-inspection rules serialise on it."""
    Inspection.objects.select_for_update().filter(pk=inspection_id).values_list("pk", flat=True).first()


def next_number(model: type[Finding] | type[ImmediateNotice] | type[RectificationItem], inspection: Inspection) -> int:
    """The next number of a finding, notice or item of an inspection, under a row lock on the inspection."""
    lock_inspection(inspection.pk)
    return (model.objects.filter(inspection=inspection).aggregate(m=Max("number"))["m"] or 0) + 1


def files_checked(files: Sequence[UploadedFile[bytes]]) -> list[CheckedFile]:
    """The uploads checked (size, count, type by content); Invalid with one message per problem file."""
    try:
        return check_files(list(files))
    except ValidationError as exc:
        raise Invalid(exc.messages) from None


def evidence_save(saved: list[str], checked: Sequence[CheckedFile], *, actor: User, prefix: str,
                  answer: NoticeAnswer | None = None, progress: ProgressReport | None = None) -> None:
    """Store checked files as evidence of a notice answer or a progress report; each stored name is
    appended to `saved` (the list of xuncha.uploads.removed_on_failure)."""
    for f in checked:
        evidence = Evidence(answer=answer, progress=progress, original_name=f.name, content_type=f.content_type,
                            size=len(f.content), sha256=f.sha256, uploaded_by=actor)
        evidence.file.save(f"{prefix}-{f.sha256[:16]}", ContentFile(f.content), save=False)
        saved.append(str(evidence.file.name))
        evidence.save()
