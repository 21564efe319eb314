from __future__ import annotations

from django import forms

from xuncha.web import ChineseErrorsMixin

from .services import REOPEN_REASON_MAX


class ReopenForm(ChineseErrorsMixin, forms.Form):
    reason = forms.CharField(label="重新打开的理由", max_length=REOPEN_REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="写明需要修改什么、为什么；记入审计日志。")
