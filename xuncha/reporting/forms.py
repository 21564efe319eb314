"""The forms of reporting: a special report's topic and findings, the text of a version, a step's decision,
and a feedback session."""

from __future__ import annotations

from typing import Any

from django import forms

from xuncha.rectification.models import Finding
from xuncha.web import ChineseErrorsMixin

from .models import Audience, Decision

DATE = forms.DateInput(attrs={"type": "date"})


class ActionForm(forms.Form):
    """A button with no fields of its own (create, submit, regenerate): the service checks the rest."""


class FindingChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Finding) -> str:
        return f"问题{obj.number}：{obj.title}"


class SpecialForm(ChineseErrorsMixin, forms.Form):
    topic = forms.CharField(label="专题事项", max_length=60, help_text="如：选人用人、需要立即处置的问题线索")
    findings = FindingChoices(label="涉及的问题", queryset=Finding.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, findings: list[Finding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["findings"]
        assert isinstance(field, FindingChoices)
        field.queryset = Finding.objects.filter(pk__in=[f.pk for f in findings]).order_by("number")


class VersionForm(ChineseErrorsMixin, forms.Form):
    text = forms.CharField(label="报告正文", widget=forms.Textarea(attrs={"rows": 24}), strip=False)
    note = forms.CharField(label="修改说明", max_length=300, required=False)


class DecisionForm(ChineseErrorsMixin, forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label="决定", choices=Decision.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                              help_text="退回修改须写明意见")
    minutes = forms.CharField(label="会议纪要", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    meeting_on = forms.DateField(label="会议日期", required=False, widget=DATE)


class MeetingForm(ChineseErrorsMixin, forms.Form):
    audience = forms.ChoiceField(choices=Audience.choices, widget=forms.HiddenInput)
    held_on = forms.DateField(label="反馈日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=120)
    host = forms.CharField(label="主持人", max_length=64)
    attendees = forms.CharField(label="参加人员", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label="反馈会情况", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
