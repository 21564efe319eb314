"""Grouping under concurrent registrations (PostgreSQL runs them in parallel): one matter, one group."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from xuncha.accounts.models import User
from xuncha.intake import services
from xuncha.triage.models import DuplicateGroup, Triage


@pytest.mark.django_db(transaction=True)
def test_concurrent_repeats_end_in_one_group(demo: dict) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; its in-memory test database cannot host threads")
    seed = demo["seed000"]
    member = User.objects.get(username="member")
    email = seed.channels.get(kind="email")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(5):
                # Registration commits, then triage runs on commit (Celery eager): classification and grouping.
                services.report_register(actor=member, data=services.ReportInput(
                    inspection=seed, content="食堂饭菜价格连续上涨，质量却越来越差，学生意见很大，希望巡察组关注。", kind="email",
                    channel=email, received_at=dt.datetime(2024, 9, 26, 2, n, i, tzinfo=dt.UTC)))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Triage.objects.count() == 20
    assert Triage.objects.values("group_key").distinct().count() == 1
    group = DuplicateGroup.objects.get()
    assert (group.size, group.reporters, group.channels) == (20, 20, 1)
