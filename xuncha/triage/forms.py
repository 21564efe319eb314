"""Forms of the triage pages: the queue's filters, labels, subjects, scope, dispositions and decisions,
transfer batches, and the receiving body's handling and result."""

from __future__ import annotations

from typing import Any

from django import forms

from xuncha.core.classify import DEFAULT_FOCUS_WORDING, DISCIPLINE_LABELS, DISCIPLINES, FOCUS_LABELS, FOCUSES, focus_labels
from xuncha.inspections.models import ChannelKind, ReceivingBody
from xuncha.intake.models import ReplyExemption, ReportStatus, SubjectCategory
from xuncha.web import ChineseErrorsMixin

from .models import DispositionKind, Handling, Scope

SORT_LABELS = {"new": "最新收到在前", "old": "最早收到在前", "number": "编号升序", "-number": "编号降序"}


def _any(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *[(str(v), str(lab)) for v, lab in choices]]


class QueueFilterForm(forms.Form):
    """The GET form above the queue (every field optional; unknown values are ignored by the selector)."""

    q = forms.CharField(required=False, max_length=100, widget=forms.TextInput(attrs={"placeholder": "全文搜索，如：食堂、招生、职称"}))
    status = forms.ChoiceField(required=False, choices=_any("全部状态", ReportStatus.choices))
    channel = forms.ChoiceField(required=False, choices=_any("全部渠道", ChannelKind.choices))
    discipline = forms.ChoiceField(required=False, choices=_any("全部纪律", DISCIPLINE_LABELS.items()))
    focus = forms.ChoiceField(required=False, choices=_any("全部聚焦领域", [(c, f"聚焦{FOCUS_LABELS[c]}") for c in FOCUSES]))
    category = forms.ChoiceField(required=False, choices=_any("全部被反映人类别", SubjectCategory.choices))
    scope = forms.ChoiceField(required=False, choices=_any("受理范围", Scope.choices))
    window = forms.ChoiceField(required=False, choices=[("", "受理期内外"), ("in", "受理期内"), ("out", "期外件")])
    real_name = forms.ChoiceField(required=False, choices=[("", "实名/匿名"), ("yes", "实名"), ("no", "匿名")])
    group = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    pending = forms.ChoiceField(required=False, choices=[("", "审批状态"), ("yes", "待组长审批")])
    sort = forms.ChoiceField(required=False, choices=list(SORT_LABELS.items()))
    todo = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)  # a to-do line's filter


class LabelsForm(forms.Form):
    disciplines = forms.MultipleChoiceField(label="违反纪律", required=False, widget=forms.CheckboxSelectMultiple,
                                            choices=[(c, DISCIPLINE_LABELS[c]) for c in DISCIPLINES])
    focuses = forms.MultipleChoiceField(label="聚焦领域", required=False, widget=forms.CheckboxSelectMultiple,
                                        choices=[(c, FOCUS_LABELS[c]) for c in FOCUSES])

    def __init__(self, *args: Any, focus_wording: str = DEFAULT_FOCUS_WORDING, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = focus_labels(focus_wording)  # the round's wording of the four focuses
        self.fields["focuses"].choices = [(c, names[c]) for c in FOCUSES]  # type: ignore[attr-defined]


class SubjectForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="姓名", max_length=64, required=False)
    post = forms.CharField(label="职务", max_length=120, required=False)
    category = forms.ChoiceField(label="类别", choices=SubjectCategory.choices, initial=SubjectCategory.UNSURE)


SubjectFormSet = forms.formset_factory(SubjectForm, extra=1, max_num=30)


class SubjectsForm(forms.Form):
    """The report's subjects as one form (a row each, and an empty row to add one): valid when every row
    is; `cleaned_data["rows"]` are the rows with a name."""

    def __init__(self, data: Any = None, *, initial: list[dict[str, Any]] | None = None) -> None:
        super().__init__(data)
        self.rows = SubjectFormSet(data, prefix="subjects", initial=initial)

    def is_valid(self) -> bool:
        rows_valid = self.rows.is_valid()
        return super().is_valid() and rows_valid

    def clean(self) -> dict[str, Any]:
        return {"rows": [f.cleaned_data for f in self.rows.forms if f.is_valid() and f.cleaned_data.get("name")]}


class ScopeForm(forms.Form):
    scope = forms.ChoiceField(label="受理范围", choices=[(v, lab) for v, lab in Scope.choices if v != Scope.PENDING],
                              widget=forms.RadioSelect)
    reason = forms.CharField(label="判断理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class DispositionForm(forms.Form):
    kind = forms.ChoiceField(label="处置方式", choices=DispositionKind.choices, widget=forms.RadioSelect)
    body = forms.ModelChoiceField(label="接收单位（转办、移交时选择）", queryset=ReceivingBody.objects.all(), required=False,
                                  empty_label="——")
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))
    approve = forms.BooleanField(label="组长直接批准", required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(label="审批意见", max_length=300, required=False, widget=forms.TextInput)


class IdsField(forms.Field):
    """The ids of a group of checkboxes sharing one name (anything but digits is ignored)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        return [int(v) for v in value or [] if str(v).isdigit()]


class BatchForm(forms.Form):
    """The clues of one body to list in a transfer batch (the service checks them)."""

    clues = IdsField(required=False)


class HandlingForm(ChineseErrorsMixin, forms.Form):
    handling = forms.ChoiceField(label="处置方式", required=False, choices=[("", "—— 请选择 ——"), *Handling.choices])
    result = forms.CharField(label="办理结果", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="办结后填写办理结果并反馈巡察组；仅确定处置方式时可暂不填写。")


class BulkForm(ChineseErrorsMixin, forms.Form):
    """A bulk action on the reports ticked in the queue (xuncha.triage.bulk); the fields an action does
    not use are ignored. `confirmed` is set by the confirmation page."""

    action = forms.ChoiceField(label="批量操作", choices=[])
    ids = IdsField(required=False)
    scope = forms.ChoiceField(label="受理范围", required=False,
                              choices=[("", "—— 请选择 ——"), *[(v, lab) for v, lab in Scope.choices if v != Scope.PENDING]])
    kind = forms.ChoiceField(label="处置方式", required=False, choices=[("", "—— 请选择 ——"), *DispositionKind.choices])
    body = forms.ModelChoiceField(label="接收单位", queryset=ReceivingBody.objects.all(), required=False, empty_label="——")
    exempt = forms.ChoiceField(label="无需答复原因", required=False, choices=[("", "—— 请选择 ——"), *ReplyExemption.choices])
    reason = forms.CharField(label="理由或说明", required=False, max_length=300, widget=forms.TextInput)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, actions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—— 选择批量操作 ——"), *actions]

    def params(self) -> dict[str, Any]:
        d = self.cleaned_data
        if d["action"] == "no_reply":
            return {"reason": d.get("exempt", ""), "note": d.get("reason", "")}
        return {"scope": d.get("scope", ""), "kind": d.get("kind", ""), "body": d.get("body"), "reason": d.get("reason", "")}
