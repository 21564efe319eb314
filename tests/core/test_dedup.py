"""Near-duplicate and exact-repeat grouping (xuncha.core.dedup): pure Python, no database fixtures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from xuncha.core.dedup import (
    Banding,
    BandStore,
    DuplicateIndex,
    Match,
    MemoryBandStore,
    MinHasher,
    SQLiteBandStore,
    candidate_probability,
    fingerprint,
    from_bytes,
    jaccard,
    normalize,
    normalize_many,
    s_curve_threshold,
    shingles,
    to_bytes,
)

ROOT = Path(__file__).resolve().parents[2]

CANTEEN = ("我要反映后勤服务中心主任王建国的问题。学校食堂承包给王建国的小舅子，饭菜价格高、分量少，学生意见很大。"
           "食堂卫生很差，多次吃出头发和虫子，向后勤反映没人管。食堂饭卡充值的钱去向不明，每学期结余20万元没有公示。请巡察组严肃查处！")
# Another reporter: synonym swaps (反映->举报, 意见很大->怨声载道, 没人管->无人过问), sentences reordered.
CANTEEN_REWORDED = ("食堂饭卡充值的钱去向不明，每学期结余20万元没有公示。我要举报后勤服务中心主任王建国的问题。"
                    "食堂卫生很差，多次吃出头发和虫子，向后勤反映无人过问。学校食堂承包给王建国的小舅子，饭菜价格高、分量少，"
                    "学生怨声载道。请巡察组严肃查处！")
CANTEEN_TRADITIONAL_FULLWIDTH = ("我要反映後勤服務中心主任王建國的問題。學校食堂承包給王建國的小舅子，飯菜價格高、分量少，學生意見很大。"
                                 "食堂衛生很差，多次吃出頭髮和蟲子，向後勤反映沒人管。食堂飯卡充值的錢去向不明，每學期結餘２０萬元沒有公示。"
                                 "請巡察組嚴肅查處！ ")
PROCUREMENT = ("举报基建处处长李明在2021年实验楼改造项目中指定杭州华泰建筑工程有限公司中标，合同金额380万元，"
               "招标文件量身定做。该公司实际控制人是李明的表弟，工程验收时明显不合格仍签字通过。")
HIRING = ("人事处副处长赵敏在2023年招聘时把笔试不合格的侄子录用为辅导员，招聘条件因人设岗，面试考官都是她安排的人，"
          "希望巡察组调查核实。")


def _index(**kwargs: object) -> DuplicateIndex:
    return DuplicateIndex(MemoryBandStore(), **kwargs)  # type: ignore[arg-type]


def test_normalize_width_script_case_and_punctuation() -> None:
    assert normalize("ＡＢＣ　１２３，Hello_World！") == "abc123helloworld"
    assert normalize("機電工程學院黨委書記") == "机电工程学院党委书记"
    assert normalize("食堂， 饭菜。\n价格！") == "食堂饭菜价格"
    assert normalize("，。！  ") == ""
    texts = [CANTEEN, CANTEEN_TRADITIONAL_FULLWIDTH, "a\x1eb"]
    assert normalize_many(texts) == [normalize(t) for t in texts]


def test_shingles_and_fingerprint() -> None:
    assert shingles("食堂饭菜") == {"食堂饭", "堂饭菜"}
    assert shingles("食堂") == {"食堂"}
    assert shingles("食堂饭菜", k=2) == {"食堂", "堂饭", "饭菜"}
    assert len(fingerprint("食堂")) == 32
    assert fingerprint(normalize(CANTEEN)) == fingerprint(normalize(CANTEEN_TRADITIONAL_FULLWIDTH))


def test_exact_repeat_detected() -> None:
    index = _index()
    assert index.add(1, CANTEEN) is None
    match = index.add(2, "  " + CANTEEN.replace("，", ", "))
    assert match == Match(report_id=1, group_id=1, similarity=1.0, exact=True)


def test_reworded_duplicate_matched_and_unrelated_not() -> None:
    index = _index()
    assert index.add(1, CANTEEN) is None
    assert index.add(2, PROCUREMENT) is None
    match = index.add(3, CANTEEN_REWORDED)
    assert match is not None
    assert (match.report_id, match.group_id, match.exact) == (1, 1, False)
    assert 0.5 <= match.similarity < 1.0
    assert index.add(4, HIRING) is None
    assert dict(index.groups()) == {1: 1, 2: 2, 3: 1, 4: 4}


def test_traditional_and_full_width_variant_is_an_exact_repeat() -> None:
    index = _index()
    index.add(10, CANTEEN)
    match = index.add(11, CANTEEN_TRADITIONAL_FULLWIDTH)
    assert match is not None and match.exact and match.report_id == 10


def test_estimated_jaccard_is_close_to_exact() -> None:
    hasher = MinHasher()
    a, b = normalize(CANTEEN), normalize(CANTEEN_REWORDED)
    exact = len(shingles(a) & shingles(b)) / len(shingles(a) | shingles(b))
    assert abs(jaccard(hasher.signature(a), hasher.signature(b)) - exact) < 0.15
    assert jaccard(hasher.signature(a), hasher.signature(normalize(HIRING))) < 0.1


def test_signatures_are_stable_across_runs_and_processes() -> None:
    text = normalize("食堂承包给后勤处处长的亲戚，饭菜价格高、分量少。")
    sig = MinHasher().signature(text)
    # Golden values: if these change, every stored signature and band hash is invalid.
    assert sig[:8].tolist() == [572948038, 492972963, 160436128, 133219409, 164290672, 102257672, 218139668, 125984418]
    assert Banding().band_hashes(sig)[0, :3].tolist() == [1311113876639532195, -8359406695120244585, -8393572020265715042]
    assert fingerprint(normalize("食堂")).hex()[:16] == "368429f45b4984fe"
    code = ("from xuncha.core.dedup import MinHasher, normalize, to_bytes;"
            "print(to_bytes(MinHasher().signature(normalize('食堂承包给后勤处处长的亲戚，饭菜价格高、分量少。'))).hex())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True,
                         env={"PYTHONHASHSEED": "12345", "PATH": ""})
    assert bytes.fromhex(out.stdout.strip()) == to_bytes(sig)


def test_batch_signatures_equal_single_ones() -> None:
    hasher = MinHasher(block=64)  # force several blocks
    texts = [normalize(t) for t in (CANTEEN, PROCUREMENT, HIRING, "食堂", "a")]
    batch = hasher.signatures(texts)
    assert batch.shape == (5, 128) and batch.dtype == np.uint32
    for row, text in zip(batch, texts, strict=True):
        assert (row == hasher.signature(text)).all()
    assert (from_bytes(to_bytes(batch[0])) == batch[0]).all() and len(to_bytes(batch[0])) == 512


def test_banding_shape_and_s_curve() -> None:
    bands = Banding().band_hashes(MinHasher().signatures([normalize(CANTEEN), normalize(HIRING)]))
    assert bands.shape == (2, 32) and bands.dtype == np.int64
    assert len(set(bands[0].tolist())) == 32  # salted per band
    assert candidate_probability(0.5) == pytest.approx(0.873, abs=0.001)
    assert s_curve_threshold() == pytest.approx(0.42, abs=0.01)
    with pytest.raises(ValueError):
        Banding(bands=33, rows=4)


def test_group_all_equals_sequential_add() -> None:
    items = [(1, CANTEEN), (2, PROCUREMENT), (3, CANTEEN_REWORDED), (4, HIRING), (5, CANTEEN_TRADITIONAL_FULLWIDTH), (6, "，。")]
    one_by_one = _index()
    expected = [(rid, one_by_one.add(rid, text)) for rid, text in items]
    batched = _index(batch_size=4)
    assert list(batched.group_all(items)) == expected
    assert list(batched.groups()) == list(one_by_one.groups())
    assert expected[5] == (6, None)  # nothing left after normalisation: not indexed


def test_a_report_linking_two_groups_strongly_merges_them_into_the_earliest() -> None:
    index = _index(threshold=0.3, merge_threshold=0.3)
    index.add(1, PROCUREMENT)
    index.add(2, HIRING)
    match = index.add(3, PROCUREMENT + HIRING)
    assert match is not None and match.group_id == 1 and match.merged == (2,)
    assert dict(index.groups()) == {1: 1, 2: 1, 3: 1}


def test_weak_links_join_the_best_group_without_chaining_groups_together() -> None:
    index = _index(threshold=0.3)  # merge_threshold stays 0.7
    index.add(1, PROCUREMENT)
    index.add(2, HIRING)
    match = index.add(3, PROCUREMENT + HIRING)
    assert match is not None and match.merged == ()
    groups = dict(index.groups())
    assert groups[3] == match.group_id and groups[1] != groups[2]


def test_sqlite_store_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite3"
    store = SQLiteBandStore(path)
    assert isinstance(store, BandStore)
    index = DuplicateIndex(store)
    assert index.add(1, CANTEEN) is None
    assert index.add(2, PROCUREMENT) is None
    assert store.counts() == (2, 64)
    store.close()

    store = SQLiteBandStore(path)  # reopen: everything needed is on disk
    records = store.get_reports([1, 2, 99])
    assert set(records) == {1, 2}
    assert (from_bytes(records[1][1]) == MinHasher().signature(normalize(CANTEEN))).all()
    index = DuplicateIndex(store)
    match = index.add(3, CANTEEN_REWORDED)
    assert match is not None and match.report_id == 1 and not match.exact
    exact = index.add(4, CANTEEN_TRADITIONAL_FULLWIDTH)
    assert exact is not None and exact.exact
    assert list(store.groups()) == [(1, 1), (2, 2), (3, 1), (4, 1)]
    store.close()


def test_sqlite_django_shaped_table_behaves_the_same(tmp_path: Path) -> None:
    store = SQLiteBandStore(tmp_path / "d.sqlite3", clustered=False)
    index = DuplicateIndex(store)
    index.add(1, CANTEEN)
    index.add(2, PROCUREMENT)
    match = index.add(3, CANTEEN_REWORDED)
    assert match is not None and match.report_id == 1
    columns = [r[1] for r in store.conn.execute("PRAGMA table_info(dedup_band)")]
    assert columns == ["id", "band_hash", "report_id"]
    assert store.counts() == (3, 96)
    store.close()


def test_memory_is_in_the_store_not_the_index(tmp_path: Path) -> None:
    """The index object holds no per-report state: only the store grows with the reports."""
    store = SQLiteBandStore(tmp_path / "m.sqlite3")
    index = DuplicateIndex(store, batch_size=64)
    rng = np.random.default_rng(7)
    alphabet = np.array(list("巡察组反映食堂招生职称采购工程学院处长书记收受礼金违规公款宴请项目干部选拔资金财务后勤"))

    def texts(start: int, n: int) -> list[tuple[int, str]]:
        return [(start + i, "".join(rng.choice(alphabet, size=80))) for i in range(n)]

    def footprint() -> dict[str, int]:
        return {name: len(value) if hasattr(value, "__len__") else 0 for name, value in vars(index).items()}

    list(index.group_all(texts(1, 100)))
    before = footprint()
    list(index.group_all(texts(101, 900)))
    assert footprint() == before
    assert store.counts() == (1000, 32_000)
    store.close()


@pytest.mark.parametrize("clustered", [True, False])
def test_candidates_are_capped_to_the_most_recent_per_band(tmp_path: Path, clustered: bool) -> None:
    for store in (MemoryBandStore(max_bucket=2), SQLiteBandStore(tmp_path / f"c{clustered}.sqlite3", clustered=clustered, max_bucket=2)):
        bands = Banding().band_hashes(MinHasher().signature(normalize(CANTEEN)))
        for rid in range(1, 6):
            store.add(rid, bands[0].tolist())
        hits = store.candidates(bands[0].tolist())
        assert len(hits) == 64 and set(hits) == {4, 5}
        assert sorted(store.candidates_many(bands)[0]) == sorted(hits)
