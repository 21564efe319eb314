"""Forms of document requests: the team's request (items as rows), the leader's decision, the
liaison's delivery of one item, and the team's register entry (where kept, when returned)."""

from __future__ import annotations

from typing import Any

from django import forms

from xuncha.uploads import ALLOWED_HELP, MultipleFileField
from xuncha.web import ChineseErrorsMixin

from .models.documents import DocumentItem
from .services_documents import MAX_DUE_DAYS

ITEM_ROWS = 8


class RequestForm(ChineseErrorsMixin, forms.Form):
    purpose = forms.CharField(label="说明", required=False, max_length=300, help_text="如：了解近三年基建项目招投标情况")
    due_days = forms.IntegerField(label="报送期限（工作日）", min_value=1, max_value=MAX_DUE_DAYS, initial=3)
    sensitive = forms.BooleanField(label="涉及敏感资料（须组长批准后发出）", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(ITEM_ROWS):
            self.fields[f"item{n}_name"] = forms.CharField(label=f"第{n + 1}项 资料名称", required=False, max_length=200)
            self.fields[f"item{n}_period"] = forms.CharField(label="所属期间", required=False, max_length=60)
            self.fields[f"item{n}_form"] = forms.ChoiceField(label="形式", choices=DocumentItem.Form.choices,
                                                             initial=DocumentItem.Form.COPY, required=False)

    def item_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(self[f"item{n}_name"], self[f"item{n}_period"], self[f"item{n}_form"]) for n in range(ITEM_ROWS)]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "批准"), ("reject", "不批准")])
    note = forms.CharField(required=False, max_length=300)


class DeliveryForm(ChineseErrorsMixin, forms.Form):
    how = forms.ChoiceField(label="报送方式", widget=forms.RadioSelect, initial="files",
                            choices=[("files", "上传文件"), ("paper", "纸质移交"), ("decline", "无法提供")])
    uploads = MultipleFileField(label="文件", required=False, help_text=f"可选多个。{ALLOWED_HELP}")
    handed_over_on = forms.DateField(label="移交日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    handed_over_by = forms.CharField(label="移交人", required=False, max_length=64)
    decline_reason = forms.CharField(label="无法提供的原因", required=False, max_length=300)


class RecordForm(ChineseErrorsMixin, forms.Form):
    kept_at = forms.CharField(label="存放位置", required=False, max_length=120)
    returned_on = forms.DateField(label="退还日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
