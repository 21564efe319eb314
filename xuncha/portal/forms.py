"""Forms of the public pages: the report form, its subject rows, the receipt look-up, additions.

Attachments are not form fields: they are read from request.FILES and checked by content in
xuncha.uploads.check_files (through the intake services).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings

from xuncha.core import crypto
from xuncha.intake.models import ReporterRole, SubjectCategory
from xuncha.intake.services import MAX_CONTENT_CHARS, ReporterData, SubjectData
from xuncha.uploads import ALLOWED_HELP

REAL, ANONYMOUS = "real", "anonymous"
PHONE_RE = re.compile(r"^[0-9+\-() ]{7,20}$")
# What the file picker offers; the real check is by content on the server.
ACCEPT = ".jpg,.jpeg,.png,.gif,.webp,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.wps,.et"
MAX_SUBJECTS = 10


def attachment_help() -> str:
    mb = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
    return f"可上传{ALLOWED_HELP}；最多 {settings.ATTACHMENT_MAX_COUNT} 个，每个不超过 {mb} MB。系统按文件内容核对类型，改了扩展名的文件无法上传。"


class ReportForm(forms.Form):
    mode = forms.ChoiceField(
        label="反映方式", choices=[(REAL, "实名反映"), (ANONYMOUS, "匿名反映")], widget=forms.RadioSelect,
        error_messages={"required": "请选择“实名反映”或“匿名反映”。"},
    )
    name = forms.CharField(label="姓名", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    role = forms.ChoiceField(label="您的身份", choices=[("", "请选择")] + list(ReporterRole.choices), required=False)
    unit = forms.CharField(label="所在单位", max_length=100, required=False, help_text="学院、部门或班级，如：机电工程学院、后勤处")
    email = forms.EmailField(label="电子邮箱（选填）", max_length=100, required=False,
                             error_messages={"invalid": "电子邮箱格式不正确，如：name@example.com；不需要可以不填。"})
    address = forms.CharField(label="通信地址（选填）", max_length=200, required=False)
    content = forms.CharField(
        label="反映的问题", max_length=MAX_CONTENT_CHARS, widget=forms.Textarea(attrs={"rows": 8}),
        help_text="请尽量写清：谁、在什么时间、什么地点、做了什么事，以及您是怎么知道的（亲眼所见、听说、有材料等）。",
        error_messages={"required": "请填写您要反映的问题。",
                        "max_length": f"反映内容不能超过 {MAX_CONTENT_CHARS} 字，请精简，或把详细材料作为附件上传。"},
    )

    REQUIRED_FOR_REAL = {
        "name": "实名反映请填写您的姓名。",
        "phone": "实名反映请填写联系电话，以便巡察组与您联系、告知办理情况。",
        "role": "请选择您的身份（教师、学生、职工或其他）。",
        "unit": "请填写您所在的单位（学院、部门或班级）。",
    }

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data.get("phone", "").strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError("联系电话只能包含数字和“-”，如 13800000000 或 0770-2800001。")
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == REAL:
            for field, message in self.REQUIRED_FOR_REAL.items():
                if field not in self.errors and not str(data.get(field) or "").strip():
                    self.add_error(field, message)
        return data

    def reporter(self) -> ReporterData | None:
        data = self.cleaned_data
        if data["mode"] != REAL:
            return None
        return ReporterData(name=data["name"].strip(), phone=data["phone"].strip(), role=data["role"],
                            unit=data["unit"].strip(), email=data["email"].strip(), address=data["address"].strip())


class SubjectForm(forms.Form):
    name = forms.CharField(label="被反映人姓名", max_length=64, required=False)
    post = forms.CharField(label="职务", max_length=120, required=False, help_text="如：学院院长、财务处处长")
    category = forms.ChoiceField(label="属于哪类人员", choices=SubjectCategory.choices, initial=SubjectCategory.UNSURE, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("category"):
            data["category"] = SubjectCategory.UNSURE
        if data.get("post", "").strip() and not data.get("name", "").strip():
            self.add_error("name", "请填写被反映人姓名（不知道可以填“不详”），或清空这一行。")
        return data


SubjectFormSet = forms.formset_factory(SubjectForm, extra=3, max_num=MAX_SUBJECTS, validate_max=True, absolute_max=MAX_SUBJECTS)


def subjects_from(formset: Any) -> list[SubjectData]:
    return [SubjectData(name=f.cleaned_data["name"].strip(), post=f.cleaned_data.get("post", "").strip(),
                        category=f.cleaned_data.get("category") or SubjectCategory.UNSURE)
            for f in formset.forms if f.cleaned_data.get("name", "").strip()]


class LookupForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=40,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "16位数字"}),
                           error_messages={"required": "请输入查询码。"})

    def clean_code(self) -> str:
        digits = crypto.normalise_receipt_code(self.cleaned_data["code"])
        if len(digits) != 16:
            raise forms.ValidationError("查询码是16位数字，请核对后重新输入。")
        return digits


class AdditionForm(forms.Form):
    content = forms.CharField(label="补充内容", max_length=MAX_CONTENT_CHARS, required=False, widget=forms.Textarea(attrs={"rows": 5}),
                              error_messages={"max_length": f"补充内容不能超过 {MAX_CONTENT_CHARS} 字。"})
