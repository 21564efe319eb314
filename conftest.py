"""Fixed personas for every test: the demo accounts, acting on the demo inspections, plus outsiders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.accounts.services import role_assign
from xuncha.demo.loader import DEMO_PASSWORD, load_demo
from xuncha.inspections.models import Inspection, ReceivingBody, RoundKind, TeamMember

# "Today" for the demo's practice inspection in tests.
DEMO_TODAY = dt.date(2026, 11, 23)

def pytest_configure(config: pytest.Config) -> None:
    # The tests share one process: an in-memory cache, so that query counts measure the product's queries
    # and not the cache's (the database cache of the embedded deployment is tested in tests/platform).
    from django.conf import settings

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # The public API's proof of work: a few bits, so that solving it costs tests nothing.
    settings.PUBLIC_API_POW_BITS = 4
    # Attachments are read (OCR) only when a test asks (xuncha.intake.reading.attachments_read_pending).
    settings.ATTACHMENT_READING = "off"
    # A registered report is triaged in its on-commit hook, not by a drain thread (tests/ of the drain
    # switch to "background" themselves).
    settings.TRIAGE_MODE = "inline"
    # Audit events are sealed into the chain in the transaction that writes them (tests never commit);
    # xuncha/audit/tests/test_sealing.py covers sealing after the commit.
    settings.AUDIT_SEALING = "immediate"
    # Background exports run at once, in the request that starts them (xuncha.exports.services).
    settings.EXPORT_RUNNER = "inline"


# Every persona: the seven demo accounts (each acting on the three demo inspections), a leader, a member
# and a liaison of another team/target, and an account with no role.
PERSONAS = ["office", "leader", "member", "liaison", "recipient", "auditor", "sysadmin",
            "other_leader", "other_member", "other_liaison", "other_recipient", "norole"]


# Which demo inspections (keys of the `demo` fixture) each persona may see: the page list and the API agree.
VISIBLE_INSPECTIONS: dict[str, set[str]] = {
    "office": {"seed000", "seed001", "practice", "other"},
    "leader": {"seed000", "seed001", "practice"},
    "member": {"seed000", "seed001", "practice"},
    "liaison": {"seed000", "seed001", "practice"},
    "other_leader": {"other"},
    "other_member": {"other"},
    "other_liaison": {"other"},
    "recipient": set(),
    "other_recipient": set(),
    "auditor": set(),
    "sysadmin": set(),
    "norole": set(),
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The production hasher is deliberately slow; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_classifier_corpus(settings: Any) -> None:
    # Training on the real classification corpus takes seconds: only the tests that want it configure it.
    settings.CLASSIFIER_CORPUS = ""


@pytest.fixture(autouse=True)
def _isolated_keys_and_media(settings: Any, tmp_path_factory: pytest.TempPathFactory, tmp_path: Any) -> Any:
    """Each test run has its own identity key file and media folder, never the developer's var/."""
    from xuncha.audit import keys as audit_keys
    from xuncha.keys import key_ring

    base = tmp_path_factory.getbasetemp()
    settings.KEY_FILE = base / "keys" / "identity.key"
    settings.AUDIT_KEY_FILE = base / "keys" / "audit.key"  # the same file the session's demo was chained with
    settings.AUDIT_ANCHOR_FILE = tmp_path / "anchors" / "audit-anchors.log"  # each test its own anchors
    settings.MEDIA_ROOT = base / "media"
    key_ring.cache_clear()
    audit_keys.cache_clear()
    yield
    key_ring.cache_clear()
    audit_keys.cache_clear()


@pytest.fixture(autouse=True)
def _isolated_cache() -> Any:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _load_demo_data() -> None:
    """The demo plus a second team (another round, another target) with its own people."""
    from xuncha.inspections import services

    load_demo(today=DEMO_TODAY)
    office = User.objects.get(username="office")
    sysadmin = User.objects.get(username="sysadmin")
    rnd = services.round_create(actor=office, name="测试市委第一轮常规巡察", kind=RoundKind.REGULAR, year=2026)
    team = services.team_create(actor=office, round=rnd, name=OTHER_TEAM)
    target = services.target_create(actor=office, name="测试学院党委")
    other = services.inspection_create(actor=office, round=rnd, team=team, target=target,
                                       start_date=dt.date(2026, 9, 1), end_date=dt.date(2026, 10, 30))
    services.channel_save(actor=office, inspection=other, kind="phone", value="0770-1234567",
                          hours=[("workdays", dt.time(9), dt.time(17))])
    services.team_member_add(actor=office, team=team, name="其他组长", position=TeamMember.Position.LEADER)
    for name, role, scope in [
        ("other_leader", Role.TEAM_LEADER, {"team": team}),
        ("other_member", Role.TEAM_MEMBER, {"team": team}),
        ("other_liaison", Role.LIAISON, {"org": target}),
        # A recipient of one body only (the demo recipient receives for all six demo bodies).
        ("other_recipient", Role.RECIPIENT, {"body": ReceivingBody.objects.get(name=OTHER_RECIPIENT_BODY)}),
        ("norole", None, {}),
    ]:
        user = User(username=name, display_name=name)
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role:
            role_assign(actor=sysadmin, user=user, role=role, system=True, **scope)


OTHER_TEAM = "测试市委第二巡察组"
OTHER_RECIPIENT_BODY = "示范市委组织部"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Load the demo once into the test database; every test then runs in a transaction that is
    rolled back, so each sees the same fresh demo. (Transactional tests, which pytest-django runs
    last, flush the database; the `demo` fixture then loads it again.)"""
    from django.conf import settings as django_settings

    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The demo's audit events are keyed with the run's own audit key, never the developer's var/keys/.
    base = tmp_path_factory.getbasetemp()
    django_settings.AUDIT_KEY_FILE = base / "keys" / "audit.key"
    django_settings.AUDIT_ANCHOR_FILE = base / "anchors" / "session-audit-anchors.log"
    with django_db_blocker.unblock():
        _load_demo_data()


@pytest.fixture
def demo(db: Any) -> dict[str, Any]:
    """The demo objects (see _load_demo_data), fresh from the database for each test."""
    if not User.objects.filter(username="office").exists():
        _load_demo_data()
    inspections = Inspection.objects.select_related("team", "target", "round")
    return {
        "users": {u.username: u for u in User.objects.all()},
        "seed000": inspections.get(team__name="省委教育工委提级巡察二组"),
        "seed001": inspections.get(team__name="市委第五巡察组"),
        "practice": inspections.get(is_practice=True),
        "other": inspections.get(team__name=OTHER_TEAM),
    }


def demo_worked(demo: dict[str, Any]) -> list[Any]:
    """Work the demo's three inspections as `load_demo` does after its base (reports, rectification, the plan,
    fieldwork and its documents, surveys, the inspection reports); returns them."""
    from xuncha.demo.fieldwork import load_demo_fieldwork
    from xuncha.demo.fieldwork_docs import load_demo_fieldwork_docs
    from xuncha.demo.plan import load_demo_plan
    from xuncha.demo.rectification import load_demo_rectification
    from xuncha.demo.reporting import load_demo_reporting
    from xuncha.demo.reports import load_demo_reports
    from xuncha.demo.surveys import load_demo_surveys

    inspections = [demo["seed000"], demo["seed001"], demo["practice"]]
    load_demo_reports(inspections, today=DEMO_TODAY)
    load_demo_rectification(inspections, today=DEMO_TODAY)
    load_demo_plan(inspections, today=DEMO_TODAY)
    load_demo_fieldwork(inspections, today=DEMO_TODAY)
    load_demo_fieldwork_docs(inspections, today=DEMO_TODAY)
    load_demo_surveys(inspections, today=DEMO_TODAY)
    load_demo_reporting(inspections, today=DEMO_TODAY)
    return inspections


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def clients(demo: dict[str, Any]) -> dict[str, Client]:
    result = {name: client_for(user) for name, user in demo["users"].items()}
    result["anonymous"] = Client()
    return result


@pytest.fixture
def seed000(demo: dict[str, Any]) -> Inspection:
    return demo["seed000"]


@pytest.fixture
def seed001(demo: dict[str, Any]) -> Inspection:
    return demo["seed001"]


@pytest.fixture
def register(seed000: Inspection) -> Any:
    """register(content, [(name, post, category)], kind=, reporter=, received_at=, inspection=, triage=True):
    a report registered through the intake service (by the demo member, or for another team's inspection
    by a member of that team) and, unless triage=False, triaged."""
    from xuncha.access import Kind, Purpose, allows
    from xuncha.intake import services
    from xuncha.intake.models import Report
    from xuncha.triage.services import report_triage

    member = User.objects.get(username="member")
    minutes = iter(range(100_000))

    def make(content: str, subjects: list[tuple[str, str, str]] | None = None, *, kind: str = "email",
             reporter: Any = None, received_at: dt.datetime | None = None, inspection: Inspection | None = None,
             triage: bool = True) -> Report:
        inspection = inspection or seed000
        at = received_at or dt.datetime(2024, 9, 26, 2, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=next(minutes))
        by = member if allows(member, Kind.CASE, Purpose.WORK, inspection) else User.objects.filter(roles__team=inspection.team).first()
        report = services.report_register(actor=by, data=services.ReportInput(
            inspection=inspection, content=content, kind=kind, channel=inspection.channels.filter(kind=kind).first(),
            received_at=at, reporter=reporter,
            subjects=[services.SubjectData(name=n, post=p, category=c) for n, p, c in (subjects or [])])).report
        if triage:
            report_triage(report_id=report.pk)
        return Report.objects.select_related("inspection").get(pk=report.pk)

    return make
