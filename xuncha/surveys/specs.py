"""Question specs: the shape in which questions are created and replaced (templates, the API's PUT, the
builder's form), checked once here with one Chinese message per problem."""

from __future__ import annotations

import re
from typing import Any

from xuncha.errors import Invalid

from .models import QuestionType

MAX_QUESTIONS = 80
MAX_OPTIONS = 30
MAX_ROWS = 60
VALUE_RE = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")
CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.MATRIX)


def _options(raw: Any, where: str, what: str, limit: int, problems: list[str], prefix: str) -> list[dict[str, str]]:
    """[{value, label}] from such dicts or from plain labels (values then made up)."""
    if not isinstance(raw, list):
        problems.append(f"{where}的{what}应为列表。")
        return []
    if len(raw) > limit:
        problems.append(f"{where}的{what}最多 {limit} 项。")
        return []
    out: list[dict[str, str]] = []
    for i, item in enumerate(raw, start=1):
        if isinstance(item, str):
            value, label = f"{prefix}{i}", item
        elif isinstance(item, dict):
            value, label = str(item.get("value", "") or f"{prefix}{i}"), str(item.get("label", ""))
        else:
            problems.append(f"{where}的{what}第 {i} 项格式不对。")
            continue
        label = label.strip()
        if not label:
            problems.append(f"{where}的{what}第 {i} 项没有文字。")
        elif len(label) > 100:
            problems.append(f"{where}的{what}第 {i} 项超过 100 字。")
        if not VALUE_RE.match(value):
            problems.append(f"{where}的{what}第 {i} 项的代码只能用字母、数字、下划线和连字符（最多 40 个）。")
        out.append({"value": value, "label": label})
    if len({o["value"] for o in out}) != len(out):
        problems.append(f"{where}的{what}有重复的代码。")
    return out


def clean_questions(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The specs checked and normalised; show_if refers to an earlier question by its number (1-based).
    Raises Invalid listing every problem."""
    problems: list[str] = []
    if len(specs) > MAX_QUESTIONS:
        raise Invalid(f"一份测评最多 {MAX_QUESTIONS} 道题。")
    out: list[dict[str, Any]] = []
    for n, spec in enumerate(specs, start=1):
        where = f"第 {n} 题"
        kind = str(spec.get("kind") or spec.get("type") or "")
        if kind not in QuestionType.values:
            problems.append(f"{where}的题型应为：" + "、".join(f"{v}（{lbl}）" for v, lbl in QuestionType.choices) + "。")
            continue
        text = str(spec.get("text", "")).strip()
        if not text:
            problems.append(f"{where}没有题目文字。")
        elif len(text) > 300:
            problems.append(f"{where}的题目超过 300 字。")
        choices: list[dict[str, str]] = []
        rows: list[dict[str, str]] = []
        if kind in CHOICE_TYPES:
            choices = _options(spec.get("choices", []), where, "选项", MAX_OPTIONS, problems, "c")
            if len(choices) < 2:
                problems.append(f"{where}至少要有两个选项。")
        if kind == QuestionType.MATRIX:
            rows = _options(spec.get("rows", []), where, "行", MAX_ROWS, problems, "r")
            if not rows:
                problems.append(f"{where}（矩阵题）至少要有一行（人员或事项）。")
        scale = 5
        if kind == QuestionType.RATING:
            try:
                scale = int(spec.get("scale", 5))
            except (TypeError, ValueError):
                scale = 0
            if not 2 <= scale <= 10:
                problems.append(f"{where}的评分最高分应在 2 到 10 之间。")
        values = {c["value"] for c in choices} | ({str(g) for g in range(1, scale + 1)} if kind == QuestionType.RATING else set())
        flags = [str(v) for v in spec.get("flag_values", []) or []]
        if any(v not in values for v in flags):
            problems.append(f"{where}的需关注选项不在选项之中。")
        show_if = spec.get("show_if")
        cond: tuple[int, str] | None = None
        if show_if:
            if isinstance(show_if, dict):
                ref, value = show_if.get("question"), str(show_if.get("value", ""))
            elif isinstance(show_if, (list, tuple)) and len(show_if) == 2:
                ref, value = show_if[0], str(show_if[1])
            else:
                ref, value = None, ""
            if not isinstance(ref, int) or not 1 <= ref < n:
                problems.append(f"{where}的显示条件应引用它前面的某一题（填题号）。")
            else:
                target = out[ref - 1] if ref - 1 < len(out) else None
                if target is None or target["kind"] not in (QuestionType.SINGLE, QuestionType.MULTIPLE):
                    problems.append(f"{where}的显示条件只能引用单选题或多选题。")
                elif value not in {c["value"] for c in target["choices"]}:
                    problems.append(f"{where}的显示条件的选项不在第 {ref} 题的选项之中。")
                else:
                    cond = (ref, value)
        out.append({"kind": kind, "text": text, "choices": choices, "rows": rows, "scale": scale,
                    "required": bool(spec.get("required", True)), "flag_values": flags, "show_if": cond})
    if problems:
        raise Invalid(problems)
    return out
