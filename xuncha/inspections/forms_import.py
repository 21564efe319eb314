"""Forms of the announcement import: the source, then one reviewed form per inspection."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms

from .forms import DATE
from .models import ChannelKind, RoundKind
from .services import HoursSpec

DAY_WORDS = {"工作日": "workdays", "每天": "everyday", "每日": "everyday"}
DAY_NAMES = {"workdays": "工作日", "everyday": "每天"}
_HOURS_ITEM = re.compile(r"^(工作日|每天|每日)?\s*(\d{1,2}):(\d{2})\s*[-—~至到]\s*(\d{1,2}):(\d{2})$")


def hours_to_text(hours: list[dict[str, str]]) -> str:
    return "；".join(f"{DAY_NAMES.get(h['days'], h['days'])} {h['start']}-{h['end']}" for h in hours)


def hours_from_text(text: str) -> list[HoursSpec]:
    """'工作日 08:30-11:30；每天 9:00-17:00' -> [(days, start, end), ...]."""
    result: list[HoursSpec] = []
    for raw in re.split(r"[；;，,\n]+", text.strip()):
        item = raw.strip()
        if not item:
            continue
        m = _HOURS_ITEM.match(item)
        if not m:
            raise forms.ValidationError(f"无法识别受理时间“{item}”，请按“工作日 08:30-11:30”或“每天 09:00-17:00”的格式填写，多段用“；”分隔。")
        days = DAY_WORDS[m.group(1) or "工作日"]
        try:
            start = dt.time(int(m.group(2)), int(m.group(3)))
            end = dt.time(int(m.group(4)), int(m.group(5)))
        except ValueError:
            raise forms.ValidationError(f"受理时间“{item}”中的时刻无效。")
        if start >= end:
            raise forms.ValidationError(f"受理时间“{item}”的开始时间须早于结束时间。")
        result.append((days, start, end))
    return result


class ImportSourceForm(forms.Form):
    text = forms.CharField(label="公告文字", widget=forms.Textarea(attrs={"rows": 12}), required=False,
                           help_text="粘贴已发布的巡察公告或动员会新闻稿全文")
    file = forms.FileField(label="或上传文件", required=False, help_text="支持 .txt、.docx、.doc、.html，5 MB 以内")
    published = forms.DateField(label="发布日期", widget=DATE, required=False,
                                help_text="文中日期未写年份、或写“即日起”时以此为准；留空则从文中推断")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError("请粘贴公告文字或上传文件。")
        return data


class ImportItemForm(forms.Form):
    include = forms.BooleanField(label="创建此项", required=False, initial=True)
    round = forms.CharField(label="巡察轮次", max_length=120)
    kind = forms.ChoiceField(label="巡察类型", choices=RoundKind.choices)
    organizer = forms.CharField(label="组织部署单位", max_length=120, required=False)
    team = forms.CharField(label="巡察组", max_length=120)
    targets = forms.CharField(label="被巡察党组织", widget=forms.Textarea(attrs={"rows": 2}), help_text="每行一个；每个单位创建一个巡察任务")
    start_date = forms.DateField(label="进驻日期", widget=DATE)
    working_days = forms.IntegerField(label="工作日数", min_value=1, max_value=400, required=False)
    end_date = forms.DateField(label="结束日期", widget=DATE, required=False)
    duration_text = forms.CharField(label="期限表述", max_length=60, required=False)
    intake_start = forms.DateField(label="信访受理开始", widget=DATE, required=False)
    intake_end = forms.DateField(label="信访受理截止", widget=DATE, required=False)
    postmark_counts = forms.BooleanField(label="信件以邮戳日期为准", required=False)
    scope = forms.CharField(label="受理范围", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_targets(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["targets"].splitlines() if line.strip()]
        if not names:
            raise forms.ValidationError("请填写被巡察党组织。")
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("working_days") and not data.get("end_date"):
            raise forms.ValidationError("请填写结束日期，或填写工作日数由系统计算。")
        return data


class ImportChannelForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ChannelKind.choices)
    value = forms.CharField(label="号码/地址", max_length=200, required=False)
    postcode = forms.CharField(label="邮编", max_length=6, required=False)
    location = forms.CharField(label="地点", max_length=200, required=False)
    hours = forms.CharField(label="受理时间", max_length=200, required=False, help_text="如：工作日 08:30-11:30；工作日 13:30-16:30")

    def clean_hours(self) -> list[HoursSpec]:
        return hours_from_text(self.cleaned_data.get("hours") or "")


ImportChannelFormSet = forms.formset_factory(ImportChannelForm, extra=1, can_delete=True)
