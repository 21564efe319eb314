"""Benchmark surveys: 10,000 answer sheets through the public API served as in production, beside the
minimal view; and the results of 10,000 answers x 40 questions (target < 300 ms).

Run from the repository root::

    python bench/surveys.py            # 10,000 answers (each with its own code), 10,000 minimal requests, results x 7
    python bench/surveys.py --quick    # smoke test: 500 answers, results of 1,000 x 40

Serving is bench/intake.py's (its Bench class): ``gunicorn xuncha.wsgi`` with sync workers (2 x cores),
DEBUG off, PostgreSQL when reachable (else SQLite/WAL), Redis when it answers, settings
bench.minimal.settings (adds GET /bench/ping; the proof of work is off because the client replays
prepared bodies; the survey rate limit is lifted). Each answer sheet carries its own participation code
(issued beforehand through the service), so every request is the full pipeline: code hash, the
conditional UPDATE that uses the code, the response and its ~20 answer rows, the classification of the
free text. The load client is this process's threads (one connection per request: sync workers do not
keep connections alive), the same client for both endpoints.

Results: a survey of 40 questions (30 single choice with 好/较好/一般/差, 6 rating, 2 multiple choice, 2
matrices of 5 rows) gets 10,000 responses written in bulk, then `survey_results` is timed (7 runs after
one warm-up) in a `manage.py shell` of the same database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import importlib.util  # noqa: E402

# bench/intake.py's serving harness, loaded by path (the bench scripts are scripts, not a package).
_spec = importlib.util.spec_from_file_location("bench_intake_harness", ROOT / "bench" / "intake.py")
assert _spec is not None and _spec.loader is not None
_intake: Any = importlib.util.module_from_spec(_spec)
sys.modules["bench_intake_harness"] = _intake  # dataclasses look their module up while the file executes
_spec.loader.exec_module(_intake)
HOST: str = _intake.HOST
MINIMAL_PATH: str = _intake.MINIMAL_PATH
Bench: Any = _intake.Bench

SETUP = """
import json, random
from xuncha.accounts.models import User
from xuncha.inspections.models import Inspection
from xuncha.surveys import services
inspection = Inspection.objects.get(pk={inspection})
member, leader = User.objects.get(username="member"), User.objects.get(username="leader")
survey = services.survey_create(actor=member, inspection=inspection, template="leadership", title="压测测评",
                                persons=["甲 书记", "乙 院长", "丙 副书记", "丁 副院长", "戊 纪委书记"], min_group_size=5)
services.survey_publish(actor=leader, survey=survey)
codes = []
left = {count}
while left:
    n = min(left, 2000)
    codes += services.codes_issue(actor=member, survey=survey, group=random.choice(["middle", "teachers"]), count=n)[1]
    left -= n
questions = [dict(id=q.pk, kind=q.kind, rows=[r["value"] for r in q.rows]) for q in survey.questions.all()]
open({path!r}, "w").write(json.dumps(dict(survey=survey.pk, codes=codes, questions=questions)))
print(json.dumps(dict(survey=survey.pk, codes=len(codes))))
"""

RESULTS = """
import json, random, statistics, time
from django.db import connection, transaction
from xuncha.accounts.models import User
from xuncha.inspections.models import Inspection
from xuncha.surveys import services
from xuncha.surveys.models import TALLY_SHARDS, Answer, Response, Survey, Tally
from xuncha.surveys.results import survey_results
from xuncha.surveys.tally import recount, tally_check, tally_counts, tally_rebuild
inspection = Inspection.objects.get(pk={inspection})
member = User.objects.get(username="member")
grades = ["好", "较好", "一般", "差"]
specs = []
for i in range(30):
    specs.append(dict(kind="single", text=f"第{{i + 1}}项评价", choices=grades, flag_values=["c4"]))
for i in range(6):
    specs.append(dict(kind="rating", text=f"评分{{i + 1}}", scale=5))
for i in range(2):
    specs.append(dict(kind="multiple", text=f"多选{{i + 1}}", choices=["甲", "乙", "丙", "丁", "戊"], required=False))
for i in range(2):
    specs.append(dict(kind="matrix", text=f"矩阵{{i + 1}}", choices=grades, rows=["一", "二", "三", "四", "五"], flag_values=["c4"]))
survey = services.survey_create(actor=member, inspection=inspection, template="blank", title="结果压测")
services.survey_questions_replace(actor=member, survey=survey, questions=specs)
questions = list(survey.questions.all())
rng = random.Random(7)
groups = ["leadership", "middle", "teachers", "students", "retired"]
t0 = time.perf_counter()
with transaction.atomic():
    for start in range(0, {count}, 1000):
        responses = [Response(survey=survey, group=rng.choices(groups, weights=[1, 20, 60, 30, 4])[0]) for _ in range(min(1000, {count} - start))]
        Response.objects.bulk_create(responses)
        rows = []
        for r in responses:
            for q in questions:
                if q.kind == "single":
                    rows.append(Answer(response=r, survey=survey, question=q, group=r.group, value=rng.choice(["c1", "c1", "c2", "c3", "c4"])))
                elif q.kind == "rating":
                    rows.append(Answer(response=r, survey=survey, question=q, group=r.group, value=str(rng.randint(1, 5))))
                elif q.kind == "multiple":
                    picked = rng.sample(["c1", "c2", "c3", "c4", "c5"], 2)
                    rows.extend(Answer(response=r, survey=survey, question=q, group=r.group, value=v) for v in picked)
                else:
                    rows.extend(Answer(response=r, survey=survey, question=q, group=r.group, row=row["value"],
                                       value=rng.choice(["c1", "c2", "c3", "c4"])) for row in q.rows)
        Answer.objects.bulk_create(rows, batch_size=5000)
load = time.perf_counter() - t0
t0 = time.perf_counter()
rebuilt = tally_rebuild(survey)  # answers written in bulk get their tally as `manage.py survey_tally --rebuild` writes it
rebuild_s = time.perf_counter() - t0
# Served submissions spread the tally over its shards: so does the bench (each count split over all of them).
rows = list(Tally.objects.filter(survey=survey))
Tally.objects.filter(survey=survey).delete()
Tally.objects.bulk_create([Tally(survey=survey, question_id=t.question_id, group=t.group, row=t.row, value=t.value, shard=k,
                                 n=t.n // TALLY_SHARDS + (1 if k < t.n % TALLY_SHARDS else 0))
                           for t in rows for k in range(TALLY_SHARDS) if t.n // TALLY_SHARDS or k < t.n % TALLY_SHARDS],
                          batch_size=5000)
if connection.vendor == "postgresql":
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE surveys_answer")  # what autovacuum does after a load: sets the visibility map
        c.execute("VACUUM ANALYZE surveys_tally")
survey = Survey.objects.get(pk=survey.pk)
survey_results(survey)
recount(survey)


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


times, base = [], []
for _ in range({runs}):  # interleaved: the tally read (results) and the old grouped count over the answers (baseline)
    ms, res = timed(lambda: survey_results(Survey.objects.get(pk=survey.pk)))
    times.append(ms)
    ms, counted = timed(lambda: recount(Survey.objects.get(pk=survey.pk)))
    base.append(ms)
times.sort()
base.sort()
same = tally_counts(survey) == counted and tally_check(survey).equal
pct = lambda xs: xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
print(json.dumps(dict(responses=res.responses, questions=len(res.questions), answers=Answer.objects.filter(survey=survey).count(),
                      tally_rows=Tally.objects.filter(survey=survey).count(), rebuild_s=rebuild_s, equal=same,
                      load_s=load, ms=times, median=statistics.median(times), p95=pct(times),
                      base_ms=base, base_median=statistics.median(base), base_p95=pct(base))))
"""


def drive(port: int, requests: list[tuple[str, str, bytes | None]], threads: int) -> dict[str, Any]:
    """Send the requests from `threads` threads, one connection per request; latencies in ms."""
    lock = threading.Lock()
    todo = list(reversed(requests))
    lat: list[float] = []
    statuses: dict[int, int] = {}
    errors = [0]

    def worker() -> None:
        while True:
            with lock:
                if not todo:
                    return
                method, path, body = todo.pop()
            t = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
                headers = {"Content-Type": "application/json"} if body is not None else {}
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                conn.close()
                code = resp.status
            except OSError:
                with lock:
                    errors[0] += 1
                continue
            ms = (time.perf_counter() - t) * 1000
            with lock:
                lat.append(ms)
                statuses[code] = statuses.get(code, 0) + 1

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return {"elapsed": time.perf_counter() - t0, "lat": sorted(lat), "status": statuses, "errors": errors[0]}


def long_query(bench: Any, code: str) -> dict[str, Any]:
    """Bench.query with room for writing hundreds of thousands of rows on a busy machine."""
    out = bench.manage("shell", "-c", code, timeout=3600)
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def p(lat: list[float], q: float) -> float:
    return lat[min(len(lat) - 1, int(round(q * (len(lat) - 1))))] if lat else 0.0


def sheet(questions: list[dict[str, Any]], code: str, i: int) -> bytes:
    answers: list[dict[str, Any]] = []
    for q in questions:
        if q["kind"] == "matrix":
            answers.append({"question": q["id"], "matrix": {r: ["good", "fair_good", "fair", "poor"][(i + j) % 4] for j, r in enumerate(q["rows"])}})
        elif q["kind"] == "single":
            answers.append({"question": q["id"], "choice": "exists" if i % 7 == 0 else "none"})
        elif q["kind"] == "text" and i % 7 == 0:
            answers.append({"question": q["id"], "text": "食堂承包合同未经集体研究，饭菜价格连续上涨（压测数据）。"})
    return json.dumps({"code": code, "answers": answers}, ensure_ascii=False).encode()


def main(argv: list[str]) -> int:
    cores = len(os.sched_getaffinity(0))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--answers", type=int, default=10_000)
    ap.add_argument("--result-answers", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2 * cores)
    ap.add_argument("--db", choices=["auto", "postgres", "sqlite"], default="auto")
    ap.add_argument("--database-url", default="")
    ap.add_argument("--redis-url", default="")
    ap.add_argument("--redis-db", type=int, default=-1, help="Redis database number of this run (default: the highest empty one)")
    ap.add_argument("--no-redis", action="store_true")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--results-only", action="store_true", help="skip the served part (only the results' timing)")
    a = ap.parse_args(argv)
    if a.quick:
        a.answers, a.result_answers, a.runs = 500, 1000, 3
    bench = Bench(a)
    try:
        print("xuncha survey benchmark")
        bench.configure()
        bench.env["RATE_LIMIT_SURVEY"] = "1000000000/1"
        print(f"  database: {bench.db_label}")
        print(f"  cache: {'Redis ' + (bench.redis_url or '') if bench.redis_url else 'local memory (per worker)'}")
        inspection = bench.prepare()
        once = True
        if not a.results_only:
            once = served(bench, a, inspection)
        res = long_query(bench, RESULTS.format(inspection=inspection, count=a.result_answers, runs=a.runs))
        ok = res["median"] < 300
        print()
        print(f"results: {res['responses']} responses x {res['questions']} questions = {res['answers']} answer rows "
              f"(written in {res['load_s']:.1f} s)")
        print(f"  tally: {res['tally_rows']} rows (rebuilt from the answers in {res['rebuild_s']:.1f} s); "
              f"equal to a recount: {'OK' if res['equal'] else 'MISMATCH'}")
        print(f"  survey_results (reads the tally): median {res['median']:.1f} ms, p95 {res['p95']:.1f} ms, "
              f"runs {[round(t, 1) for t in res['ms']]} - target < 300 ms: {'OK' if ok else 'OVER'}")
        print(f"  baseline, the grouped count over the answers (the results before the tally): median {res['base_median']:.1f} ms, "
              f"p95 {res['base_p95']:.1f} ms; ratio results/baseline: median {res['median'] / res['base_median']:.3f}, "
              f"p95 {res['p95'] / res['base_p95']:.3f}")
        return 0 if once and ok and res["equal"] else 1
    finally:
        bench.cleanup()


def served(bench: Any, a: argparse.Namespace, inspection: int) -> bool:
    """The served part: answers through the public API beside the minimal view. True when every answer
    was counted exactly once."""
    if True:
        codes_file = bench.tmp / "survey.json"
        made = long_query(bench, SETUP.format(inspection=inspection, count=a.answers, path=str(codes_file)))
        data = json.loads(codes_file.read_text())
        print(f"  survey {made['survey']}: {len(data['questions'])} questions, {made['codes']} codes issued")
        bench.start_server()
        print(f"  server: gunicorn xuncha.wsgi, {a.workers} sync workers; client: {a.connections} threads in this process")
        path = f"/api/v1/public/surveys/{data['survey']}/responses"
        posts: list[tuple[str, str, bytes | None]] = [("POST", path, sheet(data["questions"], c, i)) for i, c in enumerate(data["codes"])]
        drive(bench.port, [("GET", MINIMAL_PATH, None)] * 200, a.connections)  # warm-up
        mini = drive(bench.port, [("GET", MINIMAL_PATH, None)] * a.answers, a.connections)
        answered = drive(bench.port, posts, a.connections)
        again = drive(bench.port, posts[:200], a.connections)  # every code once: now 409
        counted = bench.query(
            "import json\nfrom xuncha.surveys.models import Code, Response, Answer, Survey\n"
            "from xuncha.surveys.tally import tally_check\n"
            f"print(json.dumps(dict(tally=tally_check(Survey.objects.get(pk={data['survey']})).equal, "
            f"responses=Response.objects.filter(survey_id={data['survey']}).count(), "
            f"used=Code.objects.filter(survey_id={data['survey']}, used=True).count(), "
            f"answers=Answer.objects.filter(survey_id={data['survey']}).count())))\n")
        bench.stop_server()

        print()
        print(f"{'endpoint':<28} {'requests':>8} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8}  statuses")
        for label, r in (("GET /bench/ping", mini), ("POST survey answer (API)", answered)):
            rps = len(r["lat"]) / r["elapsed"]
            print(f"{label:<28} {len(r['lat']):>8} {rps:>8.1f} {statistics.median(r['lat']):>10.1f} {p(r['lat'], .95):>8.1f} "
                  f"{p(r['lat'], .99):>8.1f}  {r['status']} socket errors {r['errors']}")
        m_rps, s_rps = len(mini["lat"]) / mini["elapsed"], len(answered["lat"]) / answered["elapsed"]
        print(f"ratio survey/minimal: throughput {s_rps / m_rps:.3f} ({m_rps / s_rps:.1f}x slower), "
              f"median {statistics.median(answered['lat']) / statistics.median(mini['lat']):.1f}x, "
              f"p95 {p(answered['lat'], .95) / p(mini['lat'], .95):.1f}x")
        once = (answered["status"].get(201, 0) == counted["responses"] == counted["used"] == a.answers and again["status"] == {409: 200}
                and counted["tally"])
        print(f"counted once: {'OK' if once else 'MISMATCH'} - {answered['status'].get(201, 0)} answers 201, {counted['responses']} responses, "
              f"{counted['used']} codes used, {counted['answers']} answer rows; the same codes again: {again['status']}; "
              f"tally equal to a recount: {counted['tally']}")
        return bool(once)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
