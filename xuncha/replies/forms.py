"""The small forms of replies: a reply on the report page, a reason why none is due on the reply list.
The fields are plain text: the services check kinds and reasons and say what is wrong in their words."""

from __future__ import annotations

from django import forms


class ReplyForm(forms.Form):
    kind = forms.CharField(label="类型", max_length=16, required=False)
    content = forms.CharField(label="答复内容", required=False)


class ExemptForm(forms.Form):
    reason = forms.CharField(label="无需答复原因", max_length=20, required=False)
    note = forms.CharField(label="说明", required=False)
