"""The acceptance rules applied to every report, whatever the channel (DESIGN §3 rules 2-3).

They produce flags with reasons, never rejections: everything is registered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from xuncha.core.hours import HoursRange, within_hours
from xuncha.core.workdays import WorkdayCalendar
from xuncha.documents import cn_date
from xuncha.inspections.models import Channel, ChannelKind, Inspection

HOURS_KINDS = {ChannelKind.PHONE, ChannelKind.VISIT}


@dataclass
class Acceptance:
    in_window: bool
    within_hours: bool | None
    reasons: list[str] = field(default_factory=list)


def evaluate(*, inspection: Inspection, channel: Channel | None, kind: str, received_at: dt.datetime,
             postmarked_on: dt.date | None, calendar: WorkdayCalendar) -> Acceptance:
    local = timezone.localtime(received_at)
    day, basis = local.date(), "收到日期"
    if kind == ChannelKind.POST and postmarked_on is not None and inspection.postmark_counts:
        day, basis = postmarked_on, "邮戳日期"
    window = f"{cn_date(inspection.intake_start)}至{cn_date(inspection.intake_end)}"
    in_window = inspection.intake_start <= day <= inspection.intake_end
    if in_window:
        reasons = [f"{basis}{cn_date(day)}在信访受理期（{window}）内"]
    else:
        side = "之前" if day < inspection.intake_start else "之后"
        reasons = [f"{basis}{cn_date(day)}在信访受理期（{window}）{side}，属期外件，按期外事项处理"]
    if kind == ChannelKind.POST and postmarked_on is not None and not inspection.postmark_counts:
        reasons.append("本次巡察未规定信件以邮戳为准，按收到日期判断")
    within: bool | None = None
    if kind in HOURS_KINDS and channel is not None:
        ranges = [HoursRange(h.days, h.start, h.end) for h in channel.hours.all()]
        if ranges:
            verdict = within_hours(ranges, received_at, calendar)
            within = verdict.within
            reasons.append(verdict.reason)
    return Acceptance(in_window, within, reasons)
