"""Pydantic's validation errors in plain Chinese, for the API's 400 answers.

Ninja validates paths, queries and bodies with pydantic before our code runs; its messages are English
("Input should be a valid integer"). This turns each error into "字段：原因" with the limits it carries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_PLAIN = {
    "missing": "必须提供",
    "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "float_parsing": "应为数字", "float_type": "应为数字",
    "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "string_type": "应为文字", "string_unicode": "应为文字",
    "date_parsing": "应为日期（如 2024-09-25）", "date_from_datetime_parsing": "应为日期（如 2024-09-25）",
    "date_type": "应为日期（如 2024-09-25）", "date_from_datetime_inexact": "应为日期（不带时刻）",
    "datetime_parsing": "应为时刻（如 2024-09-25T10:00:00+08:00）",
    "datetime_from_date_parsing": "应为时刻（如 2024-09-25T10:00:00+08:00）",
    "datetime_type": "应为时刻（如 2024-09-25T10:00:00+08:00）",
    "uuid_parsing": "应为编号（UUID）", "uuid_type": "应为编号（UUID）",
    "list_type": "应为列表", "dict_type": "应为对象", "model_type": "应为对象", "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的 JSON", "json_type": "不是有效的 JSON",
    "extra_forbidden": "不是可用的字段",
    "none_required": "应为空",
}


def _limits(kind: str, ctx: Mapping[str, Any]) -> str | None:
    templates = {
        "greater_than_equal": "应不小于 {ge}", "greater_than": "应大于 {gt}",
        "less_than_equal": "应不大于 {le}", "less_than": "应小于 {lt}",
        "string_too_long": "不能超过 {max_length} 个字", "string_too_short": "至少 {min_length} 个字",
        "too_long": "最多 {max_length} 项", "too_short": "至少 {min_length} 项",
        "literal_error": "取值应为 {expected} 之一", "enum": "取值应为 {expected} 之一",
    }
    template = templates.get(kind)
    if template is None:
        return None
    try:
        return template.format(**{k: str(v).replace(" or ", "、").replace("'", "") for k, v in ctx.items()})
    except (KeyError, IndexError):
        return None


def plain_reason(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    reason = _PLAIN.get(kind) or _limits(kind, error.get("ctx") or {})
    if reason is None:
        message = str(error.get("msg", ""))
        # A ValueError raised by our own validators carries Chinese already ("Value error, 内容不能为空").
        reason = message.removeprefix("Value error, ") if kind == "value_error" else "取值无效"
    return reason


def where(error: Mapping[str, Any]) -> str:
    parts = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "form", "file", "payload", "params")]
    return ".".join(parts) or "请求体"


def problems_text(errors: Iterable[Mapping[str, Any]]) -> str:
    lines = []
    for error in errors:
        line = f"{where(error)}：{plain_reason(error)}"
        if line not in lines:
            lines.append(line)
    return "请求参数有误：" + "；".join(lines) + "。"
