"""Staff registration of reports received by phone, post, letterbox, visit (and any channel by hand)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from xuncha.inspections.models import Channel, ChannelKind, Inspection
from xuncha.uploads import MultipleFileField

from .models import ReporterRole, SubjectCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

KIND_TITLES: dict[str, str] = {
    ChannelKind.PHONE: "登记来电", ChannelKind.SMS: "登记短信", ChannelKind.POST: "登记来信",
    ChannelKind.LETTERBOX: "登记信箱来信", ChannelKind.VISIT: "登记来访", ChannelKind.EMAIL: "登记电子邮件",
    ChannelKind.ONLINE: "补录网上反映",
}
RECEIVED_LABELS: dict[str, str] = {
    ChannelKind.PHONE: "来电时间", ChannelKind.POST: "收信日期", ChannelKind.LETTERBOX: "开箱取信时间",
    ChannelKind.VISIT: "来访时间",
}


class RegisterForm(forms.Form):
    # A token per rendering of the form: sent twice, it registers once (Report.submission_key).
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    channel = forms.ModelChoiceField(label="受理渠道", queryset=Channel.objects.none())
    received_at = forms.DateTimeField(label="收到时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"])
    postmarked_on = forms.DateField(label="邮戳日期", widget=DATE, required=False)
    caller_number = forms.CharField(label="来电号码", max_length=40, required=False, help_text="对方愿意提供时填写；加密保存")
    received_by = forms.CharField(label="接待人", max_length=60, required=False)
    room = forms.CharField(label="接待地点", max_length=120, required=False)
    content = forms.CharField(label="反映内容（摘要）", widget=forms.Textarea(attrs={"rows": 8}), required=False,
                              help_text="来信有扫描件的可以不填：系统识别扫描件文字后填入，再由组员核对。")
    real_name = forms.BooleanField(label="实名反映", required=False)
    name = forms.CharField(label="姓名", max_length=64, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    role = forms.ChoiceField(label="身份", choices=[("", "—"), *ReporterRole.choices], required=False)
    unit = forms.CharField(label="单位", max_length=120, required=False)
    email = forms.EmailField(label="邮箱", required=False)
    address = forms.CharField(label="通讯地址", max_length=200, required=False)
    id_number = forms.CharField(label="身份证号", max_length=20, required=False)
    attachments = MultipleFileField(label="附件（扫描件、照片等）", required=False)

    def __init__(self, *args: Any, inspection: Inspection, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        channels = inspection.channels.filter(kind=kind)
        field = self.fields["channel"]
        field.queryset = channels  # type: ignore[attr-defined]
        if channels.count() == 1:
            field.initial = channels.first()
        self.fields["received_at"].label = RECEIVED_LABELS.get(kind, "收到时间")
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        unused_by_kind: dict[str, list[str]] = {
            ChannelKind.PHONE: ["postmarked_on", "received_by", "room"],
            ChannelKind.POST: ["caller_number", "received_by", "room"],
            ChannelKind.LETTERBOX: ["postmarked_on", "caller_number", "received_by", "room"],
            ChannelKind.VISIT: ["postmarked_on", "caller_number"],
        }
        unused = unused_by_kind.get(kind, ["postmarked_on", "caller_number", "received_by", "room"])
        for name in unused:
            del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("real_name") and not (data.get("name") or "").strip():
            self.add_error("name", "实名反映请填写姓名。")
        if not (data.get("content") or "").strip() and not data.get("attachments") and "content" not in self.errors:
            self.add_error("content", "请填写反映内容，或上传来信扫描件。")
        return data


class SubjectForm(forms.Form):
    name = forms.CharField(label="被反映人姓名", max_length=64, required=False)
    post = forms.CharField(label="职务", max_length=120, required=False)
    category = forms.ChoiceField(label="类别", choices=SubjectCategory.choices, initial=SubjectCategory.UNSURE)


SubjectFormSet = forms.formset_factory(SubjectForm, extra=3, max_num=20)


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="如：需核实反映人所述情况、需联系反映人补充材料。理由将记入审计日志。")


class AttachmentRevealForm(forms.Form):
    reason = forms.CharField(label="查看理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="如：需核实来信人所述情况。理由将记入审计日志。")


class ContentConfirmForm(forms.Form):
    content = forms.CharField(label="反映内容（机器识别，请对照原件核对更正）", max_length=20_000,
                              widget=forms.Textarea(attrs={"rows": 10}))
