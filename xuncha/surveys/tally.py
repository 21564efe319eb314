"""The answers' running counts (`Tally`): added to in each submission's transaction, read by the results,
and rebuilt from the answers on demand (`manage.py survey_tally`), which also proves them equal.

Concurrency. A submission takes a shared lock on its survey (PostgreSQL: a transaction-level shared
advisory lock; SQLite: transactions are IMMEDIATE (settings), one writer at a time) and adds to the tally with one
`INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n` over its keys in sorted order (so two
submissions lock rows in the same order and cannot deadlock), as the transaction's last write (its row
locks are held only until the commit). A rebuild takes the same lock exclusively: it waits for the
submissions in flight and holds new ones back while it deletes, recounts and writes the survey's tally.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Sum

from .models import TALLY_SHARDS, Answer, Survey, Tally

LOCK_CLASS = 0x5375  # advisory lock namespace of survey submissions ("Su")

Key = tuple[int, str, str, str]  # (question id, group, row, value)


def _lock(survey_id: int, *, exclusive: bool) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"SELECT pg_advisory_xact_lock{'' if exclusive else '_shared'}(%s, %s)", [LOCK_CLASS, survey_id])


def submission_lock(survey_id: int) -> None:
    """Inside a submission's transaction, before anything is written: held until the commit."""
    _lock(survey_id, exclusive=False)


def tally_add(survey_id: int, keys: Iterable[Key]) -> None:
    """Add one submission's answers to the tally (inside its transaction, after `submission_lock`)."""
    counts = Counter(keys)
    if not counts:
        return
    shard = secrets.randbelow(TALLY_SHARDS)
    q = connection.ops.quote_name
    table = q(Tally._meta.db_table)
    cols = ", ".join(q(c) for c in ("survey_id", "question_id", "group", "row", "value", "shard", "n"))
    conflict = ", ".join(q(c) for c in ("survey_id", "question_id", "group", "row", "value", "shard"))
    items = sorted(counts.items())
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(items))
    params: list[int | str] = []
    for (qid, group, row, value), n in items:
        params += [survey_id, qid, group, row, value, shard, n]
    sql = (f"INSERT INTO {table} ({cols}) VALUES {values} ON CONFLICT ({conflict}) "  # noqa: S608 - names and placeholders only
           f"DO UPDATE SET {q('n')} = {table}.{q('n')} + excluded.{q('n')}")
    with connection.cursor() as cur:
        cur.execute(sql, params)


def tally_counts(survey: Survey) -> dict[Key, int]:
    """The tally summed over its shards (what the results read)."""
    rows = (Tally.objects.filter(survey=survey).values_list("question_id", "group", "row", "value")
            .annotate(total=Sum("n")).order_by())
    return {(qid, group, row, value): int(n) for qid, group, row, value, n in rows if n}


def recount(survey: Survey) -> dict[Key, int]:
    """The same counts straight from the answers (the slow way, for checking and rebuilding)."""
    rows = (Answer.objects.filter(survey=survey).values_list("question_id", "group", "row", "value")
            .annotate(total=Count("id")).order_by())
    return {(qid, group, row, value): int(n) for qid, group, row, value, n in rows}


@dataclass
class TallyCheck:
    survey: Survey
    keys: int          # distinct (question, group, row, value) in the recount
    answers: int       # answer rows counted
    differences: list[tuple[Key, int, int]]  # (key, tally, recount) where they differ
    rebuilt: bool = False

    @property
    def equal(self) -> bool:
        return not self.differences


def _compare(tally: dict[Key, int], counted: dict[Key, int]) -> list[tuple[Key, int, int]]:
    return [(k, tally.get(k, 0), counted.get(k, 0)) for k in sorted(set(tally) | set(counted))
            if tally.get(k, 0) != counted.get(k, 0)]


def tally_check(survey: Survey) -> TallyCheck:
    """Compare the tally with a recount, with submissions held back so both see the same answers."""
    with transaction.atomic():
        _lock(survey.pk, exclusive=True)
        counted = recount(survey)
        return TallyCheck(survey, len(counted), sum(counted.values()), _compare(tally_counts(survey), counted))


def tally_rebuild(survey: Survey) -> TallyCheck:
    """Replace the survey's tally by a recount of its answers; returns what differed before."""
    with transaction.atomic():
        _lock(survey.pk, exclusive=True)
        before = tally_counts(survey)
        Tally.objects.filter(survey=survey).delete()
        counted = recount(survey)
        Tally.objects.bulk_create([Tally(survey=survey, question_id=qid, group=group, row=row, value=value, n=n)
                                   for (qid, group, row, value), n in sorted(counted.items())], batch_size=2000)
        return TallyCheck(survey, len(counted), sum(counted.values()), _compare(before, counted), rebuilt=True)
