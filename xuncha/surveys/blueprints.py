"""The templates a survey starts from (editable afterwards): the questions of the usual 民主测评表 and
征求意见表. Each is a list of question specs for services.survey_create."""

from __future__ import annotations

from typing import Any

from .models import QuestionType, Template

GRADES = [{"value": "good", "label": "好"}, {"value": "fair_good", "label": "较好"},
          {"value": "fair", "label": "一般"}, {"value": "poor", "label": "差"}]
AGREE = [{"value": "agree", "label": "认同"}, {"value": "mostly", "label": "基本认同"},
         {"value": "disagree", "label": "不认同"}, {"value": "unknown", "label": "不了解"}]
SATISFACTION = [{"value": "satisfied", "label": "满意"}, {"value": "mostly", "label": "基本满意"},
                {"value": "unsatisfied", "label": "不满意"}, {"value": "unknown", "label": "不了解"}]
YES_NO_PROBLEM = [{"value": "none", "label": "不存在"}, {"value": "exists", "label": "存在问题"},
                  {"value": "unknown", "label": "不了解"}]
PLACEHOLDER_PERSON = "（请填写班子成员姓名和职务）"


def _choices(labels: list[str]) -> list[dict[str, str]]:
    return [{"value": f"c{i}", "label": label} for i, label in enumerate(labels, start=1)]


def _rows(labels: list[str], prefix: str = "r") -> list[dict[str, str]]:
    return [{"value": f"{prefix}{i}", "label": label} for i, label in enumerate(labels, start=1)]


def q(kind: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "text": text, **extra}


def leadership(persons: list[str]) -> list[dict[str, Any]]:
    people = persons or [PLACEHOLDER_PERSON]
    return [
        q(QuestionType.MATRIX, "对领导班子的评价", choices=GRADES, flag_values=["poor"],
          rows=_rows(["政治建设", "思想建设", "组织建设", "作风建设", "纪律建设", "落实全面从严治党责任", "总体评价"])),
        q(QuestionType.MATRIX, "对领导班子成员的总体评价（德、能、勤、绩、廉）", choices=GRADES, flag_values=["poor"],
          rows=_rows(people, "p")),
        q(QuestionType.SINGLE, "您认为领导班子及其成员是否存在突出问题", choices=YES_NO_PROBLEM, flag_values=["exists"]),
        q(QuestionType.TEXT, "存在哪些问题？请具体说明", required=False, show_if=(3, "exists")),
        q(QuestionType.TEXT, "对领导班子建设的意见和建议", required=False),
    ]


def cadre_selection() -> list[dict[str, Any]]:
    return [
        q(QuestionType.SINGLE, "对本单位选人用人工作的总体评价", choices=GRADES, flag_values=["poor"]),
        q(QuestionType.SINGLE, "对本单位选人用人工作专项报告的认同度", choices=AGREE, flag_values=["disagree"]),
        q(QuestionType.MATRIX, "对新选拔任用干部的评议", choices=AGREE, flag_values=["disagree"],
          rows=_rows(["（请填写新选拔任用干部姓名和职务）"], "p")),
        q(QuestionType.SINGLE, "对本单位从严管理监督干部工作的评价", choices=GRADES, flag_values=["poor"]),
        q(QuestionType.MULTIPLE, "您认为选人用人工作中存在哪些问题（可多选）", required=False,
          choices=_choices(["没有明显问题", "任人唯亲、拉帮结派", "跑官要官、买官卖官", "违反程序选拔任用", "超职数配备",
                            "干部“带病提拔”", "档案造假", "其他问题"])),
        q(QuestionType.TEXT, "对选人用人工作的具体意见", required=False),
    ]


def questionnaire() -> list[dict[str, Any]]:
    return [
        q(QuestionType.SINGLE, "您对本单位全面从严治党工作的总体评价", choices=SATISFACTION, flag_values=["unsatisfied"]),
        q(QuestionType.RATING, "您对本单位政治生态的评分（1—5 分，5 分最好）", scale=5),
        q(QuestionType.MULTIPLE, "您认为本单位在以下哪些方面还需要加强（可多选）", required=False,
          choices=_choices(["贯彻落实党的路线方针政策", "落实全面从严治党主体责任", "落实中央八项规定精神", "基层党组织建设",
                            "干部队伍建设", "整改落实"])),
        q(QuestionType.SINGLE, "您是否了解本单位存在违反六项纪律的问题", choices=YES_NO_PROBLEM, flag_values=["exists"]),
        q(QuestionType.TEXT, "请简要说明您了解的问题", required=False, show_if=(4, "exists")),
        q(QuestionType.TEXT, "对本单位党的建设和事业发展的意见建议", required=False),
    ]


def questions_for(template: str, persons: list[str] | None = None) -> list[dict[str, Any]]:
    if template == Template.LEADERSHIP:
        return leadership(persons or [])
    if template == Template.CADRE_SELECTION:
        return cadre_selection()
    if template == Template.QUESTIONNAIRE:
        return questionnaire()
    return []


DEFAULT_TITLES = {
    Template.LEADERSHIP: "领导班子和领导班子成员民主测评",
    Template.CADRE_SELECTION: "选人用人工作民主评议（一报告两评议）",
    Template.QUESTIONNAIRE: "全面从严治党和政治生态调查问卷",
    Template.BLANK: "调查问卷",
}
