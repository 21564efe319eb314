"""Format checks for tests/corpus/classify_real (real texts labelled with the six disciplines).

Only the corpus files are checked here; nothing in this module runs the classifier.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent / "classify_real"
KEYS = {"id", "text", "disciplines", "label_basis", "source_url", "source_site", "published", "level"}
DISCIPLINES = ("political", "organizational", "integrity", "mass", "work", "life")
BASES = {"stated", "regulation", "none"}
LEVELS = {"central", "province", "city", "county", "other"}
PUBLISHED = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")
# A sentence that still names a discipline ("违反廉洁纪律", "严重违反党的政治纪律、组织纪律…"), simplified or traditional.
NAMING = re.compile(r"(违反|違反)[^。；;]{0,16}(纪律|紀律)|(政治|组织|組織|廉洁|廉潔|群众|群眾|工作|生活)(纪律|紀律)")


def _files() -> list[Path]:
    return sorted(ROOT.glob("*.jsonl"))


def _records() -> list[tuple[Path, int, dict]]:
    out = []
    for path in _files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            out.append((path, n, json.loads(line)))
    return out


def _norm(text: str) -> str:
    return re.sub(r"\W", "", text)


def test_corpus_not_empty():
    assert _files(), "no corpus files"
    assert len(_records()) >= 100


def test_every_line_is_a_json_object_with_the_fields():
    for path in _files():
        raw = path.read_text(encoding="utf-8")
        assert raw.endswith("\n"), path.name
        for n, line in enumerate(raw.splitlines(), start=1):
            assert line.strip(), f"{path.name}:{n} empty line"
            rec = json.loads(line)
            assert isinstance(rec, dict), f"{path.name}:{n}"
            assert set(rec) == KEYS, f"{path.name}:{n} {sorted(set(rec) ^ KEYS)}"


def test_field_values():
    for path, n, rec in _records():
        where = f"{path.name}:{n}"
        assert isinstance(rec["text"], str) and len(rec["text"]) >= 12, where
        assert rec["source_site"] == path.stem, where
        assert rec["id"].startswith(rec["source_site"] + "-") and rec["id"].rsplit("-", 1)[1].isdigit(), where
        assert rec["source_url"].startswith(("http://", "https://")), where
        assert PUBLISHED.match(rec["published"]), where
        assert rec["level"] in LEVELS, where
        assert rec["label_basis"] in BASES, where


def test_labels_are_allowed_sorted_and_consistent_with_basis():
    for path, n, rec in _records():
        where = f"{path.name}:{n}"
        labels = rec["disciplines"]
        assert isinstance(labels, list) and len(labels) == len(set(labels)), where
        assert all(label in DISCIPLINES for label in labels), where
        assert labels == sorted(labels, key=DISCIPLINES.index), where
        if rec["label_basis"] == "none":
            assert labels == [], where
        else:
            assert labels, where


def test_ids_and_texts_are_unique():
    ids = [rec["id"] for _, _, rec in _records()]
    assert len(ids) == len(set(ids))
    texts = [_norm(rec["text"]) for _, _, rec in _records()]
    assert len(texts) == len(set(texts))


def test_no_discipline_naming_left_in_case_texts():
    for path, n, rec in _records():
        if rec["label_basis"] == "none":
            continue
        match = NAMING.search(rec["text"])
        assert match is None, f"{path.name}:{n} still names a discipline: {match.group(0) if match else ''}"


def _split() -> dict[str, set[str]]:
    split = ROOT / "SPLIT.md"
    parts: dict[str, set[str]] = {"development": set(), "held-out": set()}
    current = None
    for line in split.read_text(encoding="utf-8").splitlines():
        heading = line.strip().lower()
        if heading.startswith("## development"):
            current = "development"
        elif heading.startswith("## held-out"):
            current = "held-out"
        elif heading.startswith("## "):
            current = None
        elif current and line.strip().startswith("- "):
            parts[current].add(line.strip()[2:].split()[0].strip("`"))
    return parts


@pytest.mark.skipif(not (ROOT / "SPLIT.md").exists(), reason="split not written yet")
def test_split_by_site_covers_every_file_once():
    parts = _split()
    sites = {p.stem for p in _files()}
    assert not parts["development"] & parts["held-out"]
    assert parts["development"] | parts["held-out"] == sites
