"""Every form of rectification: the team's finding and notice forms, the leader's feedback form, the
ledger item form and return reason, the liaison's answer and progress forms, and the plain form of a
button that posts no fields (the service checks what it is given)."""

from __future__ import annotations

from typing import Any

from django import forms

from xuncha.core.classify import DISCIPLINE_LABELS, DISCIPLINES, FOCUS_LABELS
from xuncha.inspections.models import Inspection
from xuncha.uploads import ALLOWED_HELP, MultipleFileField
from xuncha.web import ChineseErrorsMixin

from .models import Finding
from .selectors import approved_findings
from .services import MAX_DEADLINE_DAYS, PROGRESS_STATUSES, ItemData, NoticeData

REFS_HELP = "填写信访件编号，多个用逗号或空格分隔，如：12-00003、12-00007（也可只写序号 3、7）"


class ActionForm(forms.Form):
    """A button that posts no fields of its own (submit, issue, sign off): the service checks the rest;
    its refusal lands here and is shown after the redirect."""


class FindingForm(ChineseErrorsMixin, forms.Form):
    title = forms.CharField(label="问题", max_length=200)
    facts = forms.CharField(label="事实", widget=forms.Textarea(attrs={"rows": 5}))
    rule_broken = forms.CharField(label="违反的规定", widget=forms.Textarea(attrs={"rows": 3}))
    focus = forms.ChoiceField(label="聚焦领域", choices=[("", "——"), *FOCUS_LABELS.items()])
    disciplines = forms.MultipleChoiceField(label="违反纪律", required=False, widget=forms.CheckboxSelectMultiple,
                                            choices=[(c, DISCIPLINE_LABELS[c]) for c in DISCIPLINES])
    reports = forms.CharField(label="相关信访件", required=False, max_length=2000, help_text=REFS_HELP)
    interview_notes = forms.CharField(label="谈话、调阅记录", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class SubmitForm(forms.Form):
    """承办人 submits a finding, with an optional opinion."""

    opinion = forms.CharField(required=False, max_length=500)


class DecisionForm(forms.Form):
    """The leader's decision on a finding or an answer: approve/accept, or return with a note."""

    decision = forms.CharField(required=False)
    note = forms.CharField(required=False)


class NoticeForm(forms.Form):
    title = forms.CharField(label="事项", max_length=200, help_text="如：食堂饭菜价格上涨、质量下降")
    problem = forms.CharField(label="反映的问题", widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="将送达被巡察党组织：请概括问题，不得写入反映人信息或信访件编号。")
    suggestion = forms.CharField(label="处理建议", widget=forms.Textarea(attrs={"rows": 4}))
    clear_violation = forms.BooleanField(label="明显违反规定", required=False)
    fixable = forms.BooleanField(label="能够立即整改", required=False)
    deadline_days = forms.IntegerField(label="整改期限（工作日）", min_value=1, max_value=MAX_DEADLINE_DAYS)
    reports = forms.CharField(label="相关信访件", required=False, max_length=2000, help_text=REFS_HELP)
    finding = forms.ModelChoiceField(label="对应的问题底稿（可选）", queryset=Finding.objects.none(), required=False,
                                     empty_label="——")

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["finding"]
        field.queryset = Finding.objects.filter(inspection=inspection).order_by("number")

    def notice_data(self) -> NoticeData:
        d = self.cleaned_data
        return NoticeData(title=d["title"], problem=d["problem"], suggestion=d["suggestion"],
                          clear_violation=d["clear_violation"], fixable=d["fixable"], deadline_days=d["deadline_days"])


class AnswerForm(ChineseErrorsMixin, forms.Form):
    measures = forms.CharField(label="整改措施及成效", widget=forms.Textarea(attrs={"rows": 6}))
    evidence = MultipleFileField(label="佐证材料", required=False, help_text=f"可上传{ALLOWED_HELP}")


class FeedbackForm(forms.Form):
    feedback_on = forms.DateField(label="反馈日期", widget=forms.DateInput(attrs={"type": "date"}))


class ItemForm(forms.Form):
    finding = forms.ModelChoiceField(label="问题", queryset=Finding.objects.none(), empty_label="请选择已审定的问题")
    measures = forms.CharField(label="整改措施", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    responsible_leader = forms.CharField(label="责任领导", max_length=64)
    responsible_dept = forms.CharField(label="责任部门", max_length=120)
    deadline = forms.DateField(label="完成时限", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    long_term = forms.BooleanField(label="长期坚持", required=False, help_text="长期坚持的事项不填写完成时限")

    def __init__(self, *args: Any, inspection: Inspection, with_finding: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_finding:
            field: Any = self.fields["finding"]
            field.queryset = approved_findings(inspection=inspection)
        else:
            del self.fields["finding"]

    def item_data(self) -> ItemData:
        d = self.cleaned_data
        return ItemData(measures=d["measures"], responsible_leader=d["responsible_leader"], responsible_dept=d["responsible_dept"],
                        deadline=d["deadline"], long_term=d["long_term"])


class ReturnForm(forms.Form):
    """The reason an item is returned (the messages are the service's own)."""

    reason = forms.CharField(label="退回原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "退回时请写明原因。", "max_length": "退回原因不能超过300字。"})


class ProgressForm(ChineseErrorsMixin, forms.Form):
    status = forms.ChoiceField(label="整改状态", choices=[(s.value, s.label) for s in PROGRESS_STATUSES], widget=forms.RadioSelect)
    text = forms.CharField(label="进展情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text="写明已采取的措施、取得的成效和下一步安排")
    evidence = MultipleFileField(label="佐证材料", required=False, help_text=f"可上传{ALLOWED_HELP}；销号须有佐证材料")

