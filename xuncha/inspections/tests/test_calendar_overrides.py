import datetime as dt

import pytest

from xuncha.accounts.models import User
from xuncha.inspections import services
from xuncha.inspections.selectors import calendar_get


@pytest.mark.django_db(transaction=True)
def test_a_2027_holiday_entered_by_the_office_is_honoured(demo: dict) -> None:
    office = User.objects.get(username="office")
    before = calendar_get()
    assert before.is_working_day(dt.date(2027, 2, 8))  # a Monday, no 2027 data in the package
    services.calendar_day_set(actor=office, date=dt.date(2027, 2, 8), kind="holiday", name="春节")
    services.calendar_day_set(actor=office, date=dt.date(2027, 2, 20), kind="workday", name="春节调休")
    after = calendar_get()
    assert not after.is_working_day(dt.date(2027, 2, 8))
    assert after.is_working_day(dt.date(2027, 2, 20))  # a Saturday made a working day
    assert after.covers(dt.date(2027, 5, 1))
    # An inspection over the holiday gets its end pushed by one day.
    assert after.add_working_days(dt.date(2027, 2, 8), 5) == dt.date(2027, 2, 15)


@pytest.mark.django_db(transaction=True)
def test_working_day_inspection_uses_the_overrides(demo: dict) -> None:
    office = User.objects.get(username="office")
    services.calendar_day_set(actor=office, date=dt.date(2027, 3, 3), kind="holiday", name="测试假日")
    seed = demo["seed000"]
    obj = services.inspection_update(
        actor=office, inspection=seed, start_date=dt.date(2027, 3, 1), end_date=None, working_days=5,
        intake_start=None, intake_end=None, duration_text="5个工作日", postmark_counts=False, scope_text="")
    assert obj.end_date == dt.date(2027, 3, 8)  # 1,2,(3 off),4,5,8
    assert obj.intake_end == obj.end_date
