"""Staff pages of a report's attachments: the viewer (images and PDFs inline, the text read from them
beside with each line's box), the file itself (audited; Office files are downloaded), the "contains
identity" mark, a leader's reasoned reveal, and the member's confirmation of machine-read content."""

from __future__ import annotations

import io
import time
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.http import AuthedRequest
from xuncha.audit.services import audit_record
from xuncha.web import form_submit

from . import services
from .attachments import (
    INLINE_TYPES,
    attachment_get,
    attachment_mark_identity,
    attachment_masked_for,
    attachment_open,
    attachment_reveal,
    attachment_text,
)
from .forms import AttachmentRevealForm, ContentConfirmForm
from .models import Attachment
from .selectors import report_get

REVEAL_SECONDS = 15 * 60
# The file itself, shown in the viewer page: nothing in it may run or load anything; only our own pages
# may frame it (the PDF viewer).
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"


def _reveal_key(pk: int) -> str:
    return f"xuncha:attachment-reveal:{pk}"


def _revealed(request: AuthedRequest, att: Attachment) -> bool:
    """A leader's reveal holds for a short while in their session (the reveal itself is audited)."""
    at = request.session.get(_reveal_key(att.pk))
    return isinstance(at, int | float) and time.time() - at < REVEAL_SECONDS


def _image_size(att: Attachment, content: bytes | None) -> tuple[int, int] | None:
    if content is None or not att.is_image:
        return None
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as img:
            return img.size
    except Exception:  # noqa: BLE001 - a broken image is shown without its boxes
        return None


def _viewer(request: AuthedRequest, att: Attachment, reveal_form: AttachmentRevealForm) -> HttpResponse:
    user = request.user
    revealed = _revealed(request, att)
    masked = attachment_masked_for(user=user, attachment=att, revealed=revealed)
    read = attachment_text(user=user, attachment=att, revealed=revealed) if att.ocr_status == "done" else None
    size = None
    if read and read.lines and not masked and att.is_image:
        from .attachments import attachment_plaintext

        size = _image_size(att, attachment_plaintext(att))
    report = att.report
    audit_record(actor=user, action="attachment.view", obj=report, request=request,
                 summary=f"查看信访件 {report.reference} 的附件“{att.original_name}”{'（已遮蔽）' if masked else ''}",
                 data={"attachment": att.pk, "masked": masked})
    return render(request, "intake/attachment.html", {
        "att": att, "report": report, "masked": masked, "read": read, "size": size,
        "lines": [{"text": line["text"], "x": line["box"][0], "y": line["box"][1], "w": line["box"][2] - line["box"][0],
                   "h": line["box"][3] - line["box"][1]} for line in (read.lines if read and size else [])],
        "inline": att.content_type in INLINE_TYPES and not (masked and not att.is_image),
        "can_reveal": att.contains_identity and not revealed and allows(user, Kind.CASE, Purpose.APPROVE, report.inspection),
        "can_unmark": allows(user, Kind.CASE, Purpose.APPROVE, report.inspection),
        "reveal_form": reveal_form,
    })


@login_required
@never_cache
def attachment_viewer(request: AuthedRequest, pk: int) -> HttpResponse:
    return _viewer(request, attachment_get(user=request.user, pk=pk), AttachmentRevealForm())


@login_required
@never_cache
def attachment_file(request: AuthedRequest, pk: int) -> HttpResponse:
    att = attachment_get(user=request.user, pk=pk)
    opened = attachment_open(actor=request.user, attachment=att, revealed=_revealed(request, att), request=request)
    return file_response(opened.content, opened.content_type, opened.name,
                         inline=opened.content_type in INLINE_TYPES and request.GET.get("download") != "1")


def file_response(content: bytes, content_type: str, name: str, *, inline: bool) -> HttpResponse:
    """An attachment's bytes: inline (images, PDFs) under a CSP that lets nothing in it run, or a download."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(name)}"
    response["Content-Security-Policy"] = FILE_CSP
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_identity(request: AuthedRequest, pk: int) -> HttpResponse:
    att = attachment_get(user=request.user, pk=pk)
    contains = request.POST.get("contains") == "1"
    attachment_mark_identity(actor=request.user, attachment=att, contains=contains, request=request)
    messages.success(request, "已标记为含反映人身份：组员看到的是遮蔽后的图像。" if contains else "已取消“含反映人身份”标记。")
    return redirect("intake:attachment", pk=att.pk)


@login_required
@require_POST
@never_cache
def attachment_reveal_view(request: AuthedRequest, pk: int) -> HttpResponse:
    att = attachment_get(user=request.user, pk=pk)
    form = AttachmentRevealForm(request.POST)
    done = form_submit(form, lambda d: attachment_reveal(actor=request.user, attachment=att, reason=d["reason"], request=request))
    if done:
        request.session[_reveal_key(att.pk)] = time.time()
        return redirect("intake:attachment", pk=att.pk)
    return _viewer(request, att, form)


@login_required
@never_cache
def content_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    report = report_get(user=request.user, pk=pk)
    form = ContentConfirmForm(request.POST or None, initial={"content": report.content})
    if request.method == "POST":
        done = form_submit(form, lambda d: services.report_content_confirm(actor=request.user, report=report, content=d["content"],
                                                                           request=request))
        if done is not None:
            messages.success(request, "反映内容已确认。")
            return redirect("intake:report", pk=report.pk)
    return render(request, "intake/content_confirm.html", {
        "report": report, "form": form, "attachments": [a for a in report.attachments.all() if a.ocr_status == "done"]})
