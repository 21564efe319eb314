"""What the public sees of a rectification (整改公开): built from the ledger only — the finding's title, and
for each item not exempted its measures, responsible department, deadline and status. Never a report, a
reporter, an interviewee, a clue, a finding's facts or evidence, a progress text or a person's name.

As a second line of defence every text is redacted against the sealed and the masked identities of the
inspection (reporters, interviewees) and the names of the people reported on (被反映人): whatever the team
typed into a title or a measure, none of those values reaches the public page, the .docx or the API.
Decrypting here is no reveal: the values are only compared, never shown, stored or logged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from xuncha.core import crypto
from xuncha.fieldwork.models.talks import Interview
from xuncha.inspections.models import Inspection
from xuncha.intake.models import Report, Subject
from xuncha.keys import key_ring
from xuncha.rectification.models import ItemStatus, RectificationItem

REDACTED = "××"
# Words that stand for "unknown" in a subject's name: not identities, and common words of any text.
NOT_NAMES = frozenset({"不详", "未知", "匿名", "无"})
MIN_TERM = 2


def _masked(field: str, value: str) -> list[str]:
    if field == "name":
        return [crypto.mask_name(value)]
    if field in ("phone", "contact"):
        return [crypto.mask_phone(value)]
    return []


def sensitive_terms(inspection: Inspection) -> list[str]:
    """Every sealed value of the inspection's reporters and interviewees (and its masked form), and the
    names of the people reported on; longest first so that a longer value is redacted whole."""
    ring = key_ring()
    terms: set[str] = set()

    def add(sealed_fields: Iterable[tuple[str, str]]) -> None:
        for field, envelope in sealed_fields:
            # Fails closed: a value that cannot be opened stops the publication rather than go unchecked.
            value = crypto.unseal(ring, envelope, context=field).strip()
            for term in (value, *_masked(field, value)):
                if len(term) >= MIN_TERM and term.strip("*") and term not in NOT_NAMES:
                    terms.add(term)

    for sealed in Report.objects.filter(inspection=inspection, anonymous=False).values_list("reporter_sealed", flat=True).iterator():
        add((sealed or {}).items())
    for sealed in Interview.objects.filter(inspection=inspection).values_list("identity_sealed", flat=True).iterator():
        add((sealed or {}).items())
    for name in Subject.objects.filter(report__inspection=inspection).values_list("name", flat=True).distinct():
        name = name.strip()
        if len(name) >= MIN_TERM and name not in NOT_NAMES:
            terms.add(name)
            terms.add(crypto.mask_name(name))
    # The inspection's own public names (on its public page since the announcement) are no one's identity.
    public = (inspection.target.name, inspection.team.name, inspection.round.name)
    return sorted((t for t in terms if not any(t in name for name in public)), key=lambda t: (-len(t), t))


def redact(text: str, terms: list[str]) -> tuple[str, int]:
    """The text with every term replaced by ××, and how many replacements were made."""
    count = 0
    for term in terms:
        if term in text:
            count += text.count(term)
            text = text.replace(term, REDACTED)
    return text, count


def _status_label(item: RectificationItem) -> str:
    if item.status == ItemStatus.SIGNED_OFF:
        return "已完成（已销号）"
    if item.status == ItemStatus.DONE:
        return "已完成，待核验"
    return str(item.get_status_display())


def build_content(inspection: Inspection, *, intro: str, published_on: dt.date) -> tuple[dict[str, Any], int]:
    """The public content of the rectification of an inspection (JSON-able) and the number of redactions."""
    terms = sensitive_terms(inspection)
    redactions = 0

    def clean(text: str) -> str:
        nonlocal redactions
        out, n = redact(text, terms)
        redactions += n
        return out

    items = list(RectificationItem.objects.filter(inspection=inspection).select_related("finding", "publication_exemption")
                 .order_by("finding__number", "number"))
    exempted = sum(1 for i in items if hasattr(i, "publication_exemption"))
    problems: list[dict[str, Any]] = []
    by_finding: dict[int, dict[str, Any]] = {}
    for item in items:
        if hasattr(item, "publication_exemption"):
            continue
        problem = by_finding.get(item.finding_id)
        if problem is None:
            problem = {"number": len(problems) + 1, "title": clean(item.finding.title),
                       "focus": item.finding.get_focus_display(), "items": []}
            by_finding[item.finding_id] = problem
            problems.append(problem)
        problem["items"].append({
            "number": len(problem["items"]) + 1, "measures": clean(item.measures), "department": clean(item.responsible_dept),
            "deadline": None if item.long_term or item.deadline is None else item.deadline.isoformat(),
            "long_term": item.long_term, "status": item.status, "status_label": _status_label(item),
        })
    shown = [i for p in problems for i in p["items"]]
    content = {
        "title": f"{inspection.target.name}关于{_round_name(inspection)}整改进展情况的通报",
        "inspection": f"{inspection.team.name}巡察{inspection.target.name}",
        "target": inspection.target.name,
        "intro": clean(intro.strip()) or default_intro(inspection),
        "published_on": published_on.isoformat(),
        "summary": {
            "problems": len(problems), "items": len(shown),
            "completed": sum(1 for i in shown if i["status"] in (ItemStatus.SIGNED_OFF, ItemStatus.DONE)),
            "long_term": sum(1 for i in shown if i["status"] == ItemStatus.LONG_TERM or i["long_term"]),
            "in_progress": sum(1 for i in shown if i["status"] in (ItemStatus.IN_PROGRESS, ItemStatus.NOT_STARTED)),
            "exempted": exempted,
        },
        "problems": problems,
    }
    return content, redactions


def _round_name(inspection: Inspection) -> str:
    name = inspection.round.name
    return name if name.endswith("巡察") or name.endswith("回头看”") else f"{name}巡察"


def default_intro(inspection: Inspection) -> str:
    return (f"根据巡察工作有关规定，{inspection.team.name}对{inspection.target.name}开展了巡察并反馈了问题。"
            f"{inspection.target.name}认真落实整改主体责任，逐项制定整改措施、明确责任部门和完成时限。"
            "现将整改进展情况予以公布，欢迎广大干部群众监督。")


def content_text(content: dict[str, Any]) -> str:
    """The whole content as one text (the tests search it; the .docx and the page show the same fields)."""
    lines = [content["title"], content["intro"]]
    for p in content["problems"]:
        lines.append(p["title"])
        lines.extend(f'{i["measures"]} {i["department"]} {i["status_label"]}' for i in p["items"])
    return "\n".join(lines)
