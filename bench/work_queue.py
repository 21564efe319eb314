"""Benchmark the team's work queue and statistics at scale, through the real selectors.

Run from the repository root::

    python bench/work_queue.py              # 1,000,000 reports in one inspection, PostgreSQL then SQLite
    python bench/work_queue.py --quick      # 100,000 reports
    python bench/work_queue.py --help       # --n --db --repeat --budget --rebuild --explain --workers

Data: N reports of one inspection, written directly with bulk inserts (no intake pipeline): Report,
Subject, Triage, ReportSearch, Disposition, Referral, Clue, TransferBatch and DuplicateGroup rows with
realistic distributions (channel, status, acceptance window, real name, discipline/focus bitmasks,
subject categories, scope derived by the rule of docs/architecture.md §5 rule 5, duplicate groups). Texts come from the
generator of bench/dedup.py (two dozen matters, among them 食堂, 招生, 职称, 采购; about 13% near or exact
repeats of an earlier report, which form the duplicate groups) and are indexed with
xuncha.core.cjk.index_text, as intake does. Triage rows carry a proposal, a scope reason and a
512-byte signature as the real ones do, so that rows are as wide as in production.

Databases: PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_queue; another
N than 1,000,000 appends _<N> to the database name) and SQLite (WAL, the settings of the embedded
deployment) in var/bench/queue-<N>/. Each is created and migrated on first use and kept: the next run
with the same N reuses the data (--rebuild drops it). Each database runs in its own subprocess.

Timed (median and p95 over repeated runs after one warm-up, per case up to --repeat runs or --budget
seconds): a queue page as the view computes it (queue() with its filters, queue_rows(), paginate() —
51 rows and the capped count — and groups_for()), for no filter, each single filter, combined filters,
page 200, full-text search for two-character words, and team_statistics() (computed, and from its
one-minute cache). Baseline in the same run:
``SELECT id FROM intake_report WHERE inspection_id = %s ORDER BY received_at DESC LIMIT 51``; the
ratio column is case median / baseline median. For each case slower than --slow ms the slowest SQL
statement is printed (with --explain, on PostgreSQL, its EXPLAIN ANALYZE).
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# This file has the name of the standard library's `queue` (which logging.handlers imports): run as a
# script its folder would come first on sys.path and shadow it. The repository goes first, this folder
# last (for `import dedup`).
sys.path[:] = [ROOT] + [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE] + [HERE]

import argparse  # noqa: E402
import base64  # noqa: E402
import datetime as dt  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

import numpy as np  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/bench_queue"
DEFAULT_N = 1_000_000
QUICK_N = 100_000
CHUNK = 10_000
SEED = 20240306
SLOW_MS = 200.0

START = dt.date(2024, 3, 6)  # the inspection (seed 001's dates): 3.5 months, letters accepted until 06-14
END = dt.date(2024, 6, 21)
INTAKE_END = dt.date(2024, 6, 14)
LATE_DAYS = 16  # letters still arriving after the window closed
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

CHANNELS = ("online", "email", "phone", "post", "letterbox", "visit", "sms")
CHANNEL_P = (0.34, 0.20, 0.16, 0.10, 0.10, 0.05, 0.05)
STATUSES = ("registered", "accepted", "referred", "transferred", "filed", "closed")
STATUS_P = (0.52, 0.16, 0.12, 0.05, 0.09, 0.06)
DISPOSITION_OF = {"accepted": "accept", "referred": "refer", "transferred": "transfer", "filed": "file", "closed": "close"}
ANONYMOUS_P = 0.65
# Per-bit probabilities (disciplines: political, organizational, integrity, mass, work, life).
DISCIPLINE_P = (0.05, 0.16, 0.36, 0.24, 0.26, 0.07)
FOCUS_P = (0.14, 0.46, 0.22, 0.05)  # policy, corruption, party_building, rectification
SUBJECTS_P = (0.15, 0.62, 0.18, 0.05)  # 0, 1, 2, 3 subjects
CATEGORIES = ("leadership", "subordinate_head", "key_post", "other", "unsure")
CATEGORY_P = (0.24, 0.15, 0.21, 0.26, 0.14)
ROLES = ("teacher", "student", "staff", "other")
EVIDENCE = ("购物卡", "礼金", "公款吃喝", "指定中标", "打招呼", "小金库", "食堂", "招生", "职称评审", "采购", "公车私用", "兼职取酬")


# --- text generation (worker processes) ---------------------------------------------------------------


def generate(span: tuple[int, int]) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """(content, search tokens, subjects) of reports start..end-1 (index i is report number i + 1).

    A pure function of the index: the first subject is the one the text names, the others and every
    category are drawn from a generator seeded with the index."""
    import dedup

    from xuncha.core import cjk

    start, end = span
    _kind, source = dedup.plan(end)
    out = []
    for number, text in dedup.reports(end, start=start):
        i = number - 1
        rng = random.Random(SEED * 7_919 + i)
        named = dedup.original(dedup.SEED, int(source[i]))[3]
        count = rng.choices(range(4), weights=SUBJECTS_P)[0]
        subjects = []
        for j in range(count):
            if j == 0:
                name, post = named["name"], f"{named['U']}{named['P']}"
            else:
                name = rng.choice(dedup.SURNAMES) + "".join(rng.choices(dedup.GIVEN, k=rng.choice((1, 2))))
                post = rng.choice(dedup.UNITS) + rng.choice(dedup.POSTS)
            subjects.append((name, post, rng.choices(CATEGORIES, weights=CATEGORY_P)[0]))
        document = "\n".join([text, *(f"{n} {p}" for n, p, _ in subjects)])
        out.append((text, cjk.index_text(document), subjects))
    return out


# --- data (child process, Django set up) -------------------------------------------------------------


BUILDING = "压测学院党委（构建中 "
INCOMPLETE = 3  # exit status of a child that found an interrupted build


def marker(n: int) -> str:
    return f"压测学院党委（{n}件）"


def reporter_key(i: int) -> str:
    return hashlib.sha256(f"reporter:{SEED}:{i}".encode()).hexdigest()


def fake_sealed() -> str:
    return "sm4gcm:k1:" + base64.b64encode(os.urandom(44)).decode()


def plan_arrays(n: int) -> dict[str, Any]:
    """Every per-report attribute that does not depend on the text, as arrays (seeded)."""
    import dedup

    rng = np.random.default_rng(SEED)
    window_days = (INTAKE_END - START).days + 1
    late = rng.random(n) < 0.07
    # Arrivals: many in the first weeks after the mobilisation meeting, fewer later; late letters trail off.
    day = np.where(late, window_days + np.floor(rng.exponential(4.0, n)).clip(0, LATE_DAYS - 1),
                   np.floor(rng.beta(1.3, 2.2, n) * window_days))
    seconds = rng.integers(7 * 3600, 23 * 3600, n)
    offset = np.sort(day * 86400 + seconds)  # report ids follow the order of arrival
    kind, source = dedup.plan(n)
    anonymous = rng.random(n) < ANONYMOUS_P
    # A real-name reporter sometimes writes again about the same matter (through another channel).
    same = (kind > 0) & ~anonymous & ~anonymous[source] & (rng.random(n) < 0.25)

    def bits(p: tuple[float, ...]) -> Any:
        return ((rng.random((n, len(p))) < np.array(p)) @ (1 << np.arange(len(p)))).astype(np.int64)

    return {
        "offset": offset.astype(np.int64),
        "in_window": offset < window_days * 86400,
        "channel": rng.choice(len(CHANNELS), n, p=CHANNEL_P),
        "status": rng.choice(len(STATUSES), n, p=STATUS_P),
        "anonymous": anonymous,
        "same_reporter": same,
        "disciplines": bits(DISCIPLINE_P),
        "focuses": bits(FOCUS_P),
        "kind": kind,
        "source": source,
        "pending": rng.random(n),
        "role": rng.choice(len(ROLES), n),
    }


def scope_of(in_window: bool, categories: list[str], disciplines: int) -> tuple[str, str]:
    """The scope proposal of docs/architecture.md §5 rule 5 (as xuncha.triage.scope.propose_scope) and a reason of the same length."""
    if not in_window:
        return "out_of_window", "受理期外收到，按期外信访件办理：转有关部门按规定处理，或存查备考。"
    scoped = [c for c in categories if c in ("leadership", "subordinate_head", "key_post")]
    if scoped and disciplines:
        return "in", "被反映人某某（领导班子成员）属于受理对象，反映问题涉及廉洁纪律、工作纪律。"
    if not categories:
        return "pending", "未登记被反映人，请先确认被反映人及其类别。"
    if not scoped and "unsure" in categories:
        return "pending", "被反映人某某的类别尚未确定，请核实其职务。"
    if not scoped:
        return "out", "被反映人某某不属于领导班子成员、下一级党组织主要负责人或重要岗位领导干部，建议按规定转有关部门处理。"
    return "pending", "被反映人某某（重要岗位领导干部）属于受理对象，但未识别出涉及的纪律，请确认问题类别。"


def proposal(disciplines: int, focuses: int, rng: random.Random) -> dict[str, Any]:
    from xuncha.core.classify import DISCIPLINES, FOCUSES

    def entries(mask: int, codes: tuple[str, ...]) -> list[dict[str, Any]]:
        return [{"code": c, "score": round(rng.uniform(0.5, 0.99), 3), "evidence": rng.sample(EVIDENCE, 2), "proposed": True,
                 "sources": {"lexicon": round(rng.uniform(0.5, 0.99), 3), "model": None}}
                for b, c in enumerate(codes) if mask & (1 << b)]
    return {"disciplines": entries(disciplines, DISCIPLINES), "focuses": entries(focuses, FOCUSES)}


class Builder:
    def __init__(self, n: int, workers: int) -> None:
        self.n, self.workers = n, workers

    def setup(self) -> dict[str, Any]:
        """The demo (accounts, receiving bodies), and a round, team, target and inspection of our own."""
        from xuncha.accounts.models import User
        from xuncha.accounts.roles import Role
        from xuncha.accounts.services import role_assign
        from xuncha.demo.loader import load_demo
        from xuncha.inspections import services
        from xuncha.inspections.models import ReceivingBody

        if not User.objects.filter(username="office").exists():
            load_demo()
        office, sysadmin = User.objects.get(username="office"), User.objects.get(username="sysadmin")
        rnd = services.round_create(actor=office, name=f"压测轮次 {time.time():.0f}", kind="regular", year=2024)
        team = services.team_create(actor=office, round=rnd, name=f"压测巡察组 {rnd.pk}")
        target = services.target_create(actor=office, name=f"{BUILDING}{rnd.pk}）")
        inspection = services.inspection_create(actor=office, round=rnd, team=team, target=target, start_date=START,
                                                end_date=END, intake_start=START, intake_end=INTAKE_END)
        for order, kind in enumerate(CHANNELS):
            services.channel_save(actor=office, inspection=inspection, kind=kind, order=order,
                                  value="" if kind in ("letterbox", "visit") else f"bench-{kind}",
                                  location="行政楼一楼" if kind in ("letterbox", "visit") else "",
                                  hours=[("workdays", dt.time(8, 30), dt.time(17, 30))] if kind in ("phone", "visit") else [])
        people = {}
        for role, name in ((Role.TEAM_LEADER, "bench_leader"), (Role.TEAM_MEMBER, "bench_member")):
            user, _ = User.objects.get_or_create(username=f"{name}_{rnd.pk}", defaults={"display_name": name})
            role_assign(actor=sysadmin, user=user, role=role, system=True, team=team)
            people[role] = user
        bodies = list(ReceivingBody.objects.order_by("pk"))
        return {"inspection": inspection, "target": target, "leader": people[Role.TEAM_LEADER],
                "member": people[Role.TEAM_MEMBER], "bodies": bodies,
                "channels": {c.kind: c.pk for c in inspection.channels.all()}}

    def build(self) -> None:
        from django.db import connection, transaction

        from xuncha.intake.models import Report

        t0 = time.perf_counter()
        ctx = self.setup()
        arrays = plan_arrays(self.n)
        base = (Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        ctx["base"] = base
        pg = connection.vendor == "postgresql"
        if pg:
            with connection.cursor() as cur:  # rebuilt after the load, as one sorted build (far faster)
                cur.execute("DROP INDEX IF EXISTS triage_reportsearch_tsv")
        spans = [(s, min(s + CHUNK, self.n)) for s in range(0, self.n, CHUNK)]
        done = 0
        with multiprocessing.get_context("spawn").Pool(self.workers) as pool:
            for span, rows in zip(spans, pool.imap(generate, spans), strict=True):
                with transaction.atomic():
                    self.insert(ctx, arrays, span, rows)
                done = span[1]
                rate = done / (time.perf_counter() - t0)
                print(f"    [{connection.vendor}] {done:,}/{self.n:,} reports, {rate:,.0f}/s", file=sys.stderr, flush=True)
        with transaction.atomic():
            self.groups(ctx, arrays)
            self.batches(ctx)
        self.finish(ctx, pg)
        print(f"    [{connection.vendor}] built in {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)

    def insert(self, ctx: dict[str, Any], a: dict[str, Any], span: tuple[int, int],
               rows: list[tuple[str, str, list[tuple[str, str, str]]]]) -> None:
        from django.utils import timezone

        from xuncha.intake.models import Report, ReportSearch, Subject
        from xuncha.triage.models import Clue, Disposition, Referral, Triage

        inspection, leader, member, bodies = ctx["inspection"], ctx["leader"], ctx["member"], ctx["bodies"]
        base = ctx["base"]
        origin = dt.datetime.combine(START, dt.time(), tzinfo=SHANGHAI)
        now = timezone.now()
        reports, subjects, triages, searches, dispositions, referrals, clues = [], [], [], [], [], [], []
        for i, (text, tokens, subs) in zip(range(*span), rows, strict=True):
            rid = base + i
            rng = random.Random(SEED + i)
            received = origin + dt.timedelta(seconds=int(a["offset"][i]))
            channel = CHANNELS[a["channel"][i]]
            status = STATUSES[a["status"][i]]
            anonymous = bool(a["anonymous"][i])
            in_window = bool(a["in_window"][i])
            reports.append(Report(
                id=rid, inspection_id=inspection.pk, number=i + 1, channel_id=ctx["channels"][channel], channel_kind=channel,
                received_at=received, postmarked_on=(received - dt.timedelta(days=2)).date() if channel == "post" else None,
                content=text, status=status, anonymous=anonymous,
                reporter_role="" if anonymous else ROLES[a["role"][i]],
                reporter_sealed={} if anonymous else {"name": fake_sealed(), "phone": fake_sealed()},
                in_window=in_window, within_hours=(rng.random() < 0.9) if channel == "phone" else None,
                acceptance_reasons=["受理期内收到。" if in_window else "受理期外收到。"],
                receipt_notice_due=None if anonymous else (received + dt.timedelta(days=21)).date(),
                created_by_id=None if channel == "online" else member.pk))
            subjects += [Subject(report_id=rid, name=name, post=post, category=cat) for name, post, cat in subs]
            searches.append(ReportSearch(report_id=rid, tokens=tokens))
            d, f = int(a["disciplines"][i]), int(a["focuses"][i])
            scope, reason = scope_of(in_window, [c for _, _, c in subs], d)
            kind, source = int(a["kind"][i]), int(a["source"][i])
            confirmed = rng.random() < 0.2
            triages.append(Triage(
                report_id=rid, inspection_id=inspection.pk, proposal=proposal(d, f, rng), disciplines=d, focuses=f, labels_confirmed=confirmed,
                labels_confirmed_by_id=leader.pk if confirmed else None, labels_confirmed_at=now if confirmed else None,
                scope=scope, scope_reason=reason, scope_confirmed=rng.random() < 0.15, group_key=base + source,
                duplicate_of_id=base + source if kind else None,
                similarity=(1.0 if kind == 2 else round(rng.uniform(0.6, 0.95), 3)) if kind else None,
                exact_repeat=kind == 2, fingerprint=rng.getrandbits(63), signature=os.urandom(512),
                reporter_key="" if anonymous else reporter_key(source if a["same_reporter"][i] else i)))
            # Dispositions: an approved one for every report that left "registered"; some proposals pending.
            if status != "registered":
                dkind = DISPOSITION_OF[status]
                body = bodies[i % len(bodies)] if dkind in ("refer", "transfer") else None
                disposition = Disposition(id=rid, report_id=rid, kind=dkind, body=body, reason="经研究，拟按此处置。",
                                          state="approved", proposed_by_id=member.pk, decided_by_id=leader.pk, decided_at=now)
                dispositions.append(disposition)
                if body is not None:
                    acknowledged = received + dt.timedelta(days=12) if rng.random() < 0.75 else None
                    result = acknowledged + dt.timedelta(days=40) if acknowledged and rng.random() < 0.5 else None
                    common = {"report_id": rid, "body": body, "disposition_id": rid, "reason": "按规定处理。",
                              "due_on": (received + dt.timedelta(days=7)).date(), "acknowledged_at": acknowledged,
                              "handling": "talk" if result else "", "result": "已办结。" if result else "", "result_at": result}
                    if dkind == "refer":
                        referrals.append(Referral(number=i + 1, sent_at=received + dt.timedelta(days=5), **common))
                    else:
                        clues.append(Clue(**common))
            elif a["pending"][i] < 0.05:
                dispositions.append(Disposition(id=rid, report_id=rid, kind="accept", reason="拟受理。",
                                                state="proposed" if a["pending"][i] < 0.04 else "returned",
                                                proposed_by_id=member.pk))
        Report.objects.bulk_create(reports, batch_size=2000)
        Subject.objects.bulk_create(subjects, batch_size=2000)
        Triage.objects.bulk_create(triages, batch_size=2000)
        ReportSearch.objects.bulk_create(searches, batch_size=2000)
        Disposition.objects.bulk_create(dispositions, batch_size=2000)
        Referral.objects.bulk_create(referrals, batch_size=2000)
        Clue.objects.bulk_create(clues, batch_size=2000)

    def groups(self, ctx: dict[str, Any], a: dict[str, Any]) -> None:
        """A DuplicateGroup row for every original with at least one repeat (as group_refresh counts them)."""
        from xuncha.triage.models import DuplicateGroup

        base, n = ctx["base"], self.n
        source = a["source"].astype(np.int64)
        size = np.bincount(source, minlength=n)
        keys = np.flatnonzero(size > 1)
        # Distinct reporters: each anonymous report counts as one, a real-name reporter once.
        repeats = np.bincount(source, weights=a["same_reporter"].astype(np.int64), minlength=n).astype(np.int64)
        channels = np.bincount(np.unique(source * 8 + a["channel"]) // 8, minlength=n)
        last = np.zeros(n, dtype=np.int64)
        np.maximum.at(last, source, np.arange(n))
        origin = dt.datetime.combine(START, dt.time(), tzinfo=SHANGHAI)

        def at(i: Any) -> dt.datetime:
            return origin + dt.timedelta(seconds=int(a["offset"][i]))

        DuplicateGroup.objects.bulk_create([
            DuplicateGroup(inspection_id=ctx["inspection"].pk, key=base + int(k), first_report_id=base + int(k), size=int(size[k]),
                           reporters=int(size[k] - repeats[k]), channels=int(channels[k]),
                           first_received_at=at(k), last_received_at=at(last[k])) for k in keys], batch_size=2000)

    def batches(self, ctx: dict[str, Any]) -> None:
        """Clues listed in transfer batches of 50 per receiving body; a signed batch acknowledges its clues."""
        from django.db.models import Min

        from xuncha.triage.models import Clue, TransferBatch

        number = 0
        for body in ctx["bodies"]:
            ids = list(Clue.objects.filter(report__inspection=ctx["inspection"], body=body).order_by("pk").values_list("pk", flat=True))
            for start in range(0, int(len(ids) * 0.85), 50):
                number += 1
                chunk = ids[start:start + 50]
                signed = Clue.objects.filter(pk__in=chunk).aggregate(m=Min("acknowledged_at"))["m"]
                batch = TransferBatch.objects.create(inspection=ctx["inspection"], body=body, number=number,
                                                     created_by=ctx["leader"], signed_by=ctx["leader"] if signed else None,
                                                     signed_at=signed)
                Clue.objects.filter(pk__in=chunk).update(batch=batch)
        # A clue not in a batch has not been handed over yet: nothing acknowledged.
        Clue.objects.filter(report__inspection=ctx["inspection"], batch__isnull=True).update(
            acknowledged_at=None, handling="", result="", result_at=None)

    def finish(self, ctx: dict[str, Any], pg: bool) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        from xuncha.intake.models import Report, Subject
        from xuncha.triage.models import Clue, Disposition, DuplicateGroup, Referral

        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Report, Subject, Disposition, Referral, Clue, DuplicateGroup]):
                cur.execute(sql)
        if pg:
            t = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute("SET maintenance_work_mem = '1GB'")
                # The index of migration triage 0001 (PG_FORWARD), rebuilt once after the load.
                cur.execute("CREATE INDEX triage_reportsearch_tsv ON triage_reportsearch USING GIN (tsv)")  # as migration intake 0007
                print(f"    [postgresql] GIN index built in {time.perf_counter() - t:.0f}s", file=sys.stderr, flush=True)
            with connection.cursor() as cur:  # autocommit outside atomic(): VACUUM may run
                cur.execute("VACUUM ANALYZE")
        else:
            with connection.cursor() as cur:
                cur.execute("INSERT INTO triage_reportsearch_fts(triage_reportsearch_fts) VALUES ('optimize')")
                cur.execute("ANALYZE")
        target = ctx["target"]
        target.name = marker(self.n)
        target.save(update_fields=["name"])


# --- timing -------------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], repeat: int, budget: float) -> dict[str, Any]:
    fn()  # warm-up: plans, caches, pages of the tables
    times: list[float] = []
    began = time.perf_counter()
    while len(times) < repeat and (len(times) < 3 or time.perf_counter() - began < budget):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    ms = np.array(times) * 1000
    return {"median": float(statistics.median(ms)), "p95": float(np.percentile(ms, 95)), "runs": len(times)}


def slowest_query(fn: Callable[[], Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    queries = ctx.captured_queries
    top = max(queries, key=lambda q: float(q["time"]))
    return {"queries": len(queries), "slowest_ms": float(top["time"]) * 1000, "sql": top["sql"],
            "statements": [(float(q["time"]) * 1000, q["sql"][:110]) for q in queries]}


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cur.fetchall())


def cases() -> Iterator[tuple[str, dict[str, str], int]]:
    """(label, queue filters, page number)."""
    yield "page 1, no filter", {}, 1
    for name, value in (("status", "accepted"), ("channel", "letterbox"), ("discipline", "integrity"), ("discipline", "political"),
                        ("focus", "rectification"), ("category", "subordinate_head"), ("scope", "in"), ("window", "out"),
                        ("real_name", "yes"), ("group", "any"), ("pending", "yes")):
        yield f"{name}={value}", {name: value}, 1
    yield "status+channel+discipline", {"status": "registered", "channel": "online", "discipline": "integrity"}, 1
    yield "scope+category+real_name+window", {"scope": "in", "category": "leadership", "real_name": "yes", "window": "in"}, 1
    yield "focus+group=any+sort old", {"focus": "corruption", "group": "any", "sort": "old"}, 1
    yield "page 200, no filter", {}, 200
    yield "page 200, status=registered", {"status": "registered"}, 200
    for word in ("食堂", "招生", "职称", "采购"):
        yield f"q={word}", {"q": word}, 1
    yield "q=食堂 采购 (two words)", {"q": "食堂 采购"}, 1
    yield "q=职称 + status=registered", {"q": "职称", "status": "registered"}, 1


def measure(n: int, repeat: int, budget: float, slow_ms: float, do_explain: bool, only: str = "") -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection
    from django.utils import timezone

    from xuncha.accounts.models import User
    from xuncha.inspections.models import Inspection
    from xuncha.intake.models import Report
    from xuncha.paging import paginate
    from xuncha.triage.selectors import QueueFilters, cache_key, groups_for, queue, queue_neighbours, queue_rows, team_statistics

    inspection = Inspection.objects.select_related("team").get(target__name=marker(n))
    leader = User.objects.filter(roles__team=inspection.team, roles__role="team_leader").first()
    assert leader is not None
    reports = Report.objects.filter(inspection=inspection).count()
    results: dict[str, Any] = {"vendor": connection.vendor, "reports": reports, "cases": []}

    def baseline() -> Any:
        with connection.cursor() as cur:
            cur.execute("SELECT id FROM intake_report WHERE inspection_id = %s ORDER BY received_at DESC LIMIT 51", [inspection.pk])
            return cur.fetchall()

    wanted = [w.strip() for w in only.split(",") if w.strip()]

    def run(label: str, fn: Callable[[], Any], what: Callable[[Any], str]) -> None:
        if wanted and results["cases"] and not any(w in label for w in wanted):
            return
        t = timed(fn, repeat, budget)
        shown = what(fn())
        row = {"case": label, **t, "shown": shown}
        if t["median"] > slow_ms:
            row.update(slowest_query(fn))
            if do_explain and connection.vendor == "postgresql":
                row["plan"] = explain(row["sql"])
        results["cases"].append(row)
        print(f"    [{connection.vendor}] {pad(label, 36)} median {t['median']:9.2f} ms  p95 {t['p95']:9.2f} ms  ({t['runs']} runs) {shown}",
              file=sys.stderr, flush=True)

    run("baseline: SELECT id ... LIMIT 51", baseline, lambda rows: f"{len(rows)} rows")
    for label, params, number in cases():
        filters = QueueFilters.from_query(params)

        def page(filters: QueueFilters = filters, number: int = number) -> Any:
            result = paginate(queue_rows(queue(user=leader, inspection=inspection, filters=filters)), number)
            groups_for(result.items)
            return result

        run(label, page, lambda p: f"{len(p.items)} rows, {p.count}{'+' if p.capped else ''} matching")

    # Previous / next from a report's page (keyset on the queue's ordering), from a report in the middle of
    # the inspection's reports: unfiltered, and within a filter.
    middle = Report.objects.filter(inspection=inspection).order_by("received_at", "id")[reports // 2]
    for label, params in (("previous/next, no filter", {}), ("previous/next, status+channel, sort old",
                                                             {"status": "registered", "channel": "online", "sort": "old"}),
                          ("previous/next, q=食堂", {"q": "食堂"})):
        step_filters = QueueFilters.from_query(params)

        def step(filters: QueueFilters = step_filters) -> Any:
            return queue_neighbours(user=leader, report=middle, filters=filters)

        run(label, step, lambda pair: " / ".join(r.reference if r else "—" for r in pair))

    def statistics() -> Any:
        cache.delete(cache_key(inspection))  # computed, not the minute's cached figures
        return team_statistics(user=leader, inspection=inspection)

    run("team_statistics (computed)", statistics,
        lambda f: f"{f['total']:,} reports, {f['groups']['count']:,} groups, {len(f['days'])} days")
    run("team_statistics (cached)", lambda: team_statistics(user=leader, inspection=inspection),
        lambda f: f"figures of {timezone.localtime(f['generated_at']):%H:%M:%S}")
    return results


# --- processes ----------------------------------------------------------------------------------------


def with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(with_dbname(url, "postgres"), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def pg_exists(url: str) -> bool:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(with_dbname(url, "postgres"), autocommit=True, connect_timeout=5) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def missing_columns() -> list[str]:
    """Columns of the models the bench writes that the database's tables lack."""
    from django.apps import apps
    from django.db import connection

    missing = []
    with connection.cursor() as cur:
        for label in ("intake.Report", "intake.Subject", "triage.Triage", "intake.ReportSearch", "triage.Disposition",
                      "triage.Referral", "triage.Clue", "triage.TransferBatch", "triage.DuplicateGroup"):
            model = apps.get_model(label)
            table = model._meta.db_table
            present = {c.name for c in connection.introspection.get_table_description(cur, table)}
            missing += [f"{table}.{f.column}" for f in model._meta.concrete_fields if f.column not in present]
    return missing


def child(vendor: str, n: int, args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    from xuncha.inspections.models import Inspection

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the embedded deployment caches in the database
    if Inspection.objects.filter(target__name__startswith=BUILDING).exists():
        print(f"    [{vendor}] an interrupted build is in the database: starting over", file=sys.stderr, flush=True)
        raise SystemExit(INCOMPLETE)
    missing = missing_columns()
    if missing:  # a migration edited in place since the data was built: migrate cannot tell
        print(f"    [{vendor}] the database lacks {', '.join(missing)}: starting over", file=sys.stderr, flush=True)
        raise SystemExit(INCOMPLETE)
    if not Inspection.objects.filter(target__name=marker(n)).exists():
        print(f"    [{vendor}] building {n:,} reports", file=sys.stderr, flush=True)
        Builder(n, args.workers).build()
    else:
        print(f"    [{vendor}] reusing the {n:,} reports already built (--rebuild to start over)", file=sys.stderr, flush=True)
    result = measure(n, args.repeat, args.budget, args.slow, args.explain, args.only)
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_size_pretty(pg_database_size(current_database())), version()")
            size, version = cur.fetchone()
            result["db"] = f"{version.split(' on ')[0]}, database {connection.settings_dict['NAME']} ({size})"
        else:
            import sqlite3

            path = Path(connection.settings_dict["NAME"])
            result["db"] = f"SQLite {sqlite3.sqlite_version} (WAL), {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} " \
                           f"({path.stat().st_size / 2**30:.1f} GB)"
    return result


def spawn(vendor: str, n: int, args: argparse.Namespace) -> dict[str, Any] | None:
    result = spawn_once(vendor, n, args)
    if result == INCOMPLETE:
        result = spawn_once(vendor, n, argparse.Namespace(**{**vars(args), "rebuild": True}))
    return result if isinstance(result, dict) else None


def spawn_once(vendor: str, n: int, args: argparse.Namespace) -> dict[str, Any] | int:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="xuncha.settings", DEBUG="0", LOG_LEVEL="WARNING", PYTHONDONTWRITEBYTECODE="1")
    env.pop("REDIS_URL", None)
    suffix = "" if n == DEFAULT_N else f"_{n}"
    var = Path(ROOT) / "var" / "bench" / f"queue-{n}"
    if vendor == "postgresql":
        url = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_PG
        url = with_dbname(url, urlsplit(url).path.lstrip("/") + suffix)
        name = urlsplit(url).path.lstrip("/")
        if args.rebuild:
            pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not pg_exists(url):
            pg_admin(url, f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = url
        env["XUNCHA_VAR_DIR"] = str(var / "pg")
    else:
        env.pop("DATABASE_URL", None)
        env["XUNCHA_VAR_DIR"] = str(var / "sqlite")
        if args.rebuild:
            shutil.rmtree(var / "sqlite", ignore_errors=True)
    argv = [sys.executable, os.path.abspath(__file__), "--child", vendor, "--n", str(n), "--repeat", str(args.repeat),
            "--budget", str(args.budget), "--slow", str(args.slow), "--workers", str(args.workers), "--only", args.only]
    argv += ["--explain"] if args.explain else []
    proc = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        if proc.returncode != INCOMPLETE:
            print(f"  {vendor}: failed (exit {proc.returncode})")
        return proc.returncode
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def pad(text: str, width: int) -> str:
    """Left-justify to a display width (a Han character takes two columns)."""
    import unicodedata

    return text + " " * max(0, width - sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text))


def print_table(results: list[dict[str, Any]], slow_ms: float) -> None:
    base = {r["vendor"]: r["cases"][0]["median"] for r in results}
    head = "".join(f" | {r['vendor'][:10]:>10} median    p95  x base" for r in results)
    print(f"\n{'case':<36}{head} | shown (last database)")
    print("-" * (36 + 38 * len(results) + 24))
    rows: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for r in results:
        for c in r["cases"]:
            rows.setdefault(c["case"], []).append((r["vendor"], c))
    for label, found in rows.items():
        cells = "".join(f" | {c['median']:10.2f} ms {c['p95']:8.2f} {c['median'] / base[v]:7.1f}" for v, c in found)
        print(f"{pad(label, 36)}{cells} | {found[-1][1]['shown']}")
    slow = [(r["vendor"], c) for r in results for c in r["cases"] if "sql" in c]
    if slow:
        print(f"\nslower than {slow_ms:.0f} ms (median), with the slowest statement of one run:")
        for vendor, c in slow:
            print(f"\n  [{vendor}] {c['case']}: {c['median']:.0f} ms, {c['queries']} queries:")
            for ms, sql in c["statements"]:
                print(f"    {ms:8.1f} ms  {sql}")
            print(f"    slowest, {c['slowest_ms']:.0f} ms: {c['sql'][:1500]}")
            if "plan" in c:
                print("    " + c["plan"].replace("\n", "\n    "))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help=f"reports (default {DEFAULT_N:,}; --quick {QUICK_N:,})")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--db", default="postgresql,sqlite", help="postgresql, sqlite or both (comma-separated)")
    parser.add_argument("--database-url", default="", help=f"PostgreSQL server and database (default DATABASE_URL or {DEFAULT_PG})")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per case (after one warm-up)")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per case; at least 3 runs whatever it takes")
    parser.add_argument("--slow", type=float, default=SLOW_MS, help="print the slowest statement of cases slower than this (ms)")
    parser.add_argument("--only", default="", help="time only the cases whose label contains one of these (comma-separated)")
    parser.add_argument("--rebuild", action="store_true", help="drop the data of this N and build it again")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest statement of slow cases (PostgreSQL)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes generating and indexing texts")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = args.n or (QUICK_N if args.quick else DEFAULT_N)
    if args.child:
        print(json.dumps(child(args.child, n, args)))
        return
    names = {"pg": "postgresql", "postgres": "postgresql", "postgresql": "postgresql", "sqlite": "sqlite"}
    vendors = [names[v.strip()] for v in args.db.split(",") if v.strip()]
    print(f"queue bench: {n:,} reports in one inspection; {args.repeat} runs per case (or {args.budget:.0f} s, at least 3); "
          f"cpus={os.cpu_count()}")
    results = [r for v in vendors if (r := spawn(v, n, args)) is not None]
    for r in results:
        print(f"  {r['vendor']}: {r['db']}; {r['reports']:,} reports")
    if results:
        print_table(results, args.slow)


if __name__ == "__main__":
    main()
