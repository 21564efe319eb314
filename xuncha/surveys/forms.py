"""Forms of the survey builder: the survey's settings, one question, a batch of codes, the text search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from xuncha.core.classify import DISCIPLINE_LABELS, FOCUS_LABELS
from xuncha.web import ChineseErrorsMixin

from .models import Group, QuestionType, Template

DT_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DT_FORMAT)


class SurveyForm(ChineseErrorsMixin, forms.Form):
    template = forms.ChoiceField(label="模板", choices=Template.choices)
    title = forms.CharField(label="标题", max_length=120, required=False, help_text="不填则用模板的标题")
    intro = forms.CharField(label="说明（显示在答卷开头）", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    opens_at = forms.DateTimeField(label="开始时间", required=False, widget=DateTimeInput(), input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M"],
                                   help_text="不填则为信访受理开始日")
    closes_at = forms.DateTimeField(label="截止时间", required=False, widget=DateTimeInput(), input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M"],
                                    help_text="不填则为信访受理截止日当天结束")
    codes_required = forms.BooleanField(label="凭测评码参加（按群体发放，每码一次）", required=False, initial=True)
    min_group_size = forms.IntegerField(label="结果显示的最少人数", min_value=1, max_value=100, initial=5,
                                        help_text="某一群体的答卷少于此数时不单独显示，以免推断出个人")
    persons = forms.CharField(label="领导班子成员（仅领导班子民主测评）", required=False, max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 4}), help_text="每行一人：姓名 职务，作为测评表的行")

    def persons_list(self) -> list[str]:
        return [line.strip() for line in str(self.cleaned_data.get("persons", "")).splitlines() if line.strip()]


class SettingsForm(ChineseErrorsMixin, forms.Form):
    title = forms.CharField(label="标题", max_length=120)
    intro = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    opens_at = forms.DateTimeField(label="开始时间", widget=DateTimeInput(), input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M"])
    closes_at = forms.DateTimeField(label="截止时间", widget=DateTimeInput(), input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M"])
    codes_required = forms.BooleanField(label="凭测评码参加", required=False)
    min_group_size = forms.IntegerField(label="结果显示的最少人数", min_value=1, max_value=100)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class QuestionForm(ChineseErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label="题型", choices=QuestionType.choices)
    text = forms.CharField(label="题目", max_length=300)
    choices = forms.CharField(label="选项（矩阵题为等次）", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=3000,
                              help_text="每行一个，如：好、较好、一般、差")
    rows = forms.CharField(label="矩阵的行（人员或事项）", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                           help_text="每行一个，仅矩阵题")
    scale = forms.IntegerField(label="评分的最高分", min_value=2, max_value=10, initial=5, required=False)
    required = forms.BooleanField(label="必答", required=False, initial=True)
    flag = forms.CharField(label="需关注的选项", required=False, max_length=300,
                           help_text="如“差”“不满意”，多个用顿号分隔；结果中标出其占比")
    show_if_question = forms.IntegerField(label="显示条件：第几题", required=False, min_value=1,
                                          help_text="只有该题选了下面的选项时才显示本题")
    show_if_label = forms.CharField(label="显示条件：选项", required=False, max_length=100)

    def spec(self, old: dict[str, Any] | None, earlier: list[dict[str, Any]]) -> dict[str, Any]:
        """The question spec, keeping the codes of options whose wording did not change."""
        d = self.cleaned_data
        old = old or {}

        def options(labels: list[str], previous: list[dict[str, str]], prefix: str) -> list[dict[str, str]]:
            known = {o["label"]: o["value"] for o in previous}
            used = set(known.values())
            out, n = [], 0
            for label in labels:
                value = known.get(label)
                if value is None:
                    n += 1
                    while f"{prefix}{n}" in used:
                        n += 1
                    value = f"{prefix}{n}"
                    used.add(value)
                out.append({"value": value, "label": label})
            return out

        choices = options(_lines(d.get("choices") or ""), old.get("choices", []), "c")
        rows = options(_lines(d.get("rows") or ""), old.get("rows", []), "r")
        by_label = {c["label"]: c["value"] for c in choices}
        flags = [by_label.get(f.strip(), f"?{f.strip()}") for f in str(d.get("flag") or "").replace("，", "、").split("、") if f.strip()]
        show_if = None
        if d.get("show_if_question"):
            ref = int(d["show_if_question"])
            target = earlier[ref - 1] if 0 < ref <= len(earlier) else {"choices": []}
            value = {c["label"]: c["value"] for c in target.get("choices", [])}.get(str(d.get("show_if_label", "")).strip(), "?")
            show_if = {"question": ref, "value": value}
        return {"kind": d["kind"], "text": d["text"], "choices": choices, "rows": rows, "scale": d.get("scale") or 5,
                "required": bool(d.get("required")), "flag_values": flags, "show_if": show_if}


def question_initial(spec: dict[str, Any], earlier: list[dict[str, Any]]) -> dict[str, Any]:
    labels = {c["value"]: c["label"] for c in spec["choices"]}
    show = spec.get("show_if")
    label = ""
    if show:
        ref = earlier[show["question"] - 1] if show["question"] <= len(earlier) else {"choices": []}
        label = {c["value"]: c["label"] for c in ref["choices"]}.get(show["value"], "")
    return {"kind": spec["kind"], "text": spec["text"], "choices": "\n".join(c["label"] for c in spec["choices"]),
            "rows": "\n".join(r["label"] for r in spec["rows"]), "scale": spec["scale"], "required": spec["required"],
            "flag": "、".join(labels.get(v, v) for v in spec["flag_values"]),
            "show_if_question": show["question"] if show else None, "show_if_label": label}


class CodesForm(ChineseErrorsMixin, forms.Form):
    group = forms.ChoiceField(label="参加群体", choices=[(v, lbl) for v, lbl in Group.choices if v != Group.PUBLIC])
    count = forms.IntegerField(label="数量", min_value=1, max_value=2000, initial=50)


class VoidForm(ChineseErrorsMixin, forms.Form):
    reason = forms.CharField(label="作废原因", max_length=300, error_messages={"required": "请填写作废原因。"},
                             widget=forms.TextInput(attrs={"placeholder": "如：纸条遗失、发错群体", "maxlength": 300}))


class TextSearchForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100)
    discipline = forms.ChoiceField(label="六项纪律", required=False, choices=[("", "全部"), *DISCIPLINE_LABELS.items()])
    focus = forms.ChoiceField(label="四个聚焦", required=False, choices=[("", "全部"), *FOCUS_LABELS.items()])


class ActionForm(forms.Form):
    """A button that posts no fields of its own."""


def local_input(moment: dt.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime(DT_FORMAT)
