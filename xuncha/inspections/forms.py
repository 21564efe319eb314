from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from xuncha.accounts.models import User
from xuncha.core.classify.codes import DEFAULT_FOCUS_WORDING, FOCUS_WORDINGS
from xuncha.web import ChineseErrorsMixin

from .models import AcceptanceHours, CalendarDay, ChannelKind, Office, Round, RoundKind, TargetOrg, Team, TeamMember

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class RoundForm(forms.Form):
    name = forms.CharField(label="轮次名称", max_length=120, help_text="如：七届市委第六轮常规巡察")
    kind = forms.ChoiceField(label="巡察类型", choices=RoundKind.choices)
    organizer = forms.CharField(label="组织部署单位", max_length=120, required=False)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    description = forms.CharField(label="说明", widget=forms.Textarea, required=False)
    focus_wording = forms.ChoiceField(label="聚焦领域表述", choices=list(FOCUS_WORDINGS.items()), initial=DEFAULT_FOCUS_WORDING,
                                      required=False, help_text="问题类别建议中“聚焦领域”的名称；高校巡察常用“四个落实”")

    def clean_focus_wording(self) -> str:
        return str(self.cleaned_data.get("focus_wording") or DEFAULT_FOCUS_WORDING)


class OfficeField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """The office a new round or target belongs to, among those the user sees (the service decides)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label="所属巡察办", queryset=Office.objects.none(), required=False,
                         help_text="不选：本巡察办", **kwargs)


class RoundCreateForm(RoundForm):
    office = OfficeField()

    def __init__(self, *args: Any, offices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices if offices is not None else Office.objects.none()  # type: ignore[attr-defined]


class TeamForm(forms.Form):
    name = forms.CharField(label="巡察组名称", max_length=120, help_text="如：市委第五巡察组")


class TeamMemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    position = forms.ChoiceField(label="职务", choices=TeamMember.Position.choices)
    title = forms.CharField(label="职级/单位", max_length=120, required=False)
    user = forms.ModelChoiceField(label="系统账号", queryset=User.objects.filter(is_active=True).order_by("username"),
                                  required=False, help_text="关联账号后，该成员按职务获得组长或组员权限")


class ConflictForm(forms.Form):
    member = forms.ModelChoiceField(label="组员", queryset=TeamMember.objects.none())
    org = forms.ModelChoiceField(label="被巡察党组织", queryset=TargetOrg.objects.all())
    reason = forms.CharField(label="回避事由", max_length=200)

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = team.members.all()  # type: ignore[attr-defined]


class MemberEditForm(ChineseErrorsMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    position = forms.ChoiceField(label="职务", choices=TeamMember.Position.choices)
    title = forms.CharField(label="职级/单位", max_length=120, required=False)


class AccountForm(ChineseErrorsMixin, forms.Form):
    """An account named by its user name (a select of every account would not scale)."""

    username = forms.CharField(label="账号（用户名）", max_length=150)

    def clean_username(self) -> User:
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError(f"没有用户名为“{name}”的账号。请先请系统管理员创建账号。")
        if not user.is_active:
            raise forms.ValidationError(f"账号“{name}”已停用。")
        return user


class TargetForm(forms.Form):
    name = forms.CharField(label="党组织名称", max_length=120, help_text="如：防城港职业技术学院党委")
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    parent = forms.CharField(label="上级单位", max_length=120, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)


class TargetCreateForm(TargetForm):
    office = OfficeField()

    def __init__(self, *args: Any, offices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices if offices is not None else Office.objects.none()  # type: ignore[attr-defined]


class TargetNameField(forms.CharField):
    """The target of an inspection, typed by name: hundreds of targets make a bare <select> unusable.
    The input has a <datalist> that static/js/target_search.js fills from the search endpoint; without
    JavaScript the typed name is matched on the server (a full name, a short name, or a part of exactly
    one name). Archived targets are not offered."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "list": "target-options", "autocomplete": "off", "class": "target-search", "placeholder": "输入名称中的几个字查找",
        }))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> TargetOrg:
        text = str(super().clean(value)).strip()
        live = TargetOrg.objects.filter(archived_at__isnull=True)
        exact = list(live.filter(name=text)) or list(live.filter(short_name=text))
        if len(exact) == 1:
            return exact[0]
        found = list(live.filter(name__icontains=text).order_by("name")[:6])
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(f"找不到名称含“{text}”的被巡察党组织（已归档的不在其中）。请检查名称，或先在“被巡察党组织”中登记。")
        more = "等" if len(found) > 5 else ""
        names = "、".join(t.name for t in found[:5])
        raise forms.ValidationError(f"名称含“{text}”的党组织不止一个：{names}{more}。请输入完整名称，或从候选中选择。")


class InspectionForm(forms.Form):
    round = forms.ModelChoiceField(label="巡察轮次", queryset=Round.objects.filter(closed_at__isnull=True))
    team = forms.ModelChoiceField(label="巡察组", queryset=Team.objects.filter(archived_at__isnull=True, round__closed_at__isnull=True)
                                  .select_related("round"))
    target = TargetNameField(label="被巡察党组织", help_text="输入名称中的几个字，从候选中选择；也可直接输入完整名称")
    start_date = forms.DateField(label="进驻日期", widget=DATE)
    working_days = forms.IntegerField(label="工作日数", min_value=1, max_value=400, required=False,
                                      help_text="按“N个工作日”安排时填写，结束日期按法定工作日（含调休）自动计算，进驻当天计为第1天")
    end_date = forms.DateField(label="结束日期", widget=DATE, required=False, help_text="填写了工作日数时可留空")
    duration_text = forms.CharField(label="期限表述", max_length=60, required=False, help_text="公告中的说法，如：15个工作日左右、3个半月")
    intake_start = forms.DateField(label="信访受理开始", widget=DATE, required=False, help_text="留空则与进驻日期相同")
    intake_end = forms.DateField(label="信访受理截止", widget=DATE, required=False, help_text="留空则与结束日期相同；可早于巡察结束")
    postmark_counts = forms.BooleanField(label="信件以邮戳日期为准", required=False)
    scope_text = forms.CharField(label="受理范围", widget=forms.Textarea, required=False, help_text="留空则使用标准表述")
    is_practice = forms.BooleanField(label="演练任务", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("working_days") and not data.get("end_date"):
            raise forms.ValidationError("请填写结束日期，或填写工作日数由系统计算。")
        return data


class InspectionCreateForm(InspectionForm):
    """A new inspection: the rounds and teams of the offices the user sees; for an elevated inspection
    (提级巡察), the lower office named as co-organiser (reads the schedule and the rectification only)."""

    co_organiser = forms.ModelChoiceField(label="协同巡察办（提级巡察）", queryset=Office.objects.none(), required=False,
                                          help_text="提级巡察时可指定下级巡察办协同，其只能查看日程和整改情况")

    def __init__(self, *args: Any, round_q: Any = None, team_q: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["co_organiser"].queryset = Office.objects.all()  # type: ignore[attr-defined]
        if round_q is not None and team_q is not None:
            rounds, teams = self.fields["round"], self.fields["team"]
            rounds.queryset = rounds.queryset.filter(round_q)  # type: ignore[attr-defined]
            teams.queryset = teams.queryset.filter(team_q)  # type: ignore[attr-defined]


class InspectionEditForm(InspectionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("round", "team", "target"):
            del self.fields[name]


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label="渠道类型", choices=ChannelKind.choices)
    label = forms.CharField(label="名称", max_length=60, required=False, help_text="如：专门举报电话、值班电话；留空则用渠道类型")
    value = forms.CharField(label="号码/邮箱/地址/网址", max_length=200, required=False)
    postcode = forms.CharField(label="邮编", max_length=6, required=False)
    location = forms.CharField(label="放置/接待地点", max_length=200, required=False, help_text="联系信箱、来访接待必填")
    note = forms.CharField(label="备注", max_length=200, required=False)
    order = forms.IntegerField(label="排序", min_value=0, required=False, initial=0)


class HoursForm(forms.Form):
    # The initial value is what the <select> submits for an untouched row: such a row is "unchanged"
    # and skipped, instead of demanding a start and an end.
    days = forms.ChoiceField(label="适用日期", choices=AcceptanceHours.Days.choices, initial=AcceptanceHours.Days.WORKDAYS)
    start = forms.TimeField(label="开始", widget=TIME)
    end = forms.TimeField(label="结束", widget=TIME)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            raise forms.ValidationError("开始时间须早于结束时间。")
        return data


HoursFormSet = forms.formset_factory(HoursForm, extra=2, can_delete=True)


class MeetingForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    part_of_day = forms.ChoiceField(label="时段", choices=[("", "—"), ("上午", "上午"), ("下午", "下午"), ("晚上", "晚上")], required=False)
    time = forms.TimeField(label="时间", widget=TIME, required=False)
    place = forms.CharField(label="地点", max_length=200, required=False)
    host = forms.CharField(label="主持人", max_length=120, required=False)
    attendees = forms.CharField(label="出席人员", widget=forms.Textarea, required=False)
    observers = forms.CharField(label="列席人员", widget=forms.Textarea, required=False)


class SpeakerForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    title = forms.CharField(label="职务", max_length=200, required=False)
    speech = forms.CharField(label="讲话内容", max_length=60, required=False)


SpeakerFormSet = forms.formset_factory(SpeakerForm, extra=2, can_delete=True)


class CalendarDayForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    kind = forms.ChoiceField(label="类型", choices=CalendarDay.Kind.choices)
    name = forms.CharField(label="名称", max_length=40, required=False, help_text="如：春节、国庆节调休上班")


class WorkdayCalcForm(forms.Form):
    start = forms.DateField(label="起始日期", widget=DATE)
    days = forms.IntegerField(label="工作日数", min_value=1, max_value=1000)

    def __init__(self, *args: Any, offices: QuerySet[Office] | None = None, **kwargs: Any) -> None:
        """With `offices` (those the user sees), an optional choice of the office whose calendar counts."""
        super().__init__(*args, **kwargs)
        if offices is not None:
            self.fields["office"] = forms.ModelChoiceField(label="按巡察办日历", queryset=offices, required=False,
                                                           empty_label="全平台日历")
