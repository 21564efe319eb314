"""Format checks for tests/corpus/announcements_real (real published announcements).

Only the corpus files are checked here; nothing in this module runs the parser.
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent / "corpus" / "announcements_real"
PARTS = ("dev", "heldout")
KEYS = {
    "round", "kind", "team", "targets", "start_date", "end_date", "working_days",
    "duration_text", "intake_start", "intake_end", "channels", "scope",
    "postmark_counts", "holiday_calls_paused", "supervision_phones",
}
KINDS = {None, "regular", "special", "flexible", "elevated", "followup"}
CHANNEL_KINDS = {"phone", "sms", "email", "post", "letterbox", "visit", "online"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
NAME = re.compile(r"^(\d{3})_[a-z0-9_]+$")


def _texts():
    return sorted(p for part in PARTS for p in (ROOT / part).glob("*.txt"))


def test_numbering_unique_and_paired():
    stems = [p.stem for p in _texts()]
    assert stems, "corpus is empty"
    numbers = [NAME.match(s).group(1) for s in stems]
    assert len(numbers) == len(set(numbers))
    for part in PARTS:
        txt = {p.stem for p in (ROOT / part).glob("*.txt")}
        js = {p.stem for p in (ROOT / part).glob("*.json")}
        assert txt == js, part


def test_sites_not_split_across_parts():
    seen = {}
    for part in PARTS:
        for p in (ROOT / part).glob("*.json"):
            site = json.loads(p.read_text(encoding="utf-8"))["source"]["site"]
            if site:
                labels = site.split(".")
                # gov.cn, edu.cn, com.cn: the registered domain has three labels.
                dom = ".".join(labels[-3:]) if labels[-2] in ("gov", "edu", "com") and len(labels[-1]) == 2 else ".".join(labels[-2:])
                assert seen.setdefault(dom, part) == part, site


@pytest.mark.parametrize("txt", _texts(), ids=lambda p: p.stem)
def test_entry_well_formed(txt):
    text = txt.read_bytes().decode("utf-8")
    assert text.strip()
    doc = json.loads(txt.with_suffix(".json").read_text(encoding="utf-8"))
    assert set(doc) == {"source", "inspections"}
    src = doc["source"]
    assert set(src) == {"url", "published", "site"}
    assert src["published"] is None or DATE.match(src["published"])
    assert doc["inspections"], "at least one inspection entry"
    for ins in doc["inspections"]:
        assert set(ins) == KEYS
        assert ins["kind"] in KINDS
        assert isinstance(ins["targets"], list) and len(ins["targets"]) == 1
        for k in ("start_date", "end_date", "intake_start", "intake_end"):
            assert ins[k] is None or DATE.match(ins[k]), (k, ins[k])
        assert ins["working_days"] is None or isinstance(ins["working_days"], int)
        assert isinstance(ins["postmark_counts"], bool)
        assert isinstance(ins["holiday_calls_paused"], bool)
        assert isinstance(ins["supervision_phones"], list)
        for ch in ins["channels"]:
            assert set(ch) == {"kind", "value", "postcode", "location", "hours"}
            assert ch["kind"] in CHANNEL_KINDS
            if ch["kind"] == "email":
                assert ch["value"] == ch["value"].lower()
            for h in ch["hours"]:
                assert h["days"] in ("workdays", "everyday")
                assert HHMM.match(h["start"]) and HHMM.match(h["end"])
            for v in (ch["value"], ch["location"]):
                if v and ch["kind"] in ("phone", "sms", "email"):
                    # Emails are expected in lower case; the text may spell them otherwise ("Nqqwxcz01@163.com").
                    assert (
                        v in text
                        or v.replace("-", "") in text.replace("-", "").replace("(", "").replace(")", "")
                        or (ch["kind"] == "email" and v in text.lower())
                    ), v
        if ins["scope"]:
            assert ins["scope"] in text
