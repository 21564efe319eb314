"""Forms of the talks pages."""

from __future__ import annotations

from typing import Any

from django import forms

from xuncha.core.classify import DISCIPLINE_LABELS, FOCUS_LABELS
from xuncha.inspections.models import TeamMember

from .models.talks import InterviewCategory, IntervieweeKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class InterviewForm(forms.Form):
    category = forms.ChoiceField(label="类别", choices=InterviewCategory.choices, initial=InterviewCategory.CHOSEN)
    kind = forms.ChoiceField(label="谈话对象类别（决定提纲模板）", choices=IntervieweeKind.choices, initial=IntervieweeKind.OTHER)
    name = forms.CharField(label="姓名", max_length=64)
    post = forms.CharField(label="单位、职务", max_length=120, required=False)
    contact = forms.CharField(label="联系方式", max_length=120, required=False, help_text="主动约谈的联系方式；加密保存。")
    topic = forms.CharField(label="约谈事项", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class _MemberChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_position_display()}）"


class _MembersChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.get_position_display()}）"


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(label="谈话时间", widget=DATETIME, input_formats=DATETIME_FORMATS)
    duration_minutes = forms.IntegerField(label="时长（分钟）", min_value=10, max_value=480, initial=60)
    room = forms.CharField(label="地点", max_length=80)
    interviewers = _MembersChoice(label="谈话人（至少 2 人）", queryset=TeamMember.objects.none(), widget=forms.CheckboxSelectMultiple)
    recorder = _MemberChoice(label="记录人", queryset=TeamMember.objects.none())
    reason = forms.CharField(label="改期理由（已安排的谈话改期时填写）", max_length=300, required=False)

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = members if members is not None else TeamMember.objects.none()
        self.fields["interviewers"].queryset = qs  # type: ignore[attr-defined]
        self.fields["recorder"].queryset = qs  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300)


class RelationForm(forms.Form):
    member = _MemberChoice(label="申报回避的组员", queryset=TeamMember.objects.none())
    reason = forms.CharField(label="回避事由", max_length=200)

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members if members is not None else TeamMember.objects.none()  # type: ignore[attr-defined]


class OutlineForm(forms.Form):
    outline = forms.CharField(label="谈话提纲", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 10}))


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="如：需核实谈话对象所述情况。理由将记入审计日志。")


DISCIPLINE_CHOICES = list(DISCIPLINE_LABELS.items())
FOCUS_CHOICES = [("", "（按建议或不填）"), *FOCUS_LABELS.items()]


class RecordForm(forms.Form):
    summary = forms.CharField(label="谈话摘要", max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    signed = forms.ChoiceField(label="谈话对象核对签字",
                               choices=[("scan", "上传签字页扫描件"), ("paper", "纸质签字（填写签字日期）"), ("none", "尚未签字")],
                               widget=forms.RadioSelect, initial="paper")
    signed_on = forms.DateField(label="签字日期", widget=DATE, required=False)
    signature = forms.FileField(label="签字页扫描件（PDF 或图片）", required=False)


class MatterForm(forms.Form):
    text = forms.CharField(label="反映事项", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    disciplines = forms.MultipleChoiceField(label="涉及纪律（不选则按系统建议）", choices=DISCIPLINE_CHOICES, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    focus = forms.ChoiceField(label="聚焦领域", choices=FOCUS_CHOICES, required=False)
    as_lead = forms.BooleanField(label="转为待核实问题", required=False)


MatterFormSet = forms.formset_factory(MatterForm, extra=3, max_num=50)


class MatterLeadForm(forms.Form):
    focus = forms.ChoiceField(label="聚焦领域", choices=FOCUS_CHOICES, required=False)
