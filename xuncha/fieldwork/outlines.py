"""Outline templates (谈话提纲) per interviewee category; a talk starts from its category's template and
the team edits it per talk."""

from __future__ import annotations

_COMMON = ("一、对本单位领导班子和班子成员落实全面从严治党责任的评价；\n"
           "二、对本单位贯彻落实党中央决策部署和上级要求的看法；\n")

TEMPLATES: dict[str, str] = {
    "leadership": (_COMMON + "三、本人分管领域的工作情况、存在的问题和风险点；\n"
                   "四、领导班子民主集中制执行、“三重一大”事项集体决策情况；\n"
                   "五、对其他班子成员的意见和建议；\n六、本人廉洁自律情况。"),
    "cadre": (_COMMON + "三、本部门工作中遇到的问题，制度执行中的薄弱环节；\n"
              "四、选人用人、干部作风方面的情况；\n五、对领导班子和班子成员的意见和建议。"),
    "teacher": (_COMMON + "三、教学科研、职称评聘、评优评先中的公平公正情况；\n"
                "四、师德师风建设情况；\n五、身边的不正之风和腐败问题。"),
    "student": ("一、学习生活中的困难和诉求；\n二、奖助学金评定、评优评先、入党推优的公开公正情况；\n"
                "三、食堂、宿舍等后勤服务情况；\n四、对学校工作的意见和建议。"),
    "retired": (_COMMON + "三、离退休干部政策落实情况；\n四、对本单位发展和领导班子的意见和建议。"),
    "other": (_COMMON + "三、需要向巡察组反映的其他问题。"),
}


def outline_template(kind: str) -> str:
    return TEMPLATES.get(kind, TEMPLATES["other"])
