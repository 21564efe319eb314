"""The codes of the six disciplines (六项纪律) and the four focuses (四个聚焦).

Discipline codes follow the glossary of docs/architecture.md §9. Focus codes are short English names for the four focus areas as
worded in ``disciplines.md``:

=================  =====================================================================
``policy``         聚焦党中央决策部署在基层落实情况 (贯彻党的教育方针、立德树人 in universities)
``corruption``     聚焦群众身边不正之风和腐败问题 (以及群众反映强烈的突出问题)
``party_building`` 聚焦基层党组织和党员队伍建设 (选人用人、组织生活、党员管理)
``rectification``  聚焦巡视巡察、审计等监督发现问题整改落实和成果运用情况
=================  =====================================================================
"""

from __future__ import annotations

DISCIPLINES: tuple[str, ...] = ("political", "organizational", "integrity", "mass", "work", "life")
FOCUSES: tuple[str, ...] = ("policy", "corruption", "party_building", "rectification")

DISCIPLINE_LABELS: dict[str, str] = {
    "political": "政治纪律",
    "organizational": "组织纪律",
    "integrity": "廉洁纪律",
    "mass": "群众纪律",
    "work": "工作纪律",
    "life": "生活纪律",
}

FOCUS_LABELS: dict[str, str] = {
    "policy": "党中央决策部署在基层落实情况",
    "corruption": "群众身边不正之风和腐败问题",
    "party_building": "基层党组织和党员队伍建设",
    "rectification": "巡视巡察、审计等监督发现问题整改落实",
}

# The wording of the four focuses an office may choose per round: the source announcements' 四个聚焦, or the
# 四个落实 under which university inspections are often announced. The codes are the same (stored labels and
# statistics do not change with the wording); only the names shown and a few cue phrases differ.
FOCUS_WORDINGS: dict[str, str] = {"four_focuses": "四个聚焦", "four_implementations": "四个落实（高校）"}
DEFAULT_FOCUS_WORDING = "four_focuses"
FOCUS_LABELS_IMPLEMENTATIONS: dict[str, str] = {
    "policy": "落实党的理论和路线方针政策、党中央决策部署情况（贯彻党的教育方针、落实立德树人根本任务）",
    "corruption": "落实全面从严治党战略部署情况",
    "party_building": "落实新时代党的组织路线情况",
    "rectification": "落实巡视巡察、审计等监督发现问题整改情况",
}


def focus_labels(wording: str = DEFAULT_FOCUS_WORDING) -> dict[str, str]:
    """The names of the four focus codes in one wording (unknown wordings fall back to 四个聚焦)."""
    return FOCUS_LABELS_IMPLEMENTATIONS if wording == "four_implementations" else FOCUS_LABELS


# Heading of each discipline section in disciplines.md, e.g. "## 政治纪律 (political)".
HEADING_TO_CODE: dict[str, str] = {label: code for code, label in DISCIPLINE_LABELS.items()}
