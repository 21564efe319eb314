from __future__ import annotations

from typing import Any

import pytest

from conftest import DEMO_TODAY
from xuncha.demo.fieldwork import load_demo_fieldwork
from xuncha.fieldwork.models import Lead
from xuncha.fieldwork.models.talks import Interview
from xuncha.fieldwork.models.visits import FieldRecord

pytestmark = pytest.mark.django_db


def test_practice_fieldwork(demo: dict[str, Any]) -> None:
    practice = demo["practice"]
    result = load_demo_fieldwork([demo["seed000"], practice], today=DEMO_TODAY)
    talks = Interview.objects.filter(inspection=practice)
    assert talks.filter(category="must").count() == 7 and talks.filter(category="chosen").count() == 4
    assert talks.filter(state="done").count() == 2 == result.recorded
    assert talks.filter(state="scheduled").count() == 9
    assert Lead.objects.filter(inspection=practice, source="interview").count() == 1
    assert set(FieldRecord.objects.filter(inspection=practice).values_list("kind", flat=True)) == {"visit", "forum"}
