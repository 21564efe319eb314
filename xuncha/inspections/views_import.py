"""The announcement import page: paste or upload, review every extracted fact beside its sentence, create."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render

from xuncha.accounts.http import AuthedRequest
from xuncha.core.announcement import parse_announcement
from xuncha.core.announcement.sources import UnreadableFile, read_announcement_file
from xuncha.errors import messages_of
from xuncha.web import FORM_ERRORS

from .forms_import import ImportChannelFormSet, ImportItemForm, ImportSourceForm, hours_to_text
from .selectors import calendar_get
from .services_import import ChannelSpec, ImportItem, announcement_import
from .views import _require_planner

log = logging.getLogger(__name__)
MAX_ITEMS = 50

ITEM_FIELDS = ("round", "kind", "team", "targets", "start_date", "working_days", "end_date", "duration_text",
               "intake_start", "intake_end", "postmark_counts", "scope")


# Which field a parser warning is about (its first words); the rest go to the channels or the whole text.
_WARNING_FIELDS = (
    ("未找到巡察开始日期", "start_date"), ("进驻日期为区间", "start_date"), ("“即日起”", "start_date"),
    ("巡察时间按“同期”", "start_date"), ("结束日期系根据", "end_date"), ("未能确定结束日期", "end_date"),
    ("未能确定信访受理截止日期", "intake_end"), ("未找到巡察组", "team"), ("未找到被巡察党组织", "targets"),
    ("未找到受理范围", "scope"),
)
# Fields shown empty with a note when the parser found nothing (nothing is guessed).
_NOTE_WHEN_EMPTY = ("round", "kind", "team", "targets", "start_date", "end_date", "intake_start", "intake_end", "scope")


def _field_warnings(insp: dict[str, Any], own: list[str]) -> dict[str, list[str]]:
    """{field name: warnings to show next to it} for one inspection."""
    out: dict[str, list[str]] = {}
    for warning in own:
        field = next((f for start, f in _WARNING_FIELDS if warning.startswith(start)), None)
        if field:
            out.setdefault(field, []).append(warning)
    for field in _NOTE_WHEN_EMPTY:
        if not insp.get(field) and field not in out and insp:
            out[field] = ["原文中未找到，请据实填写或留空"]
    return out


def _item_initial(insp: dict[str, Any]) -> dict[str, Any]:
    initial = {k: insp.get(k) for k in ITEM_FIELDS if insp.get(k) is not None}
    initial["targets"] = "\n".join(insp.get("targets") or [])
    initial["include"] = True
    return initial


def _channel_initial(channel: dict[str, Any]) -> dict[str, Any]:
    return {"kind": channel["kind"], "value": channel.get("value") or "", "postcode": channel.get("postcode") or "",
            "location": channel.get("location") or "", "hours": hours_to_text(channel.get("hours") or [])}


def _blocks(parsed: dict[str, Any], data: QueryDict | None, count: int) -> list[dict[str, Any]]:
    """One block per inspection: its form, its channel formset and the sentences they came from."""
    inspections = parsed.get("inspections", [])
    blocks = []
    for n in range(count):
        insp = inspections[n] if n < len(inspections) else {"channels": []}
        channels = insp.get("channels", [])
        form = ImportItemForm(data, prefix=f"i{n}", initial=_item_initial(insp))
        formset = ImportChannelFormSet(data, prefix=f"i{n}-ch", initial=[_channel_initial(c) for c in channels])
        sources = insp.get("sources", {})
        own = parsed.get("inspection_warnings") or []
        notes = _field_warnings(insp if "sources" in insp else {}, own[n] if n < len(own) else [])
        rows = [(field, sources.get(field.name, ""), notes.get(field.name, [])) for field in form
                if field.name != "include"]
        channel_rows = [(f, channels[i].get("source", "") if i < len(channels) else "") for i, f in enumerate(formset.forms)]
        channel_notes = [w for w in (own[n] if n < len(own) else []) if w.startswith(("未找到受理", "受理时间未注明"))
                         and w != "未找到受理范围"]
        blocks.append({"n": n, "form": form, "formset": formset, "rows": rows, "channel_rows": channel_rows,
                       "channel_notes": channel_notes, "supervision_phones": insp.get("supervision_phones") or []})
    return blocks


def _review(request: AuthedRequest, parsed: dict[str, Any], blocks: list[dict[str, Any]], error: str = "") -> HttpResponse:
    return render(request, "inspections/import_review.html", {
        "parsed": parsed, "parsed_json": json.dumps(parsed, ensure_ascii=False), "blocks": blocks,
        "count": len(blocks), "error": error,
    })


def _item(block: dict[str, Any]) -> ImportItem:
    data = block["form"].cleaned_data
    channels = [ChannelSpec(kind=f.cleaned_data["kind"], value=f.cleaned_data.get("value", ""),
                            postcode=f.cleaned_data.get("postcode", ""), location=f.cleaned_data.get("location", ""),
                            hours=f.cleaned_data.get("hours") or [])
                for f in block["formset"].forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE") and (f.cleaned_data.get("value") or f.cleaned_data.get("location"))]
    return ImportItem(round=data["round"], kind=data["kind"], organizer=data.get("organizer", ""), team=data["team"],
                      targets=data["targets"], start_date=data["start_date"], end_date=data.get("end_date"),
                      working_days=data.get("working_days"), duration_text=data.get("duration_text", ""),
                      intake_start=data.get("intake_start"), intake_end=data.get("intake_end"),
                      postmark_counts=data.get("postmark_counts", False), scope=data.get("scope", ""), channels=channels)


def _create(request: AuthedRequest) -> HttpResponse:
    try:
        parsed = json.loads(request.POST.get("parsed_json") or "{}")
        count = max(0, min(MAX_ITEMS, int(request.POST.get("count", "0"))))
    except (ValueError, TypeError):
        parsed, count = {}, 0
    blocks = _blocks(parsed, request.POST, count)
    included = [b for b in blocks if b["form"].is_valid() and b["form"].cleaned_data.get("include")]
    excluded = [b for b in blocks if b["form"].is_valid() and not b["form"].cleaned_data.get("include")]
    invalid = [b for b in blocks if b not in included and b not in excluded and request.POST.get(f"i{b['n']}-include")]
    if invalid or any(not b["formset"].is_valid() for b in included):
        return _review(request, parsed, blocks, "请先改正标出的错误。")
    if not included:
        return _review(request, parsed, blocks, "请至少勾选一项创建。")
    try:
        created = announcement_import(actor=request.user, items=[_item(b) for b in included],
                                      source_text=parsed.get("clean_text", ""), request=request)
    except FORM_ERRORS as exc:  # the review page shows the refusal above the forms, keeping every entry
        return _review(request, parsed, blocks, "；".join(messages_of(exc)))
    messages.success(request, f"已根据公告创建{len(created)}个巡察任务，请核对后补充动员会等信息。")
    if len(created) == 1:
        return redirect("inspections:detail", pk=created[0].pk)
    return redirect("inspections:list")


@login_required
def announcement_import_view(request: AuthedRequest) -> HttpResponse:
    _require_planner(request)
    if request.method == "POST" and "create" in request.POST:
        return _create(request)
    form = ImportSourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        text = form.cleaned_data.get("text") or ""
        try:
            if upload is not None:
                text = read_announcement_file(upload.name or "", upload.read())
        except UnreadableFile as exc:
            form.add_error("file", str(exc))
        else:
            try:
                parsed = parse_announcement(text, form.cleaned_data.get("published"),
                                            add_working_days=calendar_get().add_working_days)
            except Exception:
                log.exception("announcement parse failed")
                form.add_error(None, "公告解析失败，请检查文字是否完整，或手工新建巡察任务。您粘贴的文字已保留。")
            else:
                count = max(1, len(parsed["inspections"]))
                return _review(request, parsed, _blocks(parsed, None, min(count, MAX_ITEMS)))
    return render(request, "inspections/import_source.html", {"form": form})
