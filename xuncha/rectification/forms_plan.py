"""The forms of the rectification plan and reports: a task of the plan, the plan's overall arrangements, a
report's title and text, and the office's decision (approve, or return with an opinion)."""

from __future__ import annotations

from typing import Any

from django import forms

from xuncha.web import ChineseErrorsMixin

from .models import Finding
from .services import TaskData


class TaskForm(ChineseErrorsMixin, forms.Form):
    finding = forms.ModelChoiceField(label="问题", queryset=Finding.objects.none(), empty_label="请选择反馈的问题")
    task = forms.CharField(label="整改任务", max_length=300, help_text="如：开展基建工程招投标专项检查")
    measures = forms.CharField(label="整改措施", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    responsible_leader = forms.CharField(label="责任领导", max_length=64)
    responsible_dept = forms.CharField(label="责任部门", max_length=120)
    deadline = forms.DateField(label="完成时限", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    long_term = forms.BooleanField(label="长期坚持", required=False, help_text="长期坚持的任务不填写完成时限")

    def __init__(self, *args: Any, findings: list[Finding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["finding"]
        field.queryset = Finding.objects.filter(pk__in=[f.pk for f in findings]).order_by("number")
        field.label_from_instance = lambda f: f"问题{f.number}：{f.title}"

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("long_term") and data.get("deadline"):
            self.add_error("deadline", "长期坚持的任务不填写完成时限。")
        elif not data.get("long_term") and not data.get("deadline") and "deadline" not in self.errors:
            self.add_error("deadline", "请填写完成时限，或选择长期坚持。")
        return data

    def task_data(self) -> TaskData:
        d = self.cleaned_data
        return TaskData(finding_id=d["finding"].pk, task=d["task"], measures=d["measures"], responsible_leader=d["responsible_leader"],
                        responsible_dept=d["responsible_dept"], deadline=d["deadline"], long_term=d["long_term"])


class SummaryForm(ChineseErrorsMixin, forms.Form):
    summary = forms.CharField(label="总体安排", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="整改工作领导小组、工作机制、时间安排等（可不填）")


class ReportForm(ChineseErrorsMixin, forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", max_length=50_000, widget=forms.Textarea(attrs={"rows": 24}),
                           help_text="由整改台账生成，可直接修改；以“一、”“二、”开头的行在 Word 文档中作为标题")


class ReviewForm(ChineseErrorsMixin, forms.Form):
    decision = forms.ChoiceField(label="审核结果", choices=[("approve", "审核通过"), ("return", "退回修改")], widget=forms.RadioSelect)
    opinion = forms.CharField(label="审核意见", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="退回时必须填写")
