from django import forms

from xuncha.web import ChineseErrorsMixin

from .names import action_choices, object_kind_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(ChineseErrorsMixin, forms.Form):
    actor = forms.CharField(label="操作人", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False, choices=action_choices,
                               help_text="可选一类操作的全部，或其中一种")
    object_type = forms.ChoiceField(label="对象类型", required=False, choices=object_kind_choices)
    date_from = forms.DateField(label="起始日期", required=False, widget=DATE)
    date_to = forms.DateField(label="截止日期", required=False, widget=DATE)
    q = forms.CharField(label="摘要包含", required=False, max_length=200)
