"""Deployment-shaped data in bulk, for the workbench, statistics and dashboard benches (bench/check.py).

N reports over many inspections as a provincial platform holds them after a few years: 8 rounds
(2022-2025, two a year) of several organising offices, ~2,000 inspections per 1M reports (one team
inspects about three targets per round) of ~450 reports each, plus one hot inspection holding N/10
(100,000 at 1M). Per report: subjects (0-3, five categories), a triage row (discipline and focus
bitmasks, scope by rule 5, duplicate group key, a proposal, a 512-byte signature: as wide as real rows),
its search row (CJK bigrams of xuncha.core.cjk.index_text, as intake writes them), a disposition for
every report past "registered" (4% proposed and awaiting approval), duplicate groups (13% repeats within
an inspection), replies (receipt notices for 85% of real-name reports, results for 60% of the closed
ones). Texts: a pool of distinct texts from bench/dedup.py's generator (two dozen matters, among them
食堂, 招生, 职称, 采购), indexed once each and reused; repeats carry their original's text.

Written with raw SQL: COPY on PostgreSQL, executemany on SQLite (the FTS5 index is filled by the
migration's triggers). Referrals, clues, rectification and fieldwork rows are not generated.

Used in a process where Django is set up on the target database (fresh and migrated):
``build(n)`` returns the ids the benches need (`Built`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261203
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
CHANNELS = ("online", "email", "phone", "post", "letterbox", "visit", "sms")
CHANNEL_P = (0.34, 0.20, 0.16, 0.10, 0.10, 0.05, 0.05)
STATUSES = ("registered", "accepted", "referred", "transferred", "filed", "closed")
STATUS_P = (0.52, 0.16, 0.12, 0.05, 0.09, 0.06)
DISPOSITION_OF = {"accepted": "accept", "referred": "refer", "transferred": "transfer", "filed": "file", "closed": "close"}
ANONYMOUS_P = 0.65
DISCIPLINE_P = (0.05, 0.16, 0.36, 0.24, 0.26, 0.07)  # political, organizational, integrity, mass, work, life
FOCUS_P = (0.14, 0.46, 0.22, 0.05)  # policy, corruption, party_building, rectification
SUBJECTS_P = (0.15, 0.62, 0.18, 0.05)
CATEGORIES = ("leadership", "subordinate_head", "key_post", "other", "unsure")
CATEGORY_P = (0.24, 0.15, 0.21, 0.26, 0.14)
ROLES = ("teacher", "student", "staff", "other")
OFFICES = ("省委巡视办", "市委巡察办", "省委教育工委巡察办", "市委教育工委巡察办")
REPEAT_P = 0.13
POOL = 20_000
PER_INSPECTION = 450
MARK = "压测数据"  # in every generated round's name


@dataclass
class Built:
    hot_inspection: int
    typical_inspection: int
    hot_round: int
    leader: str  # username of the leader of the hot and the typical inspection's teams
    office: str
    reports: int
    seconds: float


def _pool_texts(n: int) -> list[tuple[str, str, str, str]]:
    """(text, tokens, subject name, subject post) of n distinct generated reports."""
    sys.path.insert(0, str(HERE))
    import dedup

    from xuncha.core import cjk

    out = []
    _kind, source = dedup.plan(n)
    for number, text in dedup.reports(n):
        named = dedup.original(dedup.SEED, int(source[number - 1]))[3]
        name, post = named["name"], f"{named['U']}{named['P']}"
        out.append((text, cjk.index_text(f"{text}\n{name} {post}"), name, post))
    return out


class Writer:
    """Rows into a table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.pg = connection.vendor == "postgresql"

    def _sqlite_value(self, v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, bool):
            return int(v)
        return v

    def _fill(self, table: str, columns: Sequence[str]) -> tuple[list[str], list[Any]]:
        """The table's NOT NULL columns the recipe does not name (added by later migrations) with their
        model defaults, so that the generator keeps working as the schema grows."""
        from django.apps import apps

        model = next((m for m in apps.get_models() if m._meta.db_table == table), None)
        extra: list[str] = []
        values: list[Any] = []
        if model is None:
            return extra, values
        for field in model._meta.concrete_fields:
            if field.column in columns or field.null or field.primary_key or getattr(field, "generated", False):
                continue
            if not field.has_default() and getattr(field, "db_default", None) is None:
                raise RuntimeError(f"bench/bulkdata.py: {table}.{field.column} needs a value (NOT NULL, no default)")
            if not field.has_default():
                continue  # the database's own default
            extra.append(str(field.column))
            values.append(field.get_db_prep_save(field.get_default(), self.connection))
        return extra, values

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        extra, defaults = self._fill(table, columns)
        if extra:
            columns = [*columns, *extra]
            rows = (tuple(row) + tuple(defaults) for row in rows)
        quoted = ", ".join(f'"{c}"' for c in columns)
        with self.connection.cursor() as cur:
            if self.pg:
                raw = cur.cursor  # psycopg's own cursor (Django's wrapper has no copy())
                with raw.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'
                batch: list[tuple[Any, ...]] = []
                raw = cur.cursor
                for row in rows:
                    batch.append(tuple(self._sqlite_value(v) for v in row))
                    count += 1
                    if len(batch) >= 5000:
                        raw.executemany(sql, batch)
                        batch.clear()
                if batch:
                    raw.executemany(sql, batch)
        return count

    def next_id(self, table: str) -> int:
        with self.connection.cursor() as cur:
            cur.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')  # noqa: S608
            return int(cur.fetchone()[0])


def _log(msg: str, t0: float) -> None:
    print(f"    [bulk] {time.perf_counter() - t0:6.1f}s {msg}", file=sys.stderr, flush=True)


def build(n: int) -> Built:  # noqa: PLR0915 - one linear recipe
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from xuncha.accounts.models import User
    from xuncha.accounts.roles import Role
    from xuncha.accounts.services import role_assign
    from xuncha.demo.loader import load_demo
    from xuncha.inspections.models import Channel, Inspection, ReceivingBody, Round, TargetOrg, Team
    from xuncha.intake.models import Report, Subject
    from xuncha.replies.models import Reply
    from xuncha.triage.models import Disposition, DuplicateGroup

    t0 = time.perf_counter()
    rng = np.random.default_rng(SEED)
    prng = random.Random(SEED)
    if not User.objects.filter(username="office").exists():
        load_demo()
    office, sysadmin = User.objects.get(username="office"), User.objects.get(username="sysadmin")
    body_id = ReceivingBody.objects.order_by("pk").values_list("pk", flat=True).first()
    w = Writer()
    now = timezone.now()

    # --- rounds, teams, targets, inspections, channels ---------------------------------------------
    hot_n = max(1, n // 10)
    rest = n - hot_n
    k = max(4, round(rest / PER_INSPECTION))  # ordinary inspections
    rounds = 8
    per_round = -(-k // rounds)
    teams_per_round = max(1, -(-per_round // 3))
    first = {"round": w.next_id("inspections_round"), "team": w.next_id("inspections_team"),
             "target": w.next_id("inspections_targetorg"), "insp": w.next_id("inspections_inspection"),
             "channel": w.next_id("inspections_channel")}
    tag = f"{MARK} {n} {os.getpid()}"
    round_rows, team_rows, target_rows, insp_rows, channel_rows = [], [], [], [], []
    windows: list[tuple[dt.date, dt.date, int]] = []  # (intake start, intake end, round index) per inspection
    for r in range(rounds):
        year, half = 2022 + r // 2, r % 2
        start = dt.date(year, 3 if half == 0 else 9, 1)
        round_rows.append((first["round"] + r, f"{year}年第{half + 1}轮巡察（{tag}）", "regular", OFFICES[r % len(OFFICES)], year, "",
                           now, None, None))
        for t in range(teams_per_round):
            team_rows.append((first["team"] + r * teams_per_round + t, f"第{t + 1}巡察组", now, first["round"] + r, None))
    for i in range(k + 1):  # the last one is the hot inspection
        r = min(i // per_round, rounds - 1) if i < k else rounds - 1
        team = first["team"] + r * teams_per_round + (i % teams_per_round if i < k else 0)
        start = dt.date(2022 + r // 2, 3 if r % 2 == 0 else 9, 1) + dt.timedelta(days=int(prng.randrange(0, 30)))
        end = start + dt.timedelta(days=75)
        intake_end = end - dt.timedelta(days=7)
        windows.append((start, intake_end, r))
        target_rows.append((first["target"] + i, f"压测单位{i + 1}号（{tag}）", "", "", ""))
        insp_rows.append((first["insp"] + i, start, end, None, "", start, intake_end, False, "", uuid.uuid4().hex, False, now,
                          first["round"] + r, first["target"] + i, team, None, None))
        for order, kind in enumerate(CHANNELS):
            channel_rows.append((first["channel"] + i * len(CHANNELS) + order, kind, "", f"bench-{kind}", "", "", "", order,
                                 first["insp"] + i))
    with transaction.atomic():
        w.write("inspections_round", ("id", "name", "kind", "organizer", "year", "description", "created_at", "archived_at",
                                      "closed_at"), round_rows)
        w.write("inspections_team", ("id", "name", "created_at", "round_id", "archived_at"), team_rows)
        w.write("inspections_targetorg", ("id", "name", "short_name", "parent", "address"), target_rows)
        w.write("inspections_inspection", ("id", "start_date", "end_date", "working_days", "duration_text", "intake_start",
                                           "intake_end", "postmark_counts", "scope_text", "public_id", "is_practice", "created_at",
                                           "round_id", "target_id", "team_id", "archived_at", "closed_at"), insp_rows)
        w.write("inspections_channel", ("id", "kind", "label", "value", "postcode", "location", "note", "order", "inspection_id"),
                channel_rows)
    hot = first["insp"] + k
    typical = first["insp"] + k // 2
    leader, _ = User.objects.get_or_create(username=f"bench_leader_{os.getpid()}", defaults={"display_name": "压测组长"})
    member, _ = User.objects.get_or_create(username=f"bench_member_{os.getpid()}", defaults={"display_name": "压测组员"})
    for pk in {hot, typical}:
        team_obj = Inspection.objects.get(pk=pk).team
        role_assign(actor=sysadmin, user=leader, role=Role.TEAM_LEADER, system=True, team=team_obj)
        role_assign(actor=sysadmin, user=member, role=Role.TEAM_MEMBER, system=True, team=team_obj)
    _log(f"{k + 1:,} inspections in {rounds} rounds ({len(team_rows)} teams)", t0)

    # --- reports: sizes, arrival times, ids in order of arrival -----------------------------------------
    sizes = rng.multinomial(rest, np.ones(k) / k) if k else np.zeros(0, dtype=np.int64)
    sizes = np.append(np.maximum(sizes, 1), hot_n)
    sizes[0] += n - int(sizes.sum())  # exactly n
    insp_of = np.repeat(np.arange(k + 1), sizes)
    starts = np.array([dt.datetime.combine(s, dt.time(), tzinfo=SHANGHAI).timestamp() for s, _, _ in windows])
    spans = np.array([((e - s).days + 1) * 86400 for s, e, _ in windows], dtype=np.float64)
    late = rng.random(n) < 0.07
    frac = rng.beta(1.3, 2.2, n)
    at = starts[insp_of] + np.where(late, spans[insp_of] + rng.exponential(4.0, n).clip(0, 15) * 86400, frac * spans[insp_of])
    in_window = ~late
    arrival = np.argsort(at, kind="stable")  # ids follow arrival across all inspections
    first_report = w.next_id("intake_report")
    rid = np.empty(n, dtype=np.int64)
    rid[arrival] = first_report + np.arange(n)
    # number within the inspection, in order of arrival
    by_insp = np.lexsort((at, insp_of))
    local = np.empty(n, dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    local[by_insp] = np.arange(n) - np.repeat(offsets, sizes)
    # repeats: an earlier report of the same inspection, mostly a recent one; groups keyed by the first
    is_repeat = (rng.random(n) < REPEAT_P) & (local > 0)
    back = np.minimum(rng.geometric(1 / 40, n), np.maximum(local, 1))
    pos_sorted = np.empty(n, dtype=np.int64)
    pos_sorted[by_insp] = np.arange(n)
    src = np.where(is_repeat, by_insp[pos_sorted - back], np.arange(n))
    root = np.arange(n)
    for p in by_insp[is_repeat[by_insp]].tolist():  # in (inspection, arrival) order: a source's root is known first
        root[p] = root[src[p]]
    text_of = np.where(is_repeat, 0, rng.integers(0, POOL, n))
    text_of = text_of[root]
    channel = rng.choice(len(CHANNELS), n, p=CHANNEL_P)
    status = rng.choice(len(STATUSES), n, p=STATUS_P)
    anonymous = rng.random(n) < ANONYMOUS_P

    def bits(p: tuple[float, ...]) -> Any:
        return ((rng.random((n, len(p))) < np.array(p)) @ (1 << np.arange(len(p)))).astype(np.int64)

    disciplines, focuses = bits(DISCIPLINE_P), bits(FOCUS_P)
    n_subjects = rng.choice(4, n, p=SUBJECTS_P)
    pending = rng.random(n)
    _log(f"plan of {n:,} reports (hot inspection {hot_n:,})", t0)
    pool = _pool_texts(min(POOL, n))
    text_of %= len(pool)
    _log(f"{len(pool):,} distinct texts indexed", t0)

    sig = [os.urandom(512) for _ in range(64)]
    user_id, leader_id = member.pk, leader.pk
    channel_id = first["channel"] + insp_of * len(CHANNELS) + channel
    received = [dt.datetime.fromtimestamp(float(x), tz=dt.UTC) for x in at]
    rows_order = arrival.tolist()  # write in id order

    def report_rows() -> Iterable[tuple[Any, ...]]:
        for i in rows_order:
            anon = bool(anonymous[i])
            ch = CHANNELS[channel[i]]
            rec = received[i]
            sealed = "{}" if anon else '{"name": "sm4gcm:k1:QUJDREVGR0hJSktMTU5PUA==", "phone": "sm4gcm:k1:QUJDREVGR0g="}'
            yield (int(rid[i]), int(local[i]) + 1, ch, rec, (rec - dt.timedelta(days=2)).date() if ch == "post" else None,
                   pool[text_of[i]][0], STATUSES[status[i]], anon, "" if anon else ROLES[i % 4], sealed, None, bool(in_window[i]),
                   None, '["受理期内收到。"]' if in_window[i] else '["受理期外收到。"]',
                   None if anon else (rec + dt.timedelta(days=21)).date(), "{}", "", "", False, "", rec, int(channel_id[i]),
                   None if ch == "online" else user_id, first["insp"] + int(insp_of[i]), None, "", "",
                   (rec + dt.timedelta(days=60)).date() if not anon and status[i] == 5 else None, "")

    with transaction.atomic():
        w.write("intake_report", ("id", "number", "channel_kind", "received_at", "postmarked_on", "content", "status", "anonymous",
                                  "reporter_role", "reporter_sealed", "receipt_hash", "in_window", "within_hours",
                                  "acceptance_reasons", "receipt_notice_due", "source", "email_message_id", "raw_source",
                                  "needs_attention", "attention_reason", "created_at", "channel_id", "created_by_id",
                                  "inspection_id", "last_lookup_at", "reply_exempt", "reply_exempt_note", "result_due",
                                  "submission_key"), report_rows())
    _log("reports", t0)

    cats_of: list[list[str]] = [[] for _ in range(n)]

    def subject_rows() -> Iterable[tuple[Any, ...]]:
        cats = rng.choice(len(CATEGORIES), (n, 3), p=CATEGORY_P)
        for i in rows_order:
            name, post = pool[text_of[i]][2], pool[text_of[i]][3]
            for j in range(int(n_subjects[i])):
                c = CATEGORIES[cats[i, j]]
                cats_of[i].append(c)
                yield (name if j == 0 else f"{name[0]}某{j}", post, c, int(rid[i]))

    with transaction.atomic():
        w.write("intake_subject", ("name", "post", "category", "report_id"), subject_rows())
    _log("subjects", t0)

    def scope_of(i: int) -> tuple[str, str]:
        if not in_window[i]:
            return "out_of_window", "受理期外收到，按期外信访件办理：转有关部门按规定处理，或存查备考。"
        cats = cats_of[i]
        scoped = [c for c in cats if c in ("leadership", "subordinate_head", "key_post")]
        if scoped and disciplines[i]:
            return "in", "被反映人某某（领导班子成员）属于受理对象，反映问题涉及廉洁纪律、工作纪律。"
        if not cats:
            return "pending", "未登记被反映人，请先确认被反映人及其类别。"
        if not scoped and "unsure" in cats:
            return "pending", "被反映人某某的类别尚未确定，请核实其职务。"
        if not scoped:
            return "out", "被反映人某某不属于受理对象，建议按规定转有关部门处理。"
        return "pending", "被反映人某某属于受理对象，但未识别出涉及的纪律，请确认问题类别。"

    proposal = json.dumps({"disciplines": [{"code": "integrity", "score": 0.81, "evidence": ["购物卡", "礼金"], "proposed": True,
                                            "sources": {"lexicon": 0.81, "model": None}}],
                           "focuses": [{"code": "corruption", "score": 0.77, "evidence": ["采购"], "proposed": True,
                                        "sources": {"lexicon": 0.77, "model": None}}]}, ensure_ascii=False)

    def triage_rows() -> Iterable[tuple[Any, ...]]:
        for i in rows_order:
            scope, reason = scope_of(i)
            rep = bool(is_repeat[i])
            confirmed = pending[i] > 0.8
            yield (int(rid[i]), proposal, "", int(disciplines[i]), int(focuses[i]), confirmed, now if confirmed else None, scope,
                   reason, pending[i] > 0.85, int(rid[root[i]]), (0.9 if rep else None), rep and pending[i] < 0.3,
                   int(rid[i]) * 2654435761 % (2**62), sig[i % 64], "" if anonymous[i] else f"{int(rid[i]):064x}", received[i],
                   int(rid[src[i]]) if rep else None, first["insp"] + int(insp_of[i]), leader_id if confirmed else None, None)

    with transaction.atomic():
        w.write("triage_triage", ("report_id", "proposal", "model_id", "disciplines", "focuses", "labels_confirmed",
                                  "labels_confirmed_at", "scope", "scope_reason", "scope_confirmed", "group_key", "similarity",
                                  "exact_repeat", "fingerprint", "signature", "reporter_key", "triaged_at", "duplicate_of_id",
                                  "inspection_id", "labels_confirmed_by_id", "repeat_of_answered_id"), triage_rows())
    _log("triage rows", t0)
    if w.pg:  # the GIN index of migration intake 0007, rebuilt after the load as one sorted build (far faster)
        with connection.cursor() as cur:
            cur.execute("DROP INDEX IF EXISTS triage_reportsearch_tsv")
    with transaction.atomic():
        w.write("triage_reportsearch", ("report_id", "tokens"), ((int(rid[i]), pool[text_of[i]][1]) for i in rows_order))
    if w.pg:
        with connection.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '512MB'")
            cur.execute("CREATE INDEX triage_reportsearch_tsv ON triage_reportsearch USING GIN (tsv)")  # as intake 0007
    _log("search rows" + (" and their GIN index" if w.pg else " (and the FTS5 index, by the triggers)"), t0)

    def disposition_rows() -> Iterable[tuple[Any, ...]]:
        for i in rows_order:
            st = STATUSES[status[i]]
            rec = received[i]
            if st != "registered":
                kind = DISPOSITION_OF[st]
                yield (kind, "经研究，拟按此处置。", "approved", rec + dt.timedelta(days=3), rec + dt.timedelta(days=4), "",
                       body_id if kind in ("refer", "transfer") else None, leader_id, user_id, int(rid[i]))
            elif pending[i] < 0.05:
                yield ("accept", "拟受理。", "proposed" if pending[i] < 0.04 else "returned", rec + dt.timedelta(days=2), None, "",
                       None, None, user_id, int(rid[i]))

    with transaction.atomic():
        w.write("triage_disposition", ("kind", "reason", "state", "proposed_at", "decided_at", "decision_note", "body_id",
                                       "decided_by_id", "proposed_by_id", "report_id"), disposition_rows())
    _log("dispositions", t0)

    size = np.bincount(root, minlength=n)
    last = np.zeros(n, dtype=np.int64)
    np.maximum.at(last, root, np.arange(n))  # not in arrival order, close enough for a size/latest figure
    with transaction.atomic():
        w.write("triage_duplicategroup", ("key", "size", "reporters", "channels", "first_received_at", "last_received_at",
                                          "answered_report_id", "first_report_id", "inspection_id"),
                ((int(rid[g]), int(size[g]), max(1, int(size[g]) - 1), min(int(size[g]), 3), received[g],
                  max(received[g], received[last[g]]), None, int(rid[g]), first["insp"] + int(insp_of[g]))
                 for g in np.flatnonzero(size > 1)))
    _log("duplicate groups", t0)

    def reply_rows() -> Iterable[tuple[Any, ...]]:
        for i in rows_order:
            if anonymous[i]:
                continue
            rec = received[i]
            if pending[i] < 0.85:
                yield ("receipt", "您反映的问题已收悉，已按程序办理。", rec + dt.timedelta(days=10), leader_id, int(rid[i]))
            if status[i] == 5 and pending[i] < 0.6:
                yield ("result", "经核查，反映问题已办结。", rec + dt.timedelta(days=50), leader_id, int(rid[i]))

    with transaction.atomic():
        w.write(Reply._meta.db_table, ("kind", "content", "created_at", "created_by_id", "report_id"), reply_rows())
    _log("replies", t0)

    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Round, Team, TargetOrg, Inspection, Channel, Report, Subject,
                                                                 Disposition, DuplicateGroup, Reply]):
            cur.execute(sql)
        if w.pg:
            cur.execute("VACUUM ANALYZE")
        else:
            cur.execute("INSERT INTO triage_reportsearch_fts(triage_reportsearch_fts) VALUES ('optimize')")
            cur.execute("ANALYZE")
    _log("analysed", t0)
    return Built(hot_inspection=hot, typical_inspection=typical, hot_round=first["round"] + rounds - 1, leader=leader.username,
                 office=office.username, reports=n, seconds=time.perf_counter() - t0)
