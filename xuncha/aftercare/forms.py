"""The forms of aftercare: the publication's introduction, an exemption, an indicator, the score sheet
(built from the assessment's lines), the 回头看 creation and a 整改不到位 mark."""

from __future__ import annotations

from typing import Any

from django import forms

from xuncha.inspections.models import Inspection, Round, Team
from xuncha.rectification.models import Finding
from xuncha.web import ChineseErrorsMixin

from .models import Assessment, ExemptionReason, ItemRating
from .services import MAX_INTRO


class ActionForm(forms.Form):
    """A button with no fields of its own; a refusal of the service lands here."""


class PublishForm(ChineseErrorsMixin, forms.Form):
    intro = forms.CharField(label="公开说明", required=False, max_length=MAX_INTRO, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="留空则使用标准表述。不得写入反映人、谈话对象或被反映人的姓名。")


class ExemptionForm(ChineseErrorsMixin, forms.Form):
    reason = forms.ChoiceField(label="不予公开的理由", choices=[("", "——"), *ExemptionReason.choices])
    note = forms.CharField(label="说明", required=False, max_length=200)


class IndicatorForm(ChineseErrorsMixin, forms.Form):
    name = forms.CharField(label="指标", max_length=60)
    max_score = forms.IntegerField(label="分值", min_value=1, max_value=100)
    hint = forms.CharField(label="评分说明", required=False, max_length=200)
    order = forms.IntegerField(label="顺序", min_value=0, max_value=999, initial=0)
    active = forms.BooleanField(label="启用", required=False, initial=True)


class ScoreSheetForm(ChineseErrorsMixin, forms.Form):
    """One score and note per indicator line (`ind_<id>`, `ind_<id>_note`), one rating, score and note per
    item (`item_<id>_rating`, `item_<id>`, `item_<id>_note`), and the conclusion."""

    conclusion = forms.CharField(label="评估结论", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(assessment.indicator_scores.all())
        self.scores = list(assessment.item_scores.select_related("item", "item__finding"))
        self.initial.setdefault("conclusion", assessment.conclusion)
        for line in self.lines:
            self.fields[f"ind_{line.pk}"] = forms.CharField(label=f"{line.name}（{line.max_score}分）", required=False, max_length=10,
                                                          initial="" if line.score is None else str(line.score))
            self.fields[f"ind_{line.pk}_note"] = forms.CharField(label="说明", required=False, max_length=300, initial=line.note)
        for s in self.scores:
            self.fields[f"item_{s.item_id}_rating"] = forms.ChoiceField(label=f"事项{s.item.number}评价", choices=ItemRating.choices,
                                                                      initial=s.rating)
            self.fields[f"item_{s.item_id}"] = forms.CharField(label=f"事项{s.item.number}得分", required=False, max_length=10,
                                                             initial=str(s.score))
            self.fields[f"item_{s.item_id}_note"] = forms.CharField(label="说明", required=False, max_length=300, initial=s.note)

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [(line, self[f"ind_{line.pk}"], self[f"ind_{line.pk}_note"]) for line in self.lines]

    def item_rows(self) -> list[tuple[Any, Any, Any, Any]]:
        return [(s, self[f"item_{s.item_id}_rating"], self[f"item_{s.item_id}"], self[f"item_{s.item_id}_note"]) for s in self.scores]


class RevisitForm(ChineseErrorsMixin, forms.Form):
    round = forms.ModelChoiceField(label="巡察轮次", queryset=Round.objects.none())
    team = forms.ModelChoiceField(label="巡察组", queryset=Team.objects.none())
    start_date = forms.DateField(label="进驻日期", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    working_days = forms.IntegerField(label="工作日数", required=False, min_value=1, max_value=400,
                                      help_text="按“N个工作日”确定期限时填写，结束日期据此计算")

    def __init__(self, *args: Any, rounds: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("end_date") and not data.get("working_days") and not self.errors:
            raise forms.ValidationError("请填写结束日期或工作日数。")
        return data


class MarkForm(ChineseErrorsMixin, forms.Form):
    finding = forms.ModelChoiceField(label="本次巡察的问题", queryset=Finding.objects.none())
    earlier = forms.ModelChoiceField(label="对照的原问题", queryset=Finding.objects.none())
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args: Any, inspection: Inspection, own: Any, earlier: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = own  # type: ignore[attr-defined]
        self.fields["earlier"].queryset = earlier  # type: ignore[attr-defined]
        self.fields["finding"].label_from_instance = str  # type: ignore[attr-defined]
        self.fields["earlier"].label_from_instance = str  # type: ignore[attr-defined]
