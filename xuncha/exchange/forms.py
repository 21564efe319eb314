"""Forms of the exchange pages."""

from __future__ import annotations

from typing import Any

from django import forms

from xuncha.inspections.models import Office
from xuncha.web import ChineseErrorsMixin


class ExportForm(ChineseErrorsMixin, forms.Form):
    peer = forms.ChoiceField(label="发给哪个部署")

    def __init__(self, *args: Any, peers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peer"].choices = [("", "请选择")] + peers  # type: ignore[attr-defined]


class UploadForm(ChineseErrorsMixin, forms.Form):
    office = forms.ModelChoiceField(label="导入到巡察办", queryset=Office.objects.none(), empty_label="请选择")
    package = forms.FileField(label="数据包（.zip）")

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        if offices.count() == 1:
            self.fields["office"].initial = offices.first()
