"""To-do lines of the chain: the leader's 组务会, the office's two steps, the team's returned report; each line
opens the reports page filtered to exactly what it counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from xuncha.reporting import services
from xuncha.reporting.models import InspectionReport

from .conftest import user

pytestmark = pytest.mark.django_db


def lines(client: Client, kind: str) -> list[dict[str, Any]]:
    return [line for line in client.get("/api/v1/me/todo").json() if line["kind"].startswith("report_") and line["kind"] == kind]


def opens_its_rows(client: Client, line: dict[str, Any]) -> None:
    response = client.get(line["url"])
    assert response.status_code == 200 and len(response.context["rows"]) == line["count"], line


def test_each_step_waits_in_the_right_list(clients: dict[str, Client], report: InspectionReport) -> None:
    assert not lines(clients["leader"], "report_team_meeting")
    services.report_submit(actor=user("member"), report=report)
    (line,) = lines(clients["leader"], "report_team_meeting")
    assert line["count"] == 1 and line["url"].endswith("?state=team_meeting") and "待组务会审议的巡察报告" in line["title"]
    opens_its_rows(clients["leader"], line)
    assert not lines(clients["member"], "report_team_meeting") and not lines(clients["office"], "report_office")
    report = services.report_decide(actor=user("leader"), report=report, data=services.DecisionData(step="team_meeting", decision="approve"))
    (line,) = lines(clients["office"], "report_office")
    opens_its_rows(clients["office"], line)
    report = services.report_decide(actor=user("office"), report=report, data=services.DecisionData(step="office", decision="approve"))
    (line,) = lines(clients["office"], "report_leading_group")
    opens_its_rows(clients["office"], line)
    services.report_decide(actor=user("office"), report=report, data=services.DecisionData(
        step="leading_group", decision="return", opinion="请补充。", minutes="领导小组会议"))
    assert not lines(clients["office"], "report_leading_group")
    for persona in ("member", "leader"):
        (line,) = lines(clients[persona], "report_returned")
        opens_its_rows(clients[persona], line)
    assert not lines(clients["other_leader"], "report_returned")
