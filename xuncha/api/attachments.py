"""Attachments over the API: a report's list, the file (audited; 404 for anyone but the team), the text
read from it with each line's box. Registration with files is the intake operation (multipart)."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.intake.attachments import INLINE_TYPES, attachment_get, attachment_list, attachment_open, attachment_text
from xuncha.intake.models import OcrStatus
from xuncha.intake.selectors import report_get
from xuncha.intake.views_attachments import file_response

from .schemas import enum_of

router = Router(tags=["附件"])


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    sm3: str
    ocr_status: str
    contains_identity: bool


class LineOut(Schema):
    text: str
    box: list[int]


class TextOut(Schema):
    text: str
    lines: list[LineOut]
    engine: str
    withheld: bool
    note: str = Field("", description="识别说明：识别失败的原因，或“识别可信度低，请对照原件”（附平均可信度）；没有时为空")


class ErrorsOut(Schema):
    detail: str
    errors: list[str] = []


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@router.get("/reports/{report_id}/attachments", response={200: list[AttachmentOut], 404: ErrorsOut},
            openapi_extra={"responses": {"200": {"description": "附件列表；ocr_status 取值："
                                                                + "、".join(OcrStatus.values)}}})
def report_attachments(request: HttpRequest, report_id: int) -> list[dict[str, Any]]:
    """The attachments of a report (the team of its inspection only): name, size, type, SM3 of the plaintext,
    the state of its text reading and whether it is marked as showing the reporter's identity."""
    report = report_get(user=_user(request), pk=report_id)
    return [{"id": a.pk, "name": a.original_name, "size": a.size, "content_type": a.content_type, "sm3": a.sm3,
             "ocr_status": a.ocr_status, "contains_identity": a.contains_identity}
            for a in attachment_list(user=_user(request), report=report)]


@router.get("/attachments/{attachment_id}", response={200: None, 403: ErrorsOut, 404: ErrorsOut},
            openapi_extra={"responses": {"200": {"description": "附件原件（图片、PDF 以 inline 返回，其余以下载返回）。"
                                                                "标为含反映人身份的：组员得到模糊处理后的 PNG 图片，其他类型答 403。",
                                                 "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                                                             "image/*": {"schema": {"type": "string", "format": "binary"}},
                                                             "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}})
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """The file of an attachment (the team of the report's inspection only; anyone else 404). Audited."""
    att = attachment_get(user=_user(request), pk=attachment_id)
    opened = attachment_open(actor=_user(request), attachment=att, request=request)
    return file_response(opened.content, opened.content_type, opened.name, inline=opened.content_type in INLINE_TYPES)


@router.get("/attachments/{attachment_id}/text", response={200: TextOut, 404: ErrorsOut})
def attachment_text_read(request: HttpRequest, attachment_id: int) -> dict[str, Any]:
    """The text read from an attachment (OCR, or its text layer) and each line with its box [x0, y0, x1, y1]
    in the image's pixels. Withheld (empty, `withheld` true) from members when it shows the reporter's identity.
    `note`: why the reading failed, or that the engine was unsure (low confidence). Audited."""
    att = attachment_get(user=_user(request), pk=attachment_id)
    read = attachment_text(user=_user(request), attachment=att) if att.ocr_status == OcrStatus.DONE else None
    audit_record(actor=request.user, action="attachment.text", obj=att.report, request=request,
                 summary=f"接口读取信访件 {att.report.reference} 附件“{att.original_name}”的识别文字",
                 data={"attachment": att.pk, "withheld": bool(read and read.withheld)})
    if read is None:
        return {"text": "", "lines": [], "engine": "", "withheld": False, "note": att.text_error}
    return {"text": read.text, "lines": [{"text": line["text"], "box": [int(v) for v in line["box"]]} for line in read.lines],
            "engine": read.engine, "withheld": read.withheld, "note": att.text_error}


__all__ = ["enum_of", "router"]
