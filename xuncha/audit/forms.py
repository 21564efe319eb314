from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="操作人", required=False)
    action = forms.CharField(label="操作（前缀）", required=False, help_text="如：inspection、auth.login、export")
    object_type = forms.CharField(label="对象类型", required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=DATE)
    date_to = forms.DateField(label="截止日期", required=False, widget=DATE)
    q = forms.CharField(label="摘要包含", required=False)
